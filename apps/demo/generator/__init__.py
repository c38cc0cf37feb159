"""
The demo data generator behind `manage.py seed_demo`.

All randomness comes from one `random.Random(seed)` and every date is counted back from one
anchor day (today by default), so the same seed on the same day yields the same data. Rows
are written with bulk_create and without audit events: they describe a past that no service
call produced. Generation only runs on a CRM without customers, which makes a second run a
no-op even on another day, and keeps demo rows away from real ones.
"""

import random
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from apps.basedata.models import Product
from apps.customers.models import Customer
from apps.demo.generator.chances import chances_create
from apps.demo.generator.churn import churns_create
from apps.demo.generator.common import DemoContext, DemoStaff
from apps.demo.generator.customers import (
    PROFILE_MINIMUM,
    customer_plans_build,
    customers_create,
)
from apps.demo.generator.orders import orders_create
from apps.demo.generator.organization import organization_ensure
from apps.demo.generator.ownership import ownerships_create
from apps.demo.generator.tickets import tickets_create
from apps.demo.generator.users import DEMO_PASSWORD, DEMO_USERS, demo_users_ensure
from apps.demo.reference import ReferenceResult, reference_data_load

# Enough for every state of every workflow, and waiting work for every account manager.
MIN_CUSTOMERS = sum(PROFILE_MINIMUM.values())

__all__ = [
    "DEMO_PASSWORD",
    "DEMO_USERS",
    "MIN_CUSTOMERS",
    "DemoResult",
    "customer_plans_build",
    "demo_context",
    "demo_seed",
    "demo_users_ensure",
]


@dataclass
class DemoResult:
    """What one seed_demo run did: `existing_customers` > 0 means generation was skipped."""

    reference: ReferenceResult
    users_created: int
    existing_customers: int = 0
    counts: dict[str, int] = field(default_factory=dict)


def demo_context(*, seed: int, today: date, staff: DemoStaff) -> DemoContext:
    """The generator's state: a fresh RNG for `seed` and the priced products in a fixed order."""
    return DemoContext(
        rng=random.Random(seed),  # noqa: S311  (reproducible demo data, not cryptography)
        today=today,
        tz=timezone.get_current_timezone(),
        staff=staff,
        # Sorted in Python: database collations differ, the demo must not.
        products=sorted(
            Product.objects.filter(price__isnull=False), key=lambda p: (p.name, p.model, p.batch)
        ),
    )


@transaction.atomic
def demo_seed(*, customers: int, seed: int, today: date | None = None) -> DemoResult:
    """Load the reference data, ensure the demo users, then fill an empty CRM with demo data."""
    if customers < MIN_CUSTOMERS:
        raise ValueError(f"at least {MIN_CUSTOMERS} customers are needed, got {customers}")
    reference = reference_data_load()
    staff, users_created = demo_users_ensure()
    organization_ensure(staff)
    result = DemoResult(
        reference=reference,
        users_created=users_created,
        existing_customers=Customer.objects.count(),
    )
    if result.existing_customers:
        return result
    ctx = demo_context(seed=seed, today=today or timezone.localdate(), staff=staff)
    plans = customer_plans_build(ctx, count=customers)
    steps = (
        customers_create,
        orders_create,
        chances_create,
        tickets_create,
        churns_create,
        ownerships_create,
    )
    for step in steps:
        result.counts.update(step(ctx, plans))
    return result
