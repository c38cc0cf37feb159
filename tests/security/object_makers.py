"""
How to make, for every URL that names one row, a row OWNED by a given user, and how that row
is SHARED with someone (协作: a RecordShare of the row, or of the record it hangs from, made by
`share()`, the one way tests share a record). Used by tests/security/test_object_matrix.py.

ObjectURL(owner_role, make, share):
- owner_role: the role of the colleague who owns "another user's" row;
- make(owner) -> the row (its pk goes into the URL);
- share(row) -> the shareable record (customer, sales chance, service ticket) whose share
  opens the row; None where the row follows no shareable record (jobs and notifications are
  strictly personal; import batches, users, report snapshots and roles are not shared).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from tests.factories import share
from tests.rbac.url_matrix import ADMIN, AM, EX, SM

__all__ = ["OBJECT_URLS", "ObjectURL", "share", "share_with"]


@dataclass(frozen=True)
class ObjectURL:
    owner_role: str
    make: Callable
    share: Callable | None = None
    extra_kwargs: dict | None = None


def _customer(owner):
    from tests.factories import CustomerFactory

    return CustomerFactory(manager=owner)


def _linkman(owner):
    from tests.customers.factories import LinkmanFactory

    return LinkmanFactory(customer=_customer(owner))


def _activity(owner):
    from tests.customers.factories import ActivityFactory

    return ActivityFactory(customer=_customer(owner))


def _order(owner):
    from tests.customers.factories import OrderFactory, OrderLineFactory

    return OrderLineFactory(order=OrderFactory(customer=_customer(owner))).order


def _churn(owner):
    from tests.customers.churn_factories import ChurnFactory

    return ChurnFactory(customer=_customer(owner))


def _batch(owner):
    from tests.imports.factories import batch_factory

    return batch_factory()(created_by=owner)


def _job(owner):
    from apps.jobs.models import Job

    job = Job.objects.create(kind="imports.list_export", created_by=owner, status=Job.Status.DONE)
    name = default_storage.save(f"jobs/security/{job.pk}.csv", ContentFile(b"a,b\n1,2\n"))
    Job.objects.filter(pk=job.pk).update(result_file=name)
    job.refresh_from_db()
    return job


def _chance(owner):
    from tests.marketing.factories import SalesChanceFactory

    return SalesChanceFactory(created_by=owner)


def _developing_chance(owner):
    from tests.marketing.factories import SalesChanceFactory

    return SalesChanceFactory(developing=True, assignee=owner)


def _plan_item(owner):
    from tests.marketing.factories import SalesPlanFactory

    return SalesPlanFactory(chance=_developing_chance(owner))


def _notification(owner):
    from apps.notifications.models import Notification

    return Notification.objects.create(recipient=owner, title="security sample")


def _user(owner):
    return owner  # "own" user row: the principal's own account


def _role(owner):
    return owner.role


def _department(owner):
    from apps.rbac.models import Department

    return Department.objects.add_root({"name": "销售部", "head": owner})


def _snapshot(report):
    def make(owner):
        from apps.reports.models import ReportSnapshot

        return ReportSnapshot.objects.create(
            key=f"security-{report}-{owner.pk}",
            report=report,
            language="zh-hans",
            data_version="0:0",
            charts={"main": "<svg xmlns='http://www.w3.org/2000/svg'/>"},
            payload={"charts": {"main": {"type": "bar", "title": "t", "labels": [], "values": []}}},
        )

    return make


def _ticket(owner):
    from tests.service.factories import ServiceTicketFactory

    return ServiceTicketFactory(customer=_customer(owner))


def _ticket_to_handle(owner):
    from apps.service.models import ServiceTicket
    from tests.service.factories import ticket_in

    ticket = ticket_in(ServiceTicket.Status.ASSIGNED)
    ServiceTicket.objects.filter(pk=ticket.pk).update(assignee=owner)  # any role, as data
    return ticket


def _ticket_to_feedback(owner):
    from apps.service.models import ServiceTicket
    from tests.service.factories import ticket_in

    return ticket_in(ServiceTicket.Status.HANDLED, customer=_customer(owner))


def _tag(owner):
    from apps.customers.models import Tag

    return Tag.objects.create(name_zh=f"标签{owner.pk}", name_en=f"Tag {owner.pk}")


def _itself(row):
    return row


def _its_customer(row):
    return row.customer


def _its_chance(row):
    return row.chance


def share_with(spec: ObjectURL, row, user) -> None:
    """Share `row` with `user` read-only, the way the product does (the matrices' "shared")."""
    share(spec.share(row), user, "read")


def _share_row(owner):
    """A share of the owner's customer with a third colleague: what the remove button names."""
    from tests.factories import UserFactory

    return share(_customer(owner), UserFactory(role=AM))


CUSTOMER = ObjectURL(AM, _customer, _itself)
LINKMAN = ObjectURL(AM, _linkman, _its_customer)
ACTIVITY = ObjectURL(AM, _activity, _its_customer)
CHURN = ObjectURL(AM, _churn, _its_customer)
BATCH = ObjectURL(SM, _batch)
JOB = ObjectURL(EX, _job)
CHANCE = ObjectURL(SM, _chance, _itself)
DEVELOPING = ObjectURL(AM, _developing_chance, _itself)
PLAN_ITEM = ObjectURL(AM, _plan_item, _its_chance)
TICKET = ObjectURL(AM, _ticket, _itself)

OBJECT_URLS = {
    "customers:customer-detail": CUSTOMER,
    "customers:customer-update": CUSTOMER,
    "customers:customer-delete": CUSTOMER,
    "customers:customer-transfer-one": CUSTOMER,
    "customers:linkman-list": CUSTOMER,
    "customers:linkman-create": CUSTOMER,
    "customers:linkman-update": LINKMAN,
    "customers:linkman-delete": LINKMAN,
    "customers:activity-list": CUSTOMER,
    "customers:activity-create": CUSTOMER,
    "customers:activity-update": ACTIVITY,
    "customers:activity-delete": ACTIVITY,
    "customers:order-list": CUSTOMER,
    "customers:order-detail": ObjectURL(AM, _order, _its_customer),
    "customers:customer-tag": CUSTOMER,
    "customers:tag-update": ObjectURL(ADMIN, _tag),  # tags are company-wide: never shared
    "customers:churn-detail": CHURN,
    "customers:churn-postpone": CHURN,
    "customers:churn-confirm": CHURN,
    "imports:batch-detail": BATCH,
    "imports:batch-apply": BATCH,
    "imports:batch-undo": BATCH,
    "imports:batch-file": BATCH,
    "imports:batch-errors": BATCH,
    "jobs:job-detail": JOB,
    "jobs:job-download": JOB,
    "marketing:chance-detail": CHANCE,
    "marketing:chance-update": CHANCE,
    "marketing:chance-delete": CHANCE,
    "marketing:chance-assign": CHANCE,
    "marketing:chance-win": DEVELOPING,
    "marketing:chance-terminate": DEVELOPING,
    "marketing:plan-make": DEVELOPING,
    "marketing:plan-execute": DEVELOPING,
    "marketing:planitem-update": PLAN_ITEM,
    "marketing:planitem-delete": PLAN_ITEM,
    "marketing:planitem-result": PLAN_ITEM,
    "notifications:notification-read": ObjectURL(ADMIN, _notification),
    "rbac:user-update": ObjectURL(AM, _user),
    "rbac:user-password": ObjectURL(AM, _user),
    "rbac:user-set-active": ObjectURL(AM, _user),
    "rbac:share-create": ObjectURL(AM, _customer, _itself, extra_kwargs={"kind": "customer"}),
    "rbac:share-delete": ObjectURL(AM, _share_row),
    "rbac:user-hand-over": ObjectURL(AM, _user),
    "rbac:role-update": ObjectURL(EX, _role),
    "rbac:role-rights": ObjectURL(EX, _role),
    "rbac:role-data-scopes": ObjectURL(EX, _role),
    "rbac:department-update": ObjectURL(EX, _department),
    "rbac:department-move": ObjectURL(EX, _department),
    "rbac:department-delete": ObjectURL(EX, _department),
    **{
        f"reports:{report}-chart": ObjectURL(SM, _snapshot(report), extra_kwargs={"chart": "main"})
        for report in ["dashboard", "contribution", "composition", "service", "churn"]
    },
    "service:ticket-detail": TICKET,
    "service:ticket-assign": TICKET,
    "service:ticket-delete": TICKET,
    "service:ticket-handle": ObjectURL(AM, _ticket_to_handle, _itself),
    "service:ticket-feedback": ObjectURL(AM, _ticket_to_feedback, _itself),
}
