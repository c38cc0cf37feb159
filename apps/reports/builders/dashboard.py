"""The executive dashboard: key figures at a glance, with small charts."""

import datetime
from decimal import Decimal

from django.db.models import F, Sum
from django.utils.translation import gettext as _

from apps.basedata.models import DictItem
from apps.customers.models import OrderLine
from apps.reports import selectors
from apps.reports.builders import add_chart, json_number
from apps.reports.builders.composition import counted_items
from apps.reports.builders.service import month_name
from apps.reports.scope import owned
from apps.service.models import ServiceTicket

SMALL = (4.5, 3.4)  # the dashboard's small charts, in inches
WAITING = [
    ServiceTicket.Status.CREATED,
    ServiceTicket.Status.ASSIGNED,
    ServiceTicket.Status.HANDLED,
]


def revenue_until(day: datetime.date, owners=None) -> Decimal:
    """Σ amount of the orders from 1 January of day's year up to and including `day`."""
    start, end = selectors.local_bounds(
        datetime.date(day.year, 1, 1), day + datetime.timedelta(days=1)
    )
    lines = owned(
        OrderLine.objects.all(), "order__customer__manager", owners=owners, department=None
    )
    lines = lines.filter(order__date__gte=start, order__date__lt=end)
    return lines.aggregate(total=Sum(F("count") * F("price")))["total"] or Decimal(0)


def _same_day_last_year(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def build(snapshot, params, progress) -> None:
    today = datetime.date.fromisoformat(params["as_of"])
    this_year, last_year = today.year, today.year - 1
    progress(0, 4)
    owners, service_owners = params.get("owners"), params.get("service_owners")
    monthly = selectors.revenue_by_month(first_year=last_year, last_year=this_year, owners=owners)
    this_months = [monthly.get((this_year, m), Decimal(0)) for m in range(1, 13)]
    last_months = [monthly.get((last_year, m), Decimal(0)) for m in range(1, 13)]
    last_same_period = revenue_until(_same_day_last_year(today), owners)
    progress(1, 4)
    levels = counted_items(
        selectors.composition_counts(by="level", owners=owners),
        selectors.dictionary(DictItem.LEVEL),
    )
    statuses = selectors.service_status_counts(owners=service_owners)
    waiting = [
        {"status": s.value, "label": str(s.label), "count": statuses.get(s.value, 0)}
        for s in WAITING
    ]
    progress(2, 4)
    snapshot.payload.update(
        as_of=params["as_of"],
        this_year=this_year,
        last_year=last_year,
        revenue_this_year=json_number(sum(this_months, Decimal(0))),
        revenue_last_year=json_number(sum(last_months, Decimal(0))),
        revenue_last_year_same_period=json_number(last_same_period),
        customers=sum(row["count"] for row in levels),
        levels=levels,
        open_churn=selectors.open_churn_count(owners=owners),
        waiting=waiting,
    )
    progress(3, 4)
    add_chart(
        snapshot,
        "revenue",
        {
            "type": "grouped",
            "title": _("Order amount per month"),
            "labels": [month_name(m) for m in range(1, 13)],
            "series": [(str(last_year), last_months), (str(this_year), this_months)],
            "axis_label": _("CNY"),
            "no_data": _("No orders in these two years."),
        },
    )
    add_chart(
        snapshot,
        "levels",
        {
            "type": "bar",
            "title": _("Customers by level"),
            "size": SMALL,
            "labels": [row["label"] for row in levels],
            "values": [row["count"] for row in levels],
            "no_data": _("No customers yet."),
        },
    )
    add_chart(
        snapshot,
        "waiting",
        {
            "type": "bar",
            "title": _("Services waiting, per stage"),
            "size": SMALL,
            "labels": [row["label"] for row in waiting],
            "values": [row["count"] for row in waiting],
            "no_data": _("No service is waiting."),
        },
    )
