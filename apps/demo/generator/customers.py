"""
Demo customers with their linkmen and activities.

Each customer gets a profile that fixes its order history up front, so that the churn records
generated later agree with the orders (SPEC §3.3: no order for six months opens a warning):

* active: ordered within the last five months;
* dormant: last order more than six months ago, so it carries an open or confirmed churn;
* recovered: a gap of more than six months (a warning), then a recent order (state 4);
* new: created within the last five months and has not ordered yet;
* lapsing: its sixth month without an order passed within the last few days, after the last
  churn scan: the first scan of a fresh install warns about it (and notifies its manager).

Open warnings and lapsing customers are spread over the account managers in turn, so every
one of them has warnings waiting and gets a digest from the first scan.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from stdnum.cn import uscc as stdnum_uscc

from apps.customers.identity import normalise_name, normalise_phone
from apps.customers.models import Activity, Churn, Customer, CustomerTag, Linkman, Tag
from apps.demo.generator import vocabulary as words
from apps.demo.generator.common import (
    ACCOUNT_MANAGERS,
    BATCH_SIZE,
    DemoContext,
    company_name,
    landline,
    mobile,
    person_name,
    pick_city,
    spread,
)

ACTIVE, DORMANT, RECOVERED, NEW = "active", "dormant", "recovered", "new"
LAPSING = "lapsing"
PROFILE_WEIGHTS = {ACTIVE: 58, DORMANT: 28, RECOVERED: 4, NEW: 8, LAPSING: 2}
# The churn state of a dormant customer; a warning for every account manager at least.
CHURN_WEIGHTS = {Churn.Status.WARNING: 45, Churn.Status.POSTPONED: 25, Churn.Status.CONFIRMED: 30}
CHURN_MINIMUM = {
    Churn.Status.WARNING: ACCOUNT_MANAGERS,
    Churn.Status.POSTPONED: 1,
    Churn.Status.CONFIRMED: 1,
}
PROFILE_MINIMUM = {
    ACTIVE: 2,
    DORMANT: sum(CHURN_MINIMUM.values()),
    RECOVERED: 2,
    NEW: 1,
    LAPSING: ACCOUNT_MANAGERS,
}
THREE_YEARS = 3 * 365
CAPITALS = [50, 100, 200, 300, 500, 1000, 2000, 5000]  # registered capital, 10 000 CNY


@dataclass
class CustomerPlan:
    """A customer before it is saved, with the facts the later steps derive rows from."""

    customer: Customer
    profile: str
    order_days: list[date] = field(default_factory=list)
    churn_status: int | None = None
    linkmen: list[Linkman] = field(default_factory=list)


def _order_days(ctx: DemoContext, *, profile: str, created: date) -> list[date]:
    """The days of a customer's orders, oldest first, consistent with its profile."""
    rng, oldest = ctx.rng, max(created + timedelta(days=1), ctx.days_ago(THREE_YEARS))
    if profile == ACTIVE:
        days = [ctx.day_between(oldest, ctx.days_ago(1)) for _ in range(rng.randint(0, 7))]
        days.append(ctx.day_between(max(oldest, ctx.days_ago(150)), ctx.days_ago(1)))
    elif profile == DORMANT:
        days = [ctx.day_between(oldest, ctx.days_ago(190)) for _ in range(rng.randint(1, 5))]
    elif profile == LAPSING:
        days = [ctx.day_between(oldest, ctx.days_ago(200)) for _ in range(rng.randint(0, 4))]
        days.append(ctx.day_between(ctx.days_ago(195), ctx.days_ago(186)))
    elif profile == RECOVERED:
        days = [ctx.day_between(oldest, ctx.days_ago(400)) for _ in range(rng.randint(1, 4))]
        days.append(ctx.day_between(ctx.days_ago(90), ctx.days_ago(1)))
    else:
        days = []
    return sorted(days)


def _created_day(ctx: DemoContext, profile: str) -> date:
    """Old enough for the profile's order history to fit after it."""
    low, high = {
        ACTIVE: (30, 1200),
        DORMANT: (220, 1300),
        RECOVERED: (500, 1300),
        NEW: (2, 150),
        LAPSING: (250, 1300),
    }[profile]
    return ctx.days_ago(ctx.rng.randint(low, high))


def _status(ctx: DemoContext, *, profile: str, churn_status: int | None) -> str:
    if churn_status == Churn.Status.CONFIRMED:
        return Customer.Status.LOST
    # A few prospects that never ordered were removed again (logical delete, SPEC §3.2).
    if profile == NEW and ctx.rng.random() < 0.15:
        return Customer.Status.DELETED
    return Customer.Status.NORMAL


def _customer(ctx: DemoContext, *, created: date, status: str) -> Customer:
    """One customer with every master-data field filled the way a real record would be."""
    rng, city = ctx.rng, pick_city(ctx.rng)
    name, slug = company_name(ctx, city)
    level = rng.choices([1, 2, 3, 4, 5], weights=[40, 25, 15, 12, 8])[0]
    capital = rng.choice(CAPITALS[level - 1 : level + 3])
    org_code = f"{rng.randint(0, 99_999_999):08d}{rng.randint(0, 9)}"
    building = rng.choice(words.BUILDINGS)
    floor = f"{building}{rng.randint(2, 28)}层" if building else ""
    tel = landline(rng, city)
    address = f"{city.name}市{rng.choice(words.ROADS)}{rng.randint(1, 399)}号{floor}"
    bank = f"{rng.choice(words.BANKS)}{city.name}{rng.choice(words.BANK_BRANCHES)}"
    bank_account = "6222" + "".join(str(rng.randint(0, 9)) for _ in range(15))
    uscc = _uscc(ctx, city)  # no draw from rng: the rest of the demo stays as it was
    return Customer(
        name=name,
        name_key=normalise_name(name)[:100],
        tel_key=normalise_phone(tel)[:50],
        uscc=uscc,
        province_id=city.admin_code[:2],
        city_id=city.admin_code[:4],
        district_id=city.admin_code,
        invoice_tax_no=uscc,
        invoice_bank=bank if uscc else "",
        invoice_account=bank_account if uscc else "",
        invoice_address=address if uscc else "",
        invoice_phone=tel if uscc else "",
        region=city.region,
        status=status,
        level=level,
        manager=rng.choices([*ctx.staff.account_managers, None], weights=[24, 24, 24, 24, 4])[0],
        satisfaction=rng.choices([1, 2, 3, 4, 5], weights=[4, 10, 36, 35, 15])[0],
        credit=rng.choices([1, 2, 3, 4, 5], weights=[3, 8, 34, 38, 17])[0],
        address=address,
        zip=f"{city.zip_prefix}{rng.randint(0, 999):03d}",
        tel=tel,
        fax=landline(rng, city),
        website=f"www.{slug}.com.cn",
        licence_no=f"91{city.admin_code}MA{rng.randint(0, 99_999_999):08d}",
        chieftain=person_name(rng)[0],
        bankroll=capital,
        turnover=int(capital * rng.uniform(0.5, 6)),
        bank=bank,
        bank_account=bank_account,
        local_tax_no=f"{city.admin_code}{org_code}",
        national_tax_no=f"{city.admin_code}{org_code}",
        created_at=ctx.moment(created),
    )


def _churn_status(profile: str, dormant_states) -> int | None:
    """The churn state the customer's order history leads to, None if it never churned."""
    if profile == DORMANT:
        return next(dormant_states)
    return Churn.Status.RECOVERED if profile == RECOVERED else None


def customer_plans_build(ctx: DemoContext, *, count: int) -> list[CustomerPlan]:
    """Plan `count` customers, numbered KH + yyyyMMdd + daily sequence in creation order."""
    profiles = spread(ctx.rng, PROFILE_WEIGHTS, total=count, minimum=PROFILE_MINIMUM)
    dormant_churn = iter(
        spread(ctx.rng, CHURN_WEIGHTS, total=profiles.count(DORMANT), minimum=CHURN_MINIMUM)
    )
    plans = []
    for profile in profiles:
        created = _created_day(ctx, profile)
        churn = _churn_status(profile, dormant_churn)
        customer = _customer(
            ctx, created=created, status=_status(ctx, profile=profile, churn_status=churn)
        )
        if profile == LAPSING or churn == Churn.Status.WARNING:
            customer.manager = ctx.account_manager_in_turn(profile)
        plans.append(
            CustomerPlan(
                customer=customer,
                profile=profile,
                churn_status=churn,
                order_days=_order_days(ctx, profile=profile, created=created),
            )
        )
    _number(ctx, [p.customer for p in plans])
    return plans


def _number(ctx: DemoContext, customers: list[Customer]) -> None:
    """Give each customer its number; the sequence simply grows past 999 on a busy day."""
    sequence: dict[date, int] = {}
    for customer in sorted(customers, key=lambda c: c.created_at):
        day = customer.created_at.astimezone(ctx.tz).date()
        sequence[day] = sequence.get(day, 0) + 1
        customer.number = f"KH{day:%Y%m%d}{sequence[day]:03d}"


def _linkmen(ctx: DemoContext, plan: CustomerPlan) -> list[Linkman]:
    rng, customer = ctx.rng, plan.customer
    area = customer.tel.split("-")[0]
    result = []
    for i in range(rng.choice([1, 1, 2, 2, 3])):
        name, sex = person_name(rng)
        result.append(
            Linkman(
                customer=customer,
                name=name,
                sex=sex,
                position=rng.choice(words.SENIOR_POSITIONS if i == 0 else words.POSITIONS),
                tel=f"{area}-{rng.randint(2, 8)}{rng.randint(0, 9_999_999):07d}",
                mobile=mobile(rng),
                memo=rng.choice(words.LINKMAN_MEMOS),
                created_at=ctx.later(customer.created_at, max_days=20),
            )
        )
    return result


def _activities(ctx: DemoContext, plan: CustomerPlan) -> list[Activity]:
    rng, customer = ctx.rng, plan.customer
    result = []
    for _ in range(rng.randint(0, 2 if plan.profile == NEW else 4)):
        title, description = rng.choice(words.ACTIVITY_TOPICS)
        when = ctx.moment(ctx.day_between(customer.created_at.date(), ctx.days_ago(1)))
        result.append(
            Activity(
                customer=customer,
                date=when,
                place=rng.choice(words.ACTIVITY_PLACES),
                title=title,
                description=description.format(product=ctx.pick_product().name),
                remark=rng.choice(words.ACTIVITY_REMARKS),
                created_at=when,
            )
        )
    return result


def _uscc(ctx: DemoContext, city) -> str:
    """A valid, unique unified social credit code for four customers in five (none for the
    fifth, as older records have): 91 + the district + a sequence + its check character."""
    sequence = ctx.turns["uscc"] = ctx.turns.get("uscc", 0) + 1
    if sequence % 5 == 0:
        return ""
    base = f"91{city.admin_code}{sequence:08d}{sequence % 10}"
    return base + stdnum_uscc.calc_check_digit(base)


# Demo tags (标签): (中文, English, colour), and every how-many-th customer carries each.
DEMO_TAGS = [("重点客户", "Key account", "danger", 7), ("政府项目", "Public sector", "info", 11)]
DEMO_TAGS += [("老客户转介绍", "Referral", "success", 13)]


def _tags(customers: list[Customer]) -> int:
    links = []
    for name_zh, name_en, colour, every in DEMO_TAGS:
        tag, _ = Tag.objects.get_or_create(
            name_zh=name_zh, defaults={"name_en": name_en, "colour": colour}
        )
        links += [CustomerTag(customer=c, tag=tag) for c in customers[::every]]
    CustomerTag.objects.bulk_create(links, batch_size=BATCH_SIZE, ignore_conflicts=True)
    return len(links)


def customers_create(ctx: DemoContext, plans: list[CustomerPlan]) -> dict[str, int]:
    """Insert the planned customers, then 1-3 linkmen and a few activities for each."""
    Customer.objects.bulk_create([p.customer for p in plans], batch_size=BATCH_SIZE)
    _tags([p.customer for p in plans])
    activities = []
    for plan in plans:
        plan.linkmen = _linkmen(ctx, plan)
        activities += _activities(ctx, plan)
    linkmen = [lm for p in plans for lm in p.linkmen]
    Linkman.objects.bulk_create(linkmen, batch_size=BATCH_SIZE)
    Activity.objects.bulk_create(activities, batch_size=BATCH_SIZE)
    return {"customers": len(plans), "linkmen": len(linkmen), "activities": len(activities)}
