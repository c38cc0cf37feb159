"""
Demo service tickets in every resting state (SPEC §3.4) and of every service type.

Fields are filled as far as the workflow has gone: assignment from "assigned" on, handling
from "handled" on, result and satisfaction (≥ 3) when archived. A few "assigned" tickets
went round the loop once: the customer was unsatisfied (< 3) and the ticket came back for
re-handling with its earlier handling and result kept.
"""

from bisect import bisect_left
from datetime import datetime

from apps.customers.models import Customer
from apps.demo.generator import vocabulary as words
from apps.demo.generator.common import ACCOUNT_MANAGERS, BATCH_SIZE, DemoContext, spread
from apps.demo.generator.customers import CustomerPlan
from apps.service.models import ServiceTicket

T = ServiceTicket.Status
STATUS_WEIGHTS = {T.CREATED: 15, T.ASSIGNED: 20, T.HANDLED: 15, T.ARCHIVED: 50}
# Every account manager has a service to handle and one waiting for his feedback (his badges).
STATUS_MINIMUM = {
    T.CREATED: 2,
    T.ASSIGNED: ACCOUNT_MANAGERS,
    T.HANDLED: ACCOUNT_MANAGERS,
    T.ARCHIVED: 2,
}
TYPE_WEIGHTS = {"咨询": 45, "建议": 25, "投诉": 30}
AGE_DAYS = {T.CREATED: (1, 10), T.ASSIGNED: (2, 30), T.HANDLED: (3, 45), T.ARCHIVED: (15, 365)}


class _Customers:
    """Normal customers sorted by creation, to pick one that existed when the ticket came in."""

    def __init__(self, plans: list[CustomerPlan]):
        self.plans = sorted(
            (p for p in plans if p.customer.status == Customer.Status.NORMAL),
            key=lambda p: p.customer.created_at,
        )
        self.created = [p.customer.created_at for p in self.plans]

    def existing_at(self, ctx: DemoContext, moment: datetime) -> CustomerPlan | None:
        known = bisect_left(self.created, moment)
        return self.plans[ctx.rng.randrange(known)] if known else None


def _handle(ctx: DemoContext, ticket: ServiceTicket) -> None:
    ticket.handling = ctx.rng.choice(words.SERVICE_HANDLINGS)
    ticket.handled_by = ticket.assignee
    ticket.handled_at = ctx.later(ticket.assigned_at, max_days=4)


def _progress(ctx: DemoContext, ticket: ServiceTicket, *, status: str) -> None:
    """Fill the fields of every step up to `status`, each one after the previous."""
    rng = ctx.rng
    if status == T.CREATED:
        return
    ticket.assignee = ticket.customer.manager or ctx.pick_account_manager()
    if rng.random() < 0.15:  # the manager sent it to a colleague with the right expertise
        ticket.assignee = ctx.pick_account_manager()
    ticket.assigned_at = ctx.later(ticket.created_at, max_days=2)
    if status == T.ASSIGNED and rng.random() < 0.2:
        _handle(ctx, ticket)
        ticket.result = rng.choice(words.SERVICE_RESULTS_BAD)
        ticket.satisfaction = rng.randint(1, 2)
    if status in (T.HANDLED, T.ARCHIVED):
        _handle(ctx, ticket)
    if status == T.ARCHIVED:
        ticket.result = rng.choice(words.SERVICE_RESULTS_GOOD)
        ticket.satisfaction = rng.choices([3, 4, 5], weights=[25, 45, 30])[0]


def _ticket(
    ctx: DemoContext, plan: CustomerPlan, *, kind: str, created: datetime, status: str
) -> ServiceTicket:
    rng, customer = ctx.rng, plan.customer
    title = rng.choice(words.SERVICE_TITLES[kind]).format(product=ctx.pick_product().name)
    contact = plan.linkmen[0].name if plan.linkmen else customer.chieftain
    ticket = ServiceTicket(
        type=kind,
        title=title,
        customer=customer,
        status=status,
        request=words.SERVICE_REQUEST.format(title=title, linkman=contact),
        created_by=customer.manager or ctx.pick_account_manager(),
        created_at=created,
    )
    _progress(ctx, ticket, status=status)
    if status == T.ASSIGNED:
        ticket.assignee = ctx.account_manager_in_turn("handle")
    elif status == T.HANDLED:  # the feedback is his who took the request
        ticket.created_by = ctx.account_manager_in_turn("feedback")
    return ticket


def tickets_create(ctx: DemoContext, plans: list[CustomerPlan]) -> dict[str, int]:
    """Insert about one ticket per three customers, in states created/assigned/handled/archived."""
    total = max(12, len(plans) // 3)
    statuses = spread(ctx.rng, STATUS_WEIGHTS, total=total, minimum=STATUS_MINIMUM)
    kinds = spread(ctx.rng, TYPE_WEIGHTS, total=total)
    customers = _Customers(plans)
    tickets = []
    for status, kind in zip(statuses, kinds, strict=True):
        created = ctx.moment(ctx.days_ago(ctx.rng.randint(*AGE_DAYS[status])))
        plan = customers.existing_at(ctx, created)
        if plan is not None:
            tickets.append(_ticket(ctx, plan, kind=kind, created=created, status=status))
    ServiceTicket.objects.bulk_create(tickets, batch_size=BATCH_SIZE)
    return {"service tickets": len(tickets)}
