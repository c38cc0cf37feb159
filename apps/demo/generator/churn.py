"""
Demo churn records (SPEC §3.3, §8.1), derived from the planned order history.

Every dormant customer (no order for more than six months) carries the record the nightly
job would have opened the week its sixth month passed: still a warning (1), postponed (2)
with the measures taken, or confirmed lost (3, the customer's status is already "2").
Recovered customers (4) were warned once and ordered again. Each customer has at most one
churn record, so the one-open-churn constraint holds.
"""

from datetime import date, datetime, timedelta

from apps.customers.models import Churn, ChurnMeasure
from apps.demo.generator import vocabulary as words
from apps.demo.generator.common import BATCH_SIZE, DemoContext
from apps.demo.generator.customers import DORMANT, RECOVERED, CustomerPlan

C = Churn.Status
SIX_MONTHS = timedelta(days=183)


def _detected(ctx: DemoContext, last_order: date) -> datetime:
    """The nightly job's run a few days after the sixth month without an order."""
    day = min(last_order + SIX_MONTHS + timedelta(days=ctx.rng.randint(1, 4)), ctx.days_ago(1))
    return ctx.moment(day)


def _measures(ctx: DemoContext, churn: Churn, *, count: int) -> list[ChurnMeasure]:
    """Postpone measures taken one after the other by the account manager."""
    author, moment, result = churn.manager or ctx.staff.manager, churn.created_at, []
    for text in ctx.rng.sample(words.CHURN_MEASURES, k=count):
        moment = ctx.later(moment, max_days=20)
        result.append(ChurnMeasure(churn=churn, text=text, author=author, created_at=moment))
    return result


def _churn(ctx: DemoContext, plan: CustomerPlan) -> tuple[Churn, list[ChurnMeasure]]:
    rng, customer, status = ctx.rng, plan.customer, plan.churn_status
    # A recovered customer's warning was raised by the gap before its latest order.
    history = plan.order_days[:-1] if status == C.RECOVERED else plan.order_days
    churn = Churn(
        customer=customer,
        manager=customer.manager,
        status=status,
        last_order_date=history[-1],
        created_at=_detected(ctx, history[-1]),
    )
    measures = []
    if status == C.POSTPONED or (status != C.WARNING and rng.random() < 0.5):
        measures = _measures(ctx, churn, count=rng.randint(1, 3))
    if status == C.CONFIRMED:
        after = measures[-1].created_at if measures else churn.created_at
        churn.lost_date = ctx.later(after, max_days=60).astimezone(ctx.tz).date()
        churn.reason = rng.choice(words.CHURN_REASONS)
    if status == C.RECOVERED:
        churn.recovered_date = plan.order_days[-1]
    return churn, measures


def churns_create(ctx: DemoContext, plans: list[CustomerPlan]) -> dict[str, int]:
    """Insert the churn record of each dormant and recovered customer, with its measures."""
    churns, measures = [], []
    for plan in plans:
        if plan.profile in (DORMANT, RECOVERED):
            churn, churn_measures = _churn(ctx, plan)
            churns.append(churn)
            measures += churn_measures
    Churn.objects.bulk_create(churns, batch_size=BATCH_SIZE)
    ChurnMeasure.objects.bulk_create(measures, batch_size=BATCH_SIZE)
    return {"churn records": len(churns), "churn measures": len(measures)}
