"""
The one plug-in mechanism: named hook points that apps fill from their AppConfig.ready(). The
code that reads a point never imports the apps that fill it, so dependencies keep running one
way (README "Architecture") and the frame (crm/) imports no app at all::

    # apps/service/apps.py, in ready()
    hooks.register("menu.badge", selectors.ticket_assign_waiting_count, key="L0302")
    # apps/rbac/menu.py
    count = hooks.get("menu.badge", right.code)

Every point is declared in POINTS below: registering on, or reading, a name that is not there
raises UnknownHook at once instead of silently finding nothing. Values come back ordered by
`order`, then by registration (INSTALLED_APPS order). A point whose values are one per key
keeps the latest registration of a key; on the other points registering the same (key, value)
twice keeps one, so a ready() that runs twice adds nothing.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import count
from typing import Any


@dataclass(frozen=True)
class Point:
    doc: str
    one_per_key: bool = False


POINTS: dict[str, Point] = {
    "menu.badge": Point(
        "count(user) -> int, or a QuerySet of the rows to count (every badge's QuerySet is "
        "counted in one query, crm.counts.page_counts), shown next to the menu page whose "
        "right code is the key (0 hides it)",
        one_per_key=True,
    ),
    "frame.count": Point(
        "count(user) -> QuerySet (or int) of a number every page shows outside the menu (the "
        "bell), the key its template variable; counted with the menu badges in one query "
        "(crm.counts.page_counts)",
        one_per_key=True,
    ),
    "customers.section": Point(
        "a section of the customer page: the key is its template, the value "
        "context(user=, customer=) -> the template's context",
        one_per_key=True,
    ),
    "errors.explain": Point(
        "explain(request, status) -> {'reasons': [str], 'url': str | None} or None: why the "
        "403/404 page's user was refused, for a user entitled to know (None: say nothing)"
    ),
    "customers.transfer": Point(
        "reassign(actor=, moves=, to_user=) -> int, keyed by the kind of open record that may "
        "follow transferred customers (the user ticks it): moves is a list of "
        "apps.customers.services.transfer.Move (customer_id, customer_name, from_user_id); "
        "one UPDATE, inside the transfer's transaction",
        one_per_key=True,
    ),
    "rbac.user_holdings": Point(
        "an apps.rbac.services.users.Holding (label, count(user) -> int, transfer(actor=, user=, "
        "to_user=, reason=) -> int) keyed by its name: records a user owns, listed and handed "
        "over when he is disabled",
        one_per_key=True,
    ),
    "basedata.dict_usage": Point(
        "is_used(value) -> bool for the dictionary type given as key: a business row stores "
        "the value, so it may not be deleted or renamed"
    ),
    "imports.kind": Point(
        "apps.imports.catalog.ImportKind keyed by its key: a kind of data a file may import",
        one_per_key=True,
    ),
    "imports.in_use": Point(
        "is_used(obj) -> bool for rows of the model whose label (app_label.model) is the key: "
        "business rows use it without a foreign key, so an import's undo may not delete it"
    ),
    "jobs.kind": Point(
        "apps.jobs.registry.JobKind keyed by its name: a kind of background job",
        one_per_key=True,
    ),
}


class UnknownHook(LookupError):
    def __init__(self, name: str):
        super().__init__(
            f"No hook point named {name!r}. The points are declared in crm.hooks.POINTS: "
            f"{', '.join(sorted(POINTS))}."
        )


@dataclass(frozen=True)
class Entry:
    key: Any
    value: Any
    order: int
    number: int  # registration order, the tie-break


_entries: dict[str, list[Entry]] = {name: [] for name in POINTS}
_numbers = count()


def _point(name: str) -> list[Entry]:
    try:
        return _entries[name]
    except KeyError:
        raise UnknownHook(name) from None


def register(name: str, value, *, key=None, order: int = 0) -> None:
    """Add `value` to the point `name` (from an AppConfig.ready()); see the module docstring."""
    entries = _point(name)
    if POINTS[name].one_per_key:
        entries[:] = [e for e in entries if e.key != key]
    elif any(e.key == key and e.value == value for e in entries):
        return
    entries.append(Entry(key, value, order, next(_numbers)))
    entries.sort(key=lambda e: (e.order, e.number))


def unregister(name: str, *, key=None, value=None) -> None:
    """Remove the entries of `key` (and `value`, if given): for tests that add their own."""
    entries = _point(name)
    entries[:] = [e for e in entries if not (e.key == key and (value is None or e.value == value))]


def values(name: str, key=None) -> list:
    """The values of the point, in order; with `key`, only that key's."""
    entries = _point(name)
    return [e.value for e in entries if key is None or e.key == key]


def get(name: str, key, default=None):
    """The value registered for `key` on a one-per-key point, or `default`."""
    found = values(name, key)
    return found[0] if found else default


class Registry(Mapping):
    """A live read-only view of a one-per-key point: {key: value}, in order."""

    def __init__(self, name: str):
        _point(name)
        self.name = name

    def __getitem__(self, key):
        for entry in _point(self.name):
            if entry.key == key:
                return entry.value
        raise KeyError(key)

    def __iter__(self) -> Iterator:
        return iter([e.key for e in _point(self.name)])

    def __len__(self) -> int:
        return len(_point(self.name))


def registry(name: str) -> Registry:
    return Registry(name)
