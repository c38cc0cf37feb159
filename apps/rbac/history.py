"""
A record's history as sentences in the user's language, read from the audit trail.

Each app describes its own audit keys (`<app>.<entity>.<verb>`) in an optional module
`apps/<app>/history.py`, found by the key's app label (no registration):

    ACTIONS = {"customers.churn.confirm": Action(_("{actor} confirmed the churn"),
                                                  details=["reason"])}
    def value_labels() -> {"<app>.<model>": {field: {stored value: label}}}   # optional

Keys an app does not describe read as "created / edited / deleted the <record>" by their verb.
Field names become the labels of the model's fields, values what the pages show: choice and
dictionary labels, user names, dates in the user's format. Everything an event refers to is read
in bulk, so the number of queries does not grow with the number of events.
"""

import datetime
import decimal
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.rbac.models import AuditEvent

EMPTY = "—"


@dataclass(frozen=True)
class Action:
    """How one audit key reads: `text` with {actor} (and {record}); `details` are keys of the
    event's data shown under it, labelled as the model's field of that name or as given."""

    text: str
    details: list[str] | dict[str, str] = field(default_factory=list)


GENERIC = {
    "create": gettext_lazy("{actor} created the {record}"),
    "update": gettext_lazy("{actor} edited the {record}"),
    "delete": gettext_lazy("{actor} deleted the {record}"),
}


@dataclass
class HistoryEntry:
    """One event as the page shows it."""

    action: str
    time: datetime.datetime
    actor: str
    sentences: list[str]
    details: list[tuple[str, str]]


def _app_module(label: str):
    try:
        name = apps.get_app_config(label).name
    except LookupError:
        return None
    try:
        return import_module(f"{name}.history")
    except ModuleNotFoundError as error:
        if error.name != f"{name}.history":
            raise
        return None


def action_of(key: str) -> Action | None:
    """The description of an audit key: the app's own, else the generic one of its verb."""
    module = _app_module(key.split(".", 1)[0])
    described = getattr(module, "ACTIONS", {}).get(key)
    if described is not None:
        return described
    verb = key.rsplit(".", 1)[-1]
    return Action(GENERIC[verb]) if verb in GENERIC else None


def _model_field(model, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


class _Values:
    """Turns stored values into what the pages show; foreign keys are read in bulk."""

    def __init__(self, events: list[AuditEvent]):
        self.coded: dict[str, dict] = {}
        for label in {e.action.split(".", 1)[0] for e in events}:
            value_labels = getattr(_app_module(label), "value_labels", None)
            if value_labels:
                self.coded.update(value_labels())
        self.wanted: dict[type, set] = defaultdict(set)
        self.names: dict[type, dict[str, str]] = {}

    def want(self, model, name: str, value) -> None:
        model_field = _model_field(model, name)
        relation = model_field is not None and model_field.many_to_one
        if relation and value not in (None, ""):
            self.wanted[model_field.related_model].add(value)

    def fetch(self) -> None:
        user_model = get_user_model()
        for model, ids in self.wanted.items():
            rows = model._default_manager.filter(pk__in=ids)
            if model is user_model:
                self.names[model] = {str(u.pk): u.display_name for u in rows}
            else:
                self.names[model] = {str(obj.pk): str(obj) for obj in rows}

    def show(self, model, name: str, value) -> str:
        if value in (None, "", [], {}):
            return EMPTY
        model_field = _model_field(model, name)
        coded = self.coded.get(model._meta.label_lower, {}).get(name) if model else None
        if coded is not None:
            return str(coded.get(str(value), value))
        if model_field is None:
            return _plain(value)
        if model_field.choices:
            choices = {str(key): label for key, label in model_field.flatchoices}
            return str(choices.get(str(value), value))
        if model_field.many_to_one:
            return self.names.get(model_field.related_model, {}).get(str(value), f"#{value}")
        return _when(model_field, value) or _plain(value)


def _when(model_field, value) -> str | None:
    """A stored date or time in the user's format, None if the field is neither."""
    if isinstance(model_field, models.DateTimeField):
        moment = parse_datetime(str(value))
        if moment is not None:
            moment = timezone.localtime(moment) if timezone.is_aware(moment) else moment
            return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
    elif isinstance(model_field, models.DateField):
        day = parse_date(str(value)[:10])
        if day is not None:
            return formats.date_format(day, "SHORT_DATE_FORMAT")
    return None


def _plain(value) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float | decimal.Decimal):
        return formats.number_format(value, use_l10n=True)
    return str(value)


def _label(model, name: str) -> str:
    model_field = _model_field(model, name)
    return str(model_field.verbose_name) if model_field is not None else name


def describe(events: Iterable[AuditEvent]) -> list[HistoryEntry]:
    """The sentences of `events` (with actor and content type selected), in their order."""
    events = list(events)
    values = _Values(events)
    for event in events:
        model = event.content_type.model_class()
        for name, (old, new) in (event.changes or {}).items():
            values.want(model, name, old)
            values.want(model, name, new)
        data = event.data or {}
        for name in _detail_keys(action_of(event.action)):
            values.want(model, name, data.get(name))
    values.fetch()
    return [_entry(event, values) for event in events]


def _detail_keys(action: Action | None) -> list[str]:
    return list(action.details) if action is not None else []


def _entry(event: AuditEvent, values: _Values) -> HistoryEntry:
    model = event.content_type.model_class()
    actor = event.actor.display_name if event.actor_id else _("system")
    record = str(model._meta.verbose_name) if model else event.content_type.name
    action = action_of(event.action) or Action(gettext_lazy("{actor}: {record}"))
    sentences = []
    changes = event.changes or {}
    if not changes or event.action.rsplit(".", 1)[-1] != "update":
        headline = str(action.text).format(actor=actor, record=record)
        if event.from_status or event.to_status:
            old = values.show(model, "status", event.from_status)
            new = values.show(model, "status", event.to_status)
            headline = _("{headline} ({old} → {new})").format(headline=headline, old=old, new=new)
        sentences.append(headline)
    for name, (old, new) in changes.items():
        sentences.append(
            _("{actor} changed {field} from {old} to {new}").format(
                actor=actor,
                field=_label(model, name),
                old=values.show(model, name, old),
                new=values.show(model, name, new),
            )
        )
    data = event.data or {}
    if isinstance(action.details, dict):
        labelled = [(str(label), key) for key, label in action.details.items()]
    else:
        labelled = [(_label(model, key), key) for key in action.details]
    details = [
        (label, values.show(model, key, data[key]))
        for label, key in labelled
        if data.get(key) not in (None, "")
    ]
    return HistoryEntry(event.action, event.created_at, actor, sentences, details)


# The rbac app's own keys (this module is its history module).
ACTIONS = {
    "rbac.user.enable": Action(gettext_lazy("{actor} enabled the user")),
    "rbac.user.disable": Action(gettext_lazy("{actor} disabled the user")),
    "rbac.user.reset_password": Action(gettext_lazy("{actor} reset the password")),
    "rbac.role.set_rights": Action(gettext_lazy("{actor} changed the role's rights")),
    "rbac.role.set_data_scopes": Action(gettext_lazy("{actor} changed the role's data scope")),
    "rbac.department.move": Action(gettext_lazy("{actor} moved the department")),
    "rbac.share.read": Action(
        gettext_lazy("{actor} shared the {record} read-only"),
        details={"colleague": gettext_lazy("Colleague"), "until": gettext_lazy("Until")},
    ),
    "rbac.share.write": Action(
        gettext_lazy("{actor} shared the {record} read-write"),
        details={"colleague": gettext_lazy("Colleague"), "until": gettext_lazy("Until")},
    ),
    "rbac.share.remove": Action(
        gettext_lazy("{actor} stopped sharing the {record}"),
        details={"colleague": gettext_lazy("Colleague")},
    ),
}
