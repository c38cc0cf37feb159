"""Writes of the customers app. Other apps create customers only through these functions."""

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.customers.models import Customer, Linkman
from apps.customers.selectors.duplicates import customer_duplicates
from apps.rbac.policies import activity_policy, customer_policy, linkman_policy
from apps.rbac.services import audit_event_create, audit_record_changes, snapshot
from crm.exceptions import ConcurrentUpdate, DomainError
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


# pg_advisory_xact_lock key: customers are created one at a time, so two people creating the
# same customer at once cannot both pass the duplicate check (creations take milliseconds).
CREATE_LOCK = 7_180_018


class SimilarCustomers(DomainError):
    """Customers with a similar name exist: the user may confirm that his is another one."""

    def __init__(self, matches):
        self.matches = matches
        super().__init__(
            _(
                "Customers with a similar name exist: %(names)s. Check them; if yours is another "
                "customer, confirm and save again."
            )
            % {"names": "; ".join(match.label for match in matches)}
        )


def _lock_creation() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CREATE_LOCK])


def _refuse_duplicates(matches) -> None:
    blocking = [match for match in matches if match.blocking]
    if blocking:
        raise ValidationError([match.message for match in blocking], code="duplicate")


IDENTITY_FIELDS = ["name", "uscc", "tel"]
CREATE_AUDITED = ["number", "name", "uscc", "manager", "province", "city", "district", "tel"]


@transaction.atomic
def customer_create(*, actor, confirm_similar: bool = False, **fields) -> Customer:
    """
    A customer entered by hand (新建客户): the policy, then the duplicate check (查重) under
    the creation lock, the number of SPEC §7, save and audit in one transaction. Same USCC,
    phone or normalised name is refused; a similar name is refused until `confirm_similar`.
    """
    customer_policy.require(actor, "add")
    customer = Customer(number="KH", **fields)
    customer.full_clean(exclude=["number"], validate_unique=False, validate_constraints=False)
    _lock_creation()
    matches = customer_duplicates(
        user=actor, name=customer.name, uscc=customer.uscc, tel=customer.tel
    )
    _refuse_duplicates(matches)
    similar = [match for match in matches if not match.blocking]
    if similar and not confirm_similar:
        raise SimilarCustomers(similar)
    customer.number = customer_number_next()
    customer.full_clean()
    customer.save()
    audit_event_create(
        actor=actor,
        target=customer,
        action="customers.customer.create",
        data={
            **snapshot(customer, CREATE_AUDITED),
            **({"similar_confirmed": [m.customer_id for m in similar]} if similar else {}),
        },
    )
    return customer


@transaction.atomic
def customer_create_from_chance(*, chance, actor) -> Customer:
    """
    The customer a won sales chance becomes (SPEC §3.1 step 7): name from the chance, the
    assignee as account manager, default level/satisfaction/credit, and a linkman from the
    chance's contact. The caller (marketing) holds the chance's row lock.

    If the customer already exists (the duplicate check: same phone or normalised name), the
    chance is linked to it instead of creating a second one: the returned customer's
    `linked_match` names it as the user may see it (None when the customer is new).
    """
    _lock_creation()
    matches = customer_duplicates(
        user=actor, name=chance.customer_name, tel=chance.tel or "", similar=False
    )
    if matches:
        customer = Customer.objects.get(pk=matches[0].customer_id)
        audit_event_create(
            actor=actor,
            target=customer,
            action="customers.customer.link_chance",
            data={"from_chance": chance.pk, "rule": matches[0].kind},
        )
        customer.linked_match = matches[0]
        return customer
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
    customer.linked_match = None
    return customer


CUSTOMER_EDITABLE_FIELDS = [
    "name",
    "uscc",
    "province",
    "city",
    "district",
    "invoice_tax_no",
    "invoice_bank",
    "invoice_account",
    "invoice_address",
    "invoice_phone",
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
    if any(str(before[k] or "") != str(getattr(customer, k) or "") for k in IDENTITY_FIELDS):
        # The edit makes it another customer's duplicate (查重): refused, naming it.
        _lock_creation()
        _refuse_duplicates(
            customer_duplicates(
                user=actor,
                name=customer.name,
                uscc=customer.uscc,
                tel=customer.tel,
                exclude_pk=customer.pk,
                similar=False,
            )
        )
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
