"""
Demo sales chances in every state (SPEC §3.1) with their development plans.

Won chances (3) are the origin of existing customers: same name, assigned to the customer's
account manager, won on the day the customer record was created. Unassigned (1), developing
(2) and lost (4) chances are prospects that never became customers.
"""

from datetime import date, datetime, timedelta

from apps.demo.generator import vocabulary as words
from apps.demo.generator.common import (
    ACCOUNT_MANAGERS,
    BATCH_SIZE,
    DemoContext,
    company_name,
    mobile,
    person_name,
    pick_city,
    spread,
)
from apps.demo.generator.customers import CustomerPlan
from apps.marketing.models import SalesChance, SalesPlan
from apps.rbac.models import User

S = SalesChance.Status
STATE_WEIGHTS = {S.UNASSIGNED: 25, S.DEVELOPING: 35, S.WON: 20, S.LOST: 20}
# A chance in development for every account manager (his plan list's badge), two of the rest.
STATE_MINIMUM = {S.UNASSIGNED: 2, S.DEVELOPING: ACCOUNT_MANAGERS, S.WON: 2, S.LOST: 2}
RATES = {
    S.UNASSIGNED: range(10, 70, 10),
    S.DEVELOPING: range(30, 90, 10),
    S.WON: range(60, 101, 10),
    S.LOST: range(10, 60, 10),
}


def _chance(
    ctx: DemoContext, *, status: int, created: datetime, customer_name: str, linkman: str, tel: str
) -> SalesChance:
    """A chance as its creator typed it; assignment is added by the caller."""
    rng, product = ctx.rng, ctx.pick_product()
    count = rng.randint(2, 50)
    budget = max(1, int(count * (product.price or 0) / 10_000))
    creator = rng.choice([ctx.staff.manager, ctx.pick_account_manager()])
    return SalesChance(
        source=rng.choice(words.CHANCE_SOURCES),
        customer_name=customer_name,
        title=rng.choice(words.CHANCE_TITLES).format(
            count=count, unit=product.unit or "台", product=product.name
        ),
        rate=rng.choice(RATES[status]),
        linkman=linkman,
        tel=tel,
        description=words.CHANCE_DESCRIPTION.format(
            customer=customer_name, months=rng.randint(1, 6), product=product.name, budget=budget
        ),
        created_by=creator,
        status=status,
        created_at=created,
    )


def _assign(ctx: DemoContext, chance: SalesChance, *, to: User) -> None:
    chance.assignee, chance.assigned_at = to, ctx.later(chance.created_at, max_days=5)


def _plans(
    ctx: DemoContext,
    chance: SalesChance,
    *,
    until: date,
    results: bool,
    last_result: str | None = None,
) -> list[SalesPlan]:
    """Plan items dated after the assignment; past items carry their execution result."""
    start = chance.assigned_at.date() + timedelta(days=1)
    days = sorted(ctx.day_between(start, until) for _ in range(ctx.rng.randint(1, 4)))
    items = []
    for day in days:
        done = results and day < ctx.today and ctx.rng.random() < 0.85
        items.append(
            SalesPlan(
                chance=chance,
                date=day,
                todo=ctx.rng.choice(words.PLAN_TODOS),
                result=ctx.rng.choice(words.PLAN_RESULTS) if done else "",
                created_at=ctx.later(chance.assigned_at, max_days=3),
            )
        )
    if last_result:
        items[-1].result = last_result
    return items


def _prospect(ctx: DemoContext, *, status: int, days_ago: tuple[int, int]) -> SalesChance:
    rng = ctx.rng
    created = ctx.moment(ctx.days_ago(rng.randint(*days_ago)))
    name, _ = company_name(ctx, pick_city(rng))
    return _chance(
        ctx,
        status=status,
        created=created,
        customer_name=name,
        linkman=person_name(rng)[0],
        tel=mobile(rng),
    )


def _unassigned(ctx: DemoContext) -> tuple[SalesChance, list[SalesPlan]]:
    return _prospect(ctx, status=S.UNASSIGNED, days_ago=(1, 30)), []


def _developing(ctx: DemoContext) -> tuple[SalesChance, list[SalesPlan]]:
    chance = _prospect(ctx, status=S.DEVELOPING, days_ago=(15, 120))
    _assign(ctx, chance, to=ctx.account_manager_in_turn("developing"))
    return chance, _plans(ctx, chance, until=ctx.today + timedelta(days=30), results=True)


def _lost(ctx: DemoContext) -> tuple[SalesChance, list[SalesPlan]]:
    chance = _prospect(ctx, status=S.LOST, days_ago=(60, 500))
    _assign(ctx, chance, to=ctx.pick_account_manager())
    until = min(ctx.days_ago(1), chance.assigned_at.date() + timedelta(days=45))
    return chance, _plans(
        ctx, chance, until=until, results=True, last_result=ctx.rng.choice(words.PLAN_FAILURES)
    )


def _won(ctx: DemoContext, plan: CustomerPlan) -> tuple[SalesChance, list[SalesPlan]]:
    customer, contact = plan.customer, plan.linkmen[0]
    created = customer.created_at - timedelta(days=ctx.rng.randint(30, 120))
    chance = _chance(
        ctx,
        status=S.WON,
        created=created,
        customer_name=customer.name,
        linkman=contact.name,
        tel=contact.mobile,
    )
    _assign(ctx, chance, to=customer.manager)
    until = customer.created_at.astimezone(ctx.tz).date()
    return chance, _plans(ctx, chance, until=until, results=True, last_result=words.PLAN_WON)


def chances_create(ctx: DemoContext, plans: list[CustomerPlan]) -> dict[str, int]:
    """Insert chances in all four states (about one per four customers) and their plans."""
    states = spread(ctx.rng, STATE_WEIGHTS, total=max(12, len(plans) // 4), minimum=STATE_MINIMUM)
    origins = [p for p in plans if p.customer.manager is not None]
    ctx.rng.shuffle(origins)
    builders = {S.UNASSIGNED: _unassigned, S.DEVELOPING: _developing, S.LOST: _lost}
    chances, items = [], []
    for state in states:
        if state == S.WON:
            # Every customer is won at most once; a tiny demo may run out of origins.
            chance, plan_items = _won(ctx, origins.pop()) if origins else _lost(ctx)
        else:
            chance, plan_items = builders[state](ctx)
        chances.append(chance)
        items += plan_items
    SalesChance.objects.bulk_create(chances, batch_size=BATCH_SIZE)
    SalesPlan.objects.bulk_create(items, batch_size=BATCH_SIZE)
    return {"sales chances": len(chances), "plan items": len(items)}
