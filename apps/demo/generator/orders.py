"""Demo order history (read-only in the CRM): orders of the planned days with 1-4 lines each."""

from datetime import date
from decimal import Decimal

from apps.basedata.models import Product
from apps.customers.models import Order, OrderLine
from apps.demo.generator.common import BATCH_SIZE, DemoContext
from apps.demo.generator.customers import CustomerPlan


def _status(ctx: DemoContext, day: date) -> str:
    """Older orders are nearly all paid; recent ones are often still awaiting payment."""
    paid_share = 0.97 if (ctx.today - day).days > 90 else 0.4
    return Order.Status.PAID if ctx.rng.random() < paid_share else Order.Status.UNPAID


def _quantity(ctx: DemoContext, product: Product) -> int:
    """Companies buy expensive equipment by the unit and cheap accessories by the dozen."""
    price = product.price or Decimal(0)
    if price >= 5000:
        return ctx.rng.randint(1, 8)
    if price >= 1000:
        return ctx.rng.randint(1, 20)
    return ctx.rng.randint(5, 60)


def _lines(ctx: DemoContext, order: Order) -> list[OrderLine]:
    products = ctx.rng.sample(ctx.products, k=min(len(ctx.products), ctx.rng.randint(1, 4)))
    return [
        OrderLine(
            order=order,
            product=p,
            count=_quantity(ctx, p),
            unit=p.unit,
            price=p.price or Decimal(0),
        )
        for p in products
    ]


def orders_create(ctx: DemoContext, plans: list[CustomerPlan]) -> dict[str, int]:
    """Insert one order per planned order day, priced at the products' list prices."""
    orders = []
    for plan in plans:
        for day in plan.order_days:
            when = ctx.moment(day)
            orders.append(
                Order(
                    customer=plan.customer,
                    date=when,
                    created_at=when,
                    address=plan.customer.address,
                    status=_status(ctx, day),
                )
            )
    Order.objects.bulk_create(orders, batch_size=BATCH_SIZE)
    lines = [line for order in orders for line in _lines(ctx, order)]
    OrderLine.objects.bulk_create(lines, batch_size=BATCH_SIZE)
    return {"orders": len(orders), "order lines": len(lines)}
