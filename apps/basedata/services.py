"""Writes of the data dictionary (SPEC §3.5): locked items never change, used ones stay."""

from django.db import transaction
from django.utils.translation import gettext as _

from apps.basedata.models import DictItem
from apps.basedata.usage import dict_value_in_use
from apps.rbac.policies import dict_item_policy
from apps.rbac.services import audit_event_create, audit_record_changes, snapshot
from crm.exceptions import DomainError
from crm.locking import locked

FIELDS = ["type", "item", "item_en", "value", "is_editable", "sort_order"]


def _refuse_locked(item: DictItem) -> None:
    if not item.is_editable:
        raise DomainError(
            _("“%(item)s” is a system entry and cannot be changed.") % {"item": item.item}
        )


@transaction.atomic
def dict_item_save(*, actor, item: DictItem) -> DictItem:
    """Create or edit a dictionary item (the admin form's instance); audited."""
    if item.pk is None:
        dict_item_policy.require(actor, "add")
        item.full_clean()
        item.save()
        audit_event_create(
            actor=actor, target=item, action="basedata.dictitem.create", data=snapshot(item, FIELDS)
        )
        return item
    stored = locked(DictItem, pk=item.pk)
    dict_item_policy.require(actor, "change", stored)
    _refuse_locked(stored)
    if stored.value != item.value and dict_value_in_use(stored.type, stored.value):
        raise DomainError(
            _("The value “%(value)s” is used by business records and cannot be changed.")
            % {"value": stored.value}
        )
    before = snapshot(stored, FIELDS)
    item.full_clean()
    item.save()
    audit_record_changes(actor=actor, target=item, action="basedata.dictitem.update", before=before)
    return item


@transaction.atomic
def dict_item_delete(*, actor, item_id: int) -> None:
    """Delete an editable item that no business record uses."""
    item = locked(DictItem, pk=item_id)
    dict_item_policy.require(actor, "delete", item)
    _refuse_locked(item)
    if dict_value_in_use(item.type, item.value):
        raise DomainError(
            _("“%(item)s” is used by business records and cannot be deleted.") % {"item": item.item}
        )
    audit_event_create(
        actor=actor, target=item, action="basedata.dictitem.delete", data=snapshot(item, FIELDS)
    )
    item.delete()
