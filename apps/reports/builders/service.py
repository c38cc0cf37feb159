"""客户服务分析 (SPEC §5.3): services (every state) per type, and per month of a chosen year."""

import datetime

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from apps.basedata.models import DictItem
from apps.reports import selectors
from apps.reports.builders import add_chart, insert_rows, scoped, share
from apps.reports.builders.composition import counted_items


def period(params) -> tuple:
    """[start, end) of the filters: a year, a date range (both ends included) or everything."""
    if params.get("year"):
        return selectors.year_bounds(params["year"])
    if params.get("date_from") or params.get("date_to"):
        start = datetime.date.fromisoformat(params.get("date_from") or "1900-01-01")
        last = datetime.date.fromisoformat(params.get("date_to") or "2999-12-31")
        return selectors.local_bounds(start, last + datetime.timedelta(days=1))
    return None, None


def build(snapshot, params, progress) -> None:
    start, end = period(params)
    counts = selectors.service_type_counts(start=start, end=end, **scoped(params, "service_owners"))
    rows = counted_items(counts, selectors.dictionary(DictItem.SERVICE_TYPE))
    total = sum(row["count"] for row in rows)
    for row in rows:
        row["percent"] = share(row["count"], total)
    insert_rows(snapshot, rows, amount="count")
    snapshot.payload.update(total=total)
    add_chart(
        snapshot,
        "main",
        {
            "type": "bar",
            "title": _("Services by type"),
            "labels": [row["label"] for row in rows],
            "values": [row["count"] for row in rows],
            "axis_label": _("Number of services"),
            "no_data": _("No services in this period."),
        },
    )
    if params.get("year"):
        by_month = selectors.service_month_counts(
            year=params["year"], **scoped(params, "service_owners")
        )
        months = [
            {"month": m, "label": month_name(m), "count": by_month.get(m, 0)} for m in range(1, 13)
        ]
        snapshot.payload["months"] = months
        add_chart(
            snapshot,
            "months",
            {
                "type": "bar",
                "title": _("Services per month of %(year)s") % {"year": params["year"]},
                "labels": [month["label"] for month in months],
                "values": [month["count"] for month in months],
                "axis_label": _("Number of services"),
                "no_data": _("No services in this year."),
            },
        )


def month_name(month: int) -> str:
    return date_format(datetime.date(2000, month, 1), "M")
