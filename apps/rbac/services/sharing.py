"""
协作 (issue 16): share one record (customer, sales chance, service ticket) with a colleague,
read-only or read-write, optionally until a date; stop sharing it. The owner (within his data
scope) or a user whose role covers every row decides (Policy.can_share). Each change is audited
on the record, so its history says who shared it with whom.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.rbac.models import RecordShare, User
from apps.rbac.policies import sharing_policy
from apps.rbac.services.audit import audit_event_create
from crm.locking import atomic_retried, locked


def _locked_record(record):
    policy = sharing_policy(record)
    if policy is None:
        raise PermissionDenied
    return policy, locked(policy.model._default_manager, pk=record.pk)


def _colleague(user_id) -> User:
    try:
        return User.objects.get(pk=user_id)
    except (User.DoesNotExist, ValueError, TypeError):
        raise ValidationError({"user": _("Choose an existing colleague.")}) from None


def _audit(*, actor, record, key: str, share: RecordShare) -> None:
    audit_event_create(
        actor=actor,
        target=record,
        action=key,
        data={
            "colleague": share.user.display_name,
            "colleague_id": share.user_id,
            "until": share.until.isoformat() if share.until else None,
        },
    )


def _share_errors(policy, record, *, actor, colleague, access, until) -> dict:
    """What is wrong with sharing `record` this way, by form field ({} when nothing)."""
    errors = {}
    if colleague.pk == actor.pk:
        errors["user"] = _("You cannot share a record with yourself.")
    elif colleague.pk in policy.owner_ids_of(record):
        errors["user"] = _("%(name)s owns this record already.") % {"name": colleague.display_name}
    elif not colleague.is_active:
        errors["user"] = _("%(name)s is disabled: choose an active colleague.") % {
            "name": colleague.display_name
        }
    if access not in RecordShare.Access.values:
        errors["access"] = _("Choose read only or read and write.")
    elif access not in policy.share_kinds():
        errors["access"] = _("This record can only be shared read-only.")
    if until is not None and until < timezone.localdate():
        errors["until"] = _("The end date is in the past.")
    return errors


@atomic_retried
def share_record(
    *, actor, record, user_id, access: str, until: datetime.date | None = None
) -> tuple[RecordShare, bool]:
    """
    Share `record` with the user `user_id`; (the share, whether anything changed). The same
    share asked for twice (a double click, twenty tabs) is one row and one audit record.
    """
    policy, record = _locked_record(record)
    if not policy.can_share(actor, record):
        raise PermissionDenied
    colleague = _colleague(user_id)
    errors = _share_errors(
        policy, record, actor=actor, colleague=colleague, access=access, until=until
    )
    if errors:
        raise ValidationError(errors)
    share = RecordShare.objects.of(record).filter(user=colleague).first()
    if share is not None and (share.access, share.until) == (access, until):
        return share, False
    if share is None:
        share = RecordShare(
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
            user=colleague,
            created_by=actor,
        )
    share.access, share.until = access, until
    share.full_clean(exclude=["content_type", "created_by"])
    share.save()
    _audit(actor=actor, record=record, key=f"rbac.share.{access}", share=share)
    return share, True


@transaction.atomic
def unshare_record(*, actor, share_id: int):
    """Stop sharing: delete the share (the record locked first); audited. Returns the record."""
    found = RecordShare.objects.filter(pk=share_id).first()
    if found is None:
        raise ValidationError(_("This share no longer exists."))
    record = found.content_type.get_object_for_this_type(pk=found.object_id)
    policy, record = _locked_record(record)
    if not policy.can_share(actor, record):
        raise PermissionDenied
    share = RecordShare.objects.select_for_update().filter(pk=share_id).first()
    if share is None:
        raise ValidationError(_("This share no longer exists."))
    _audit(actor=actor, record=record, key="rbac.share.remove", share=share)
    share.delete()
    return record
