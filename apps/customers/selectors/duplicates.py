"""
The duplicate check (查重, issue 18): one selector for every way a customer comes in (by hand,
from a won chance, by import). Same USCC, same phone or the same normalised name is a
duplicate; a similar name (trigram similarity of the normalised names) is a warning. A match
the user may not see is named masked, with its account manager, so he knows whom to ask.

Queries: the exact rules are one query on three indexes (BitmapOr), the similar names one on
the trigram index of cust_name_key, the user's scope one more on the few matched ids.
"""

from dataclasses import dataclass, replace

from django.contrib.postgres.lookups import TrigramSimilar
from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from apps.customers.identity import mask_name, normalise_name, normalise_phone, normalise_uscc
from apps.customers.models import Customer
from apps.rbac.policies import customer_policy

USCC, TEL, NAME, SIMILAR = "uscc", "tel", "name", "similar"
SIMILAR_LIMIT = 5
# pg_trgm's `%` holds names at least this similar (its default 0.3 lets a common name match
# thousands of rows at a million customers, each rechecked; 0.5 keeps the warning useful).
SIMILARITY = 0.5
CHUNK = 1000
# `name_key % 'key'`: pg_trgm's similarity operator, served by cst_customer_name_key_trgm.
Customer._meta.get_field("name_key").register_lookup(TrigramSimilar)
FIELDS = ("pk", "number", "name", "uscc", "tel_key", "name_key", "manager__full_name")


@dataclass(frozen=True)
class DuplicateMatch:
    kind: str  # USCC, TEL, NAME (a duplicate: refused) or SIMILAR (a warning)
    customer_id: int
    number: str
    name: str
    manager_name: str
    visible: bool

    @property
    def blocking(self) -> bool:
        return self.kind != SIMILAR

    @property
    def label(self) -> str:
        """The customer as the user may know it: in full if he may see it, else masked."""
        if self.visible:
            return f"{self.number} {self.name}"
        owner = self.manager_name or _("no account manager")
        return _("%(name)s (account manager: %(owner)s)") % {
            "name": mask_name(self.name),
            "owner": owner,
        }

    @property
    def message(self) -> str:
        reasons = {
            USCC: _("The customer %(customer)s has the same unified social credit code."),
            TEL: _("The customer %(customer)s has the same telephone."),
            NAME: _("The customer %(customer)s has the same name."),
            SIMILAR: _("The customer %(customer)s has a similar name."),
        }
        return reasons[self.kind] % {"customer": self.label}


def _candidates(*, name: str, uscc: str, tel: str) -> tuple[str, str, str]:
    return normalise_name(name), normalise_uscc(uscc), normalise_phone(tel)


def _matches(user, rows, kinds_of) -> list[DuplicateMatch]:
    """Each row with the rules it matched, named as the user may see it (one scope query)."""
    visible = customer_policy.allowed_ids(user, "view", [row["pk"] for row in rows])
    return [
        DuplicateMatch(
            kind=kind,
            customer_id=row["pk"],
            number=row["number"],
            name=row["name"],
            manager_name=row["manager__full_name"] or "",
            visible=row["pk"] in visible,
        )
        for row in rows
        for kind in kinds_of(row)
    ]


def _exact_rule(names, usccs, tels) -> Q:
    rule = Q(pk__in=[])
    if usccs:
        rule |= Q(uscc__in=usccs)
    if tels:
        rule |= Q(tel_key__in=tels)
    if names:
        rule |= Q(name_key__in=names)
    return rule


def _similar(base, key: str) -> list[dict]:
    """The most similar normalised names (trigram index cst_customer_name_key_trgm)."""
    query = (
        base.filter(name_key__trigram_similar=key)
        .exclude(name_key=key)
        .annotate(similarity=TrigramSimilarity("name_key", key))
        .order_by("-similarity", "pk")
        .values(*FIELDS)[:SIMILAR_LIMIT]
    )
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [str(SIMILARITY)]
            )
        return list(query)


def customer_duplicates(
    *, user, name: str, uscc: str = "", tel: str = "", exclude_pk=None, similar: bool = True
) -> list[DuplicateMatch]:
    """
    The customers a new (or edited) customer would duplicate: blocking matches first, then at
    most SIMILAR_LIMIT similar names (unless `similar` is False).
    """
    key, uscc, tel = _candidates(name=name, uscc=uscc, tel=tel)
    base = Customer.objects.visible()
    if exclude_pk is not None:
        base = base.exclude(pk=exclude_pk)
    rows = list(
        base.filter(_exact_rule([key] if key else [], [uscc] if uscc else [], [tel] if tel else []))
        .values(*FIELDS)
        .order_by("pk")[:SIMILAR_LIMIT]
    )
    seen = {row["pk"] for row in rows}
    if similar and len(key) >= 2:
        rows += [{**row, "similar": True} for row in _similar(base, key) if row["pk"] not in seen]

    def kinds_of(row):
        if row.get("similar"):
            return [SIMILAR]
        found = [USCC] if uscc and row["uscc"] == uscc else []
        found += [TEL] if tel and row["tel_key"] == tel else []
        found += [NAME] if key and row["name_key"] == key else []
        return found[:1]

    return _matches(user, rows, kinds_of)


class DuplicateIndex:
    """
    The stored customers that the rows of an import duplicate, found in a few chunked queries
    before the rows are checked (no query per row). `match(name, uscc, tel, exclude_pk)` then
    answers for one row.
    """

    def __init__(self, *, user, rows):
        keys = [_candidates(name=n, uscc=u, tel=t) for n, u, t in rows]
        names = sorted({k[0] for k in keys if k[0]})
        usccs = sorted({k[1] for k in keys if k[1]})
        tels = sorted({k[2] for k in keys if k[2]})
        found = []
        for kind, values in ((NAME, names), (USCC, usccs), (TEL, tels)):
            for start in range(0, len(values), CHUNK):
                chunk = values[start : start + CHUNK]
                rule = _exact_rule(
                    chunk if kind == NAME else [],
                    chunk if kind == USCC else [],
                    chunk if kind == TEL else [],
                )
                found += list(Customer.objects.visible().filter(rule).values(*FIELDS))
        unique = {row["pk"]: row for row in found}
        self.by_key: dict[tuple[str, str], list[DuplicateMatch]] = {}
        for match in _matches(user, list(unique.values()), lambda row: [USCC]):
            row = unique[match.customer_id]
            for kind, value in (
                (USCC, row["uscc"]),
                (TEL, row["tel_key"]),
                (NAME, row["name_key"]),
            ):
                if value:
                    self.by_key.setdefault((kind, value), []).append(replace(match, kind=kind))

    def match(self, *, name: str, uscc: str = "", tel: str = "", exclude_pk=None):
        """The first stored customer this row duplicates, or None."""
        key, uscc, tel = _candidates(name=name, uscc=uscc, tel=tel)
        for kind, value in ((USCC, uscc), (TEL, tel), (NAME, key)):
            for match in self.by_key.get((kind, value), []) if value else []:
                if match.customer_id != exclude_pk:
                    return match
        return None
