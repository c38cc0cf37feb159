"""Writes of customer tags (标签, issue 18): the admin keeps the tags, users tag customers."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.customers.models import Customer, CustomerTag, Tag
from apps.rbac.models import AuditEvent
from apps.rbac.policies import customer_policy, tag_policy
from apps.rbac.services import audit_event_create, audit_record_changes, snapshot
from crm.locking import atomic_retried, locked

TAG_FIELDS = ["name_zh", "name_en", "colour"]
BULK_LIMIT = 1000


@atomic_retried
def tag_save(*, actor, tag_id: int | None = None, **fields) -> Tag:
    """Create (tag_id None) or edit a tag; admins only; audited."""
    if tag_id is None:
        tag_policy.require(actor, "add")
        tag, before = Tag(), None
    else:
        tag_policy.require(actor, "change")
        tag = locked(Tag.objects.all(), pk=tag_id)
        before = snapshot(tag, TAG_FIELDS)
    for name in TAG_FIELDS:
        if name in fields:
            setattr(tag, name, fields[name])
    tag.full_clean()
    tag.save()
    if before is None:
        audit_event_create(
            actor=actor, target=tag, action="customers.tag.create", data=snapshot(tag, TAG_FIELDS)
        )
    else:
        audit_record_changes(actor=actor, target=tag, action="customers.tag.update", before=before)
    return tag


def _tag(tag_id) -> Tag:
    try:
        return Tag.objects.get(pk=int(tag_id))
    except (Tag.DoesNotExist, TypeError, ValueError):
        raise ValidationError({"tag": _("Choose one of the tags.")}, code="invalid") from None


@transaction.atomic
def customer_tag(*, actor, customer_ids, tag_id, add: bool = True) -> int:
    """
    Tag (or untag, add=False) the customers `customer_ids` with one tag: those the actor may
    change, locked; the others refused (403) before anything changes. Returns how many
    customers changed; each is audited (bulk insert of the audit rows).
    """
    tag = _tag(tag_id)
    ids = sorted({int(pk) for pk in customer_ids})
    if not ids:
        raise ValidationError(_("Select at least one customer."), code="empty")
    if len(ids) > BULK_LIMIT:
        raise ValidationError(
            _("Tag at most %(limit)s customers at once.") % {"limit": BULK_LIMIT}, code="too_many"
        )
    customer_policy.require(actor, "change")
    rows = customer_policy.scope(
        actor, "change", Customer.objects.visible().filter(pk__in=ids)
    ).select_for_update(of=("self",))
    customers = list(rows.order_by("pk"))
    if len(customers) != len(ids):
        raise PermissionDenied
    having = set(
        CustomerTag.objects.filter(tag=tag, customer_id__in=ids).values_list(
            "customer_id", flat=True
        )
    )
    if add:
        changed = [c for c in customers if c.pk not in having]
        CustomerTag.objects.bulk_create(
            [CustomerTag(customer=c, tag=tag) for c in changed], ignore_conflicts=True
        )
    else:
        changed = [c for c in customers if c.pk in having]
        CustomerTag.objects.filter(tag=tag, customer_id__in=[c.pk for c in changed]).delete()
    content_type = ContentType.objects.get_for_model(Customer)
    data = {"tag": tag.pk, "tag_name": tag.name_zh, "tag_name_en": tag.name_en}
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=actor,
            action="customers.customer.tag" if add else "customers.customer.untag",
            content_type=content_type,
            object_id=str(customer.pk),
            object_repr=str(customer)[:200],
            data=data,
        )
        for customer in changed
    )
    return len(changed)
