"""The generator's shared state (one seeded RNG, one anchor day) and small random helpers."""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

from apps.basedata.models import Product
from apps.demo.generator import vocabulary as words
from apps.rbac.models import User

BATCH_SIZE = 1000
ACCOUNT_MANAGERS = 4  # am1 … am4 (users.DEMO_USERS)


@dataclass
class DemoStaff:
    """The demo users the generated rows point at."""

    admin: User
    manager: User
    account_managers: list[User]
    executive: User


@dataclass
class DemoContext:
    """Everything a generation step needs; all randomness comes from `rng` alone."""

    rng: random.Random
    today: date
    tz: tzinfo
    staff: DemoStaff
    products: list[Product]
    used_names: set[str] = field(default_factory=set)
    turns: dict[str, int] = field(default_factory=dict)

    def days_ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    def day_between(self, start: date, end: date) -> date:
        """A random day in [start, end]; `end` wins when the range is empty."""
        span = (end - start).days
        return end if span <= 0 else start + timedelta(days=self.rng.randint(0, span))

    def moment(self, day: date) -> datetime:
        """A working-hours moment of `day`, aware in the project's time zone."""
        clock = time(self.rng.randint(8, 17), self.rng.randint(0, 59), self.rng.randint(0, 59))
        return datetime.combine(day, clock, tzinfo=self.tz)

    def later(self, start: datetime, *, max_days: int) -> datetime:
        """A working-hours moment up to `max_days` days after `start`, at the latest yesterday.

        Generated rows never lie in the future, and stopping at yesterday keeps a run's data
        the same all day long.
        """
        start_day = start.astimezone(self.tz).date()
        # Drawing within the days left (instead of clamping) avoids a pile-up on yesterday.
        room = max(0, min(max_days, (self.days_ago(1) - start_day).days))
        moment = self.moment(start_day + timedelta(days=self.rng.randint(0, room)))
        if moment <= start:
            moment = start + timedelta(minutes=self.rng.randint(10, 120))
        return moment

    def pick_account_manager(self) -> User:
        return self.rng.choice(self.staff.account_managers)

    def account_manager_in_turn(self, work: str) -> User:
        """The account managers one after the other for one kind of waiting work, so that
        every one of them finds some in each badge of his menu."""
        turn = self.turns.get(work, 0)
        self.turns[work] = turn + 1
        return self.staff.account_managers[turn % len(self.staff.account_managers)]

    def pick_product(self) -> Product:
        return self.rng.choice(self.products)


def spread(rng: random.Random, weights: dict, *, total: int, minimum: int | dict = 1) -> list:
    """`total` keys drawn by weight, with at least `minimum` of each key, in random order.

    `minimum` is one count for every key or a count per key. It guarantees that even a small
    demo shows every state of every workflow.
    """
    floor = minimum if isinstance(minimum, dict) else dict.fromkeys(weights, minimum)
    picked = [key for key in weights for _ in range(floor.get(key, 0))][:total]
    picked += rng.choices(list(weights), weights=list(weights.values()), k=total - len(picked))
    rng.shuffle(picked)
    return picked


def person_name(rng: random.Random, *, sex: str | None = None) -> tuple[str, str]:
    """A Chinese full name and its sex (男/女)."""
    sex = sex or rng.choice(["男", "男", "女"])
    given = rng.choice(words.MALE_GIVEN if sex == "男" else words.FEMALE_GIVEN)
    return rng.choice(words.SURNAMES) + given, sex


def mobile(rng: random.Random) -> str:
    return rng.choice(["13", "15", "18", "17"]) + f"{rng.randint(0, 999_999_999):09d}"


def landline(rng: random.Random, city: words.City) -> str:
    return f"{city.area_code}-{rng.randint(2, 8)}{rng.randint(0, 9_999_999):07d}"


def company_name(ctx: DemoContext, city: words.City) -> tuple[str, str]:
    """A company name unique within this run, e.g. 北京华信科技有限公司, and its web slug."""
    rng = ctx.rng
    suffixes, weights = zip(*words.COMPANY_SUFFIXES, strict=True)
    for _ in range(50):
        trade, trade_py = rng.choice(words.TRADE_NAMES)
        industry, industry_py = rng.choice(words.INDUSTRIES)
        name = f"{city.name}{trade}{industry}{rng.choices(suffixes, weights=weights)[0]}"
        if name not in ctx.used_names:
            break
    else:
        # Only a very large demo exhausts the combinations of one city; number the branch.
        name = f"{name}第{len(ctx.used_names)}分公司"
    ctx.used_names.add(name)
    return name, f"{city.pinyin}{trade_py}{industry_py}"


def pick_city(rng: random.Random) -> words.City:
    return rng.choices(words.CITIES, weights=[c.weight for c in words.CITIES])[0]
