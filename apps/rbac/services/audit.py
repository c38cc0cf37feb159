"""The audit trail: every create, update, delete and transition of a business record."""

import datetime
import decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from apps.rbac.models import AuditEvent

# Never copied into the audit trail, whatever the model.
SECRET_FIELDS = {"password"}


def _plain(value):
    """A JSON-safe copy of a field value."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict:
    """The concrete field values of `instance` (foreign keys as ids), ready for JSON."""
    names = fields or [
        f.name
        for f in instance._meta.concrete_fields
        if f.name not in SECRET_FIELDS and not f.primary_key and f.name != "updated_at"
    ]
    return {name: _plain(getattr(instance, _attname(instance, name))) for name in names}


def _attname(instance, name):
    return instance._meta.get_field(name).attname


def audit_event_create(
    *,
    actor,
    target: models.Model,
    action: str,
    from_status: str = "",
    to_status: str = "",
    changes: dict | None = None,
    data: dict | None = None,
) -> AuditEvent:
    """Append one audit record; call it inside the transaction that made the change."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        content_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        object_id=str(target.pk),
        object_repr=str(target)[:200],
        from_status=str(from_status or ""),
        to_status=str(to_status or ""),
        changes=changes or {},
        data=data or {},
    )


def audit_record_changes(*, actor, target, action: str, before: dict, data=None):
    """Audit an update: only the fields whose value differs from `before` are recorded."""
    after = snapshot(target, list(before))
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if not changes:
        return None
    return audit_event_create(actor=actor, target=target, action=action, changes=changes, data=data)


def audit_events_bulk_create(
    *, actor, model, action: str, rows, data: dict | None = None, at=None
) -> None:
    """
    An audit event per changed row of `model`, in one INSERT, for services that change many
    rows in one statement (a transfer): `rows` are (pk, repr, changes) triples.
    """
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    at = at or timezone.now()
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor=actor if actor is not None and actor.is_authenticated else None,
                action=action,
                content_type=content_type,
                object_id=str(pk),
                object_repr=str(text)[:200],
                changes=changes or {},
                data=data or {},
                created_at=at,
            )
            for pk, text, changes in rows
        ]
    )
