"""Writes of the customers app. Other apps create customers only through these functions."""

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.customers.models import Customer, Linkman
from apps.rbac.policies import activity_policy, customer_policy, linkman_policy
from apps.rbac.services import audit_event_create, audit_record_changes, snapshot
from crm.exceptions import ConcurrentUpdate
from crm.locking import atomic_retried, locked, locked_with_parent

# One statement, atomic under concurrency: the first number of a day continues after any
# number already present (demo or imported data); later ones increment the locked day row.
NEXT_NUMBER_SQL = """
INSERT INTO cst_customer_number_seq (day, last)
VALUES (%(day)s, COALESCE((
    SELECT MAX(CAST(SUBSTR(cust_no, 11) AS INTEGER)) FROM cst_customer
    WHERE cust_no LIKE %(prefix_like)s), 0) + 1)
ON CONFLICT (day) DO UPDATE SET last = cst_customer_number_seq.last + 1
RETURNING last
"""


def customer_number_next(day=None) -> str:
    """The next customer number of `day` (today by default), e.g. KH20261123001."""
    day = day or timezone.localdate()
    prefix = f"KH{day:%Y%m%d}"
    with connection.cursor() as cursor:
        cursor.execute(NEXT_NUMBER_SQL, {"day": day, "prefix_like": f"{prefix}%"})
        (sequence,) = cursor.fetchone()
    return f"{prefix}{sequence:03d}"


@transaction.atomic
def customer_create_from_chance(*, chance, actor) -> Customer:
    """
    The customer a won sales chance becomes (SPEC §3.1 step 7): name from the chance, the
    assignee as account manager, default level/satisfaction/credit, and a linkman from the
    chance's contact. The caller (marketing) holds the chance's row lock.
    """
    customer = Customer(
        number=customer_number_next(), name=chance.customer_name, manager_id=chance.assignee_id
    )
    customer.full_clean()
    customer.save()
    audit_event_create(
        actor=actor,
        target=customer,
        action="customers.customer.create",
        data={**snapshot(customer, ["number", "name", "manager"]), "from_chance": chance.pk},
    )
    if chance.linkman:
        linkman = Linkman(customer=customer, name=chance.linkman, tel=chance.tel or "")
        linkman.full_clean(exclude=["tel"])  # the chance's phone is optional, the linkman's not
        linkman.save()
        audit_event_create(
            actor=actor,
            target=linkman,
            action="customers.linkman.create",
            data=snapshot(linkman, ["customer", "name", "tel"]),
        )
    return customer


CUSTOMER_EDITABLE_FIELDS = [
    "name",
    "region",
    "manager",
    "level",
    "satisfaction",
    "credit",
    "address",
    "zip",
    "tel",
    "fax",
    "website",
    "licence_no",
    "chieftain",
    "bankroll",
    "turnover",
    "bank",
    "bank_account",
    "local_tax_no",
    "national_tax_no",
]


def _customers():
    """Where a service finds a customer: a (logically) deleted one no longer exists."""
    return Customer.objects.exclude(status=Customer.Status.DELETED)


def _locked_customer(customer_id: int) -> Customer:
    return locked(_customers(), pk=customer_id)


@transaction.atomic
def customer_update(*, actor, customer_id: int, loaded_at: str, **fields) -> Customer:
    """
    Save the edit form (the number is never editable). `loaded_at` is the record's updated_at
    when the form was loaded: if someone saved since, refuse instead of overwriting them.
    """
    customer = _locked_customer(customer_id)
    customer_policy.require(actor, "change", customer)
    if customer.updated_at.isoformat() != loaded_at:
        raise ConcurrentUpdate(
            _(
                "Someone else changed this customer after you opened it. "
                "Reload the page, then make your change again."
            )
        )
    before = snapshot(customer, CUSTOMER_EDITABLE_FIELDS)
    for name in CUSTOMER_EDITABLE_FIELDS:
        if name in fields:
            setattr(customer, name, fields[name])
    customer.full_clean()
    customer.save()
    audit_record_changes(
        actor=actor, target=customer, action="customers.customer.update", before=before
    )
    return customer


@transaction.atomic
def customer_delete(*, actor, customer_id: int) -> Customer:
    """The logical delete of SPEC §3.2: status 3; the row and its history stay."""
    customer = _locked_customer(customer_id)
    customer_policy.require(actor, "delete", customer)
    old_status = customer.status
    customer.status = Customer.Status.DELETED
    customer.save(update_fields=["status", "updated_at"])
    audit_event_create(
        actor=actor,
        target=customer,
        action="customers.customer.delete",
        from_status=old_status,
        to_status=customer.status,
    )
    return customer


def _child_policy(model):
    return linkman_policy if model is Linkman else activity_policy


@atomic_retried
def customer_child_save(
    *, actor, model, customer_id: int, instance_id: int | None = None, **fields
):
    """Create or edit a linkman or an activity of a customer the actor manages; audited."""
    customer = _locked_customer(customer_id)  # the parent first (crm.locking)
    if instance_id is None:
        instance, before = model(customer=customer), None
    else:
        instance = locked(model.objects.filter(customer=customer), pk=instance_id)
        before = snapshot(instance, list(fields))
    instance.customer = customer
    _child_policy(model).require(actor, "change", instance)
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    key = f"customers.{model._meta.model_name}"
    if before is None:
        audit_event_create(
            actor=actor,
            target=instance,
            action=f"{key}.create",
            data=snapshot(instance, list(fields)),
        )
    else:
        audit_record_changes(actor=actor, target=instance, action=f"{key}.update", before=before)
    return instance


@atomic_retried
def customer_child_delete(*, actor, model, instance_id: int) -> None:
    """Delete a linkman or an activity; the audit keeps what it said."""
    instance = locked_with_parent(model, "customer", parents=_customers(), pk=instance_id)
    _child_policy(model).require(actor, "change", instance)
    audit_event_create(
        actor=actor,
        target=instance,
        action=f"customers.{model._meta.model_name}.delete",
        data=snapshot(instance),
    )
    instance.delete()
