"""客户流失分析 (SPEC §5.4): confirmed churn records, with counts per year and per manager."""

from django.utils.translation import gettext as _

from apps.reports import selectors
from apps.reports.builders import add_chart, insert_ranked, scoped

TOP_MANAGERS = 10  # the chart and its table show these, the rest is one "others" bar


def build(snapshot, params, progress) -> None:
    progress(0, 2)
    records = selectors.churn_confirmed(
        customer=params.get("customer", ""), manager=params.get("manager", ""), **scoped(params)
    )
    ranked = insert_ranked(
        snapshot,
        records,
        order="src.lost_date DESC NULLS LAST, src.id DESC",
        data={
            "year": "src.year",
            "customer": "src.customer_name",
            "manager": "coalesce(src.manager_name, '')",
            "reason": "src.reason",
            "department": "coalesce(src.department_name, '')",
        },
        counts=("year", "manager", "department"),
    )
    progress(1, 2)
    # Counted over the stored rows: the charts count exactly the table's rows.
    years = sorted(ranked.counts["year"], key=_year_order)
    managers = ranked.counts["manager"]
    shown, others = managers[:TOP_MANAGERS], managers[TOP_MANAGERS:]
    by_manager = [{"manager": name or _("No manager"), "count": n} for name, n in shown]
    if others:
        by_manager.append(
            {
                "manager": _("Others (%(n)s managers)") % {"n": len(others)},
                "count": sum(n for _name, n in others),
            }
        )
    by_year = [{"year": str(year) if year else _("No date"), "count": n} for year, n in years]
    snapshot.payload.update(total=snapshot.row_count, by_year=by_year, by_manager=by_manager)
    if params.get("by") == "department":
        _by_department(snapshot, ranked.counts["department"])
    add_chart(
        snapshot,
        "years",
        {
            "type": "bar",
            "title": _("Lost customers per year"),
            "labels": [row["year"] for row in by_year],
            "values": [row["count"] for row in by_year],
            "axis_label": _("Number of customers"),
            "no_data": _("No confirmed churn matches the filters."),
        },
    )
    add_chart(
        snapshot,
        "managers",
        {
            "type": "bar",
            "title": _("Lost customers per account manager"),
            "horizontal": True,
            "labels": [row["manager"] for row in by_manager],
            "values": [row["count"] for row in by_manager],
            "axis_label": _("Number of customers"),
            "no_data": _("No confirmed churn matches the filters."),
        },
    )


def _by_department(snapshot, counts) -> None:
    """The per-department grouping: lost customers per department of their manager."""
    by_department = [{"department": name or _("No department"), "count": n} for name, n in counts]
    snapshot.payload["by_department"] = by_department
    add_chart(
        snapshot,
        "departments",
        {
            "type": "bar",
            "title": _("Lost customers per department"),
            "horizontal": True,
            "labels": [row["department"] for row in by_department],
            "values": [row["count"] for row in by_department],
            "axis_label": _("Number of customers"),
            "no_data": _("No confirmed churn matches the filters."),
        },
    )


def _year_order(pair) -> int:
    return pair[0] or 0  # records without a date first
