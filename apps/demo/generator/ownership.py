"""
Demo ownership records (归属记录, issue 16): some customers changed hands once, from another
account manager to the one who manages them now, moved by the sales manager; so the customer
page's ownership history has something to show.
"""

from apps.customers.models import CustomerOwnership
from apps.demo.generator.common import BATCH_SIZE, DemoContext
from apps.demo.generator.customers import CustomerPlan

SHARE = 0.08  # of the customers with an account manager
REASONS = ["区域调整", "客户经理调岗", "客户要求更换对接人", "团队业务重新划分", ""]


def ownerships_create(ctx: DemoContext, plans: list[CustomerPlan]) -> dict[str, int]:
    """One past transfer for a share of the managed customers, after the customer was created."""
    rows = []
    for plan in plans:
        customer = plan.customer
        if customer.manager_id is None or ctx.rng.random() >= SHARE:
            continue
        others = [u for u in ctx.staff.account_managers if u.pk != customer.manager_id]
        rows.append(
            CustomerOwnership(
                customer=customer,
                from_user=ctx.rng.choice(others),
                to_user_id=customer.manager_id,
                by=ctx.staff.manager,
                at=ctx.later(customer.created_at, max_days=90),
                reason=ctx.rng.choice(REASONS),
            )
        )
    CustomerOwnership.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    return {"ownership records": len(rows)}
