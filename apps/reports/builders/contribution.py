"""客户贡献分析 (SPEC §5.1): order amount per customer, biggest first, with the Pareto shares."""

import math

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from apps.reports import selectors
from apps.reports.builders import add_chart, insert_ranked, scoped, share

TOP = 10  # bars in the chart, and the "top 10" share
TOP_SHARE = 0.2  # the "top 20 % of customers" share (rounded up to whole customers)


def build(snapshot, params, progress) -> None:
    progress(0, 3)
    amounts = selectors.contribution_amounts(
        year=params.get("year"), name=params.get("name", ""), **scoped(params)
    )
    ranked = insert_ranked(
        snapshot,
        amounts,
        order="src.amount DESC, src.id",
        data={"id": "src.id", "number": "src.number", "name": "src.name"},
        amount="src.amount",
    )
    count, total = ranked.count, ranked.total
    progress(1, 3)
    top_share_rank = math.ceil(count * TOP_SHARE)
    sums = snapshot.rows.aggregate(
        top=Sum("amount", filter=Q(rank__lte=TOP)),
        top_share=Sum("amount", filter=Q(rank__lte=top_share_rank)),
    )
    top = list(snapshot.rows.filter(rank__lte=TOP).order_by("rank").values("data", "amount"))
    snapshot.payload.update(
        total=str(total),
        customers=count,
        top_count=min(TOP, count),
        top_amount=str(sums["top"] or 0),
        top_percent=share(sums["top"] or 0, total),
        top_share_count=top_share_rank,
        top_share_amount=str(sums["top_share"] or 0),
        top_share_percent=share(sums["top_share"] or 0, total),
    )
    progress(2, 3)
    add_chart(
        snapshot,
        "main",
        {
            "type": "pareto",
            "title": _("Top %(n)s customers by order amount") % {"n": TOP},
            "labels": [row["data"]["name"] for row in top],
            "values": [row["amount"] for row in top],
            "total": total,
            "axis_label": _("Order amount (CNY)"),
            "share_label": _("Cumulative share of all orders"),
            "no_data": _("No orders match the filters."),
        },
    )
