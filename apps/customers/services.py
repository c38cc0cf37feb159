"""Writes of the customers app. Other apps create customers only through these functions."""

from django.db import connection, transaction
from django.utils import timezone

from apps.customers.models import Customer, Linkman
from apps.rbac.services import audit_event_create, snapshot

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
    customer = Customer(number=customer_number_next(), name=chance.customer_name,
                        manager_id=chance.assignee_id)
    customer.full_clean()
    customer.save()
    audit_event_create(actor=actor, target=customer, action="customers.customer.create",
                       data={**snapshot(customer, ["number", "name", "manager"]),
                             "from_chance": chance.pk})
    if chance.linkman:
        linkman = Linkman(customer=customer, name=chance.linkman, tel=chance.tel or "")
        linkman.full_clean(exclude=["tel"])  # the chance's phone is optional, the linkman's not
        linkman.save()
        audit_event_create(actor=actor, target=linkman, action="customers.linkman.create",
                           data=snapshot(linkman, ["customer", "name", "tel"]))
    return customer
