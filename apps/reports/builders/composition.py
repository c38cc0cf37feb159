"""客户构成分析 (SPEC §5.2): customers (not deleted) per level, credit or satisfaction."""

from django.utils.translation import gettext as _

from apps.basedata.models import DictItem
from apps.reports import selectors
from apps.reports.builders import add_chart, insert_rows, scoped, share

DICTIONARIES = {
    "level": DictItem.LEVEL,
    "credit": DictItem.CREDIT,
    "satisfaction": DictItem.SATISFACTION,
}


def dimension_label(by: str) -> str:
    return {
        "level": _("Level"),
        "credit": _("Credit"),
        "satisfaction": _("Satisfaction"),
        "department": _("Department"),
    }[by]


def item_header(payload: dict) -> str:
    """The first column is named after the chosen dimension (等级, 信用度 or 满意度)."""
    return dimension_label(payload.get("by", "level"))


def counted_items(counts: dict[str, int], items: list[tuple[str, str]]) -> list[dict]:
    """Every dictionary item in dictionary order, zero counts included; then any value the
    dictionary does not know (or no value at all), so that the counts add up to the total."""
    counts = dict(counts)
    rows = [
        {"value": value, "label": label, "count": counts.pop(value, 0)} for value, label in items
    ]
    for value, count in sorted(counts.items()):
        rows.append({"value": value, "label": value or _("Not specified"), "count": count})
    return rows


def _items(by: str, counts: dict[str, int]) -> list[tuple[str, str]]:
    """The rows' labels: the dictionary's items, or the departments counted (tree order), with
    the customers whose manager has no department last."""
    if by != "department":
        return selectors.dictionary(DICTIONARIES[by])
    items = selectors.departments_named(counts)
    return [*items, ("", _("No department"))] if "" in counts else items


def build(snapshot, params, progress) -> None:
    by = params["by"]
    counts = selectors.composition_counts(by=by, **scoped(params))
    rows = counted_items(counts, _items(by, counts))
    total = sum(row["count"] for row in rows)  # a handful of aggregated rows
    for row in rows:
        row["percent"] = share(row["count"], total)
    insert_rows(snapshot, rows, amount="count")
    snapshot.payload.update(total=total, by=by)
    add_chart(
        snapshot,
        "main",
        {
            "type": "bar",
            "title": _("Customers by %(dimension)s") % {"dimension": dimension_label(by).lower()},
            "labels": [row["label"] for row in rows],
            "values": [row["count"] for row in rows],
            "axis_label": _("Number of customers"),
            "no_data": _("No customers yet."),
        },
    )
