"""
The reports as data: what each one reads (its sources, for the data version), how it is built,
who may see it, whether it is heavy enough to run as a background job, and its table columns
(the page and the CSV/XLSX export use the same ones).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from apps.reports.builders import churn, composition, contribution, dashboard, service, years


@dataclass(frozen=True)
class Column:
    key: str  # "rank", "amount" (the row's amount column) or a key of the row's data
    header: Any  # a (lazy) text, or a function of the snapshot's payload
    kind: str = "text"  # text | int | money | percent

    def title(self, payload: dict):
        return self.header(payload) if callable(self.header) else self.header

    def value(self, row):
        own_column = self.key in ("rank", "amount")
        raw = getattr(row, self.key) if own_column else row.data.get(self.key)
        if raw in (None, ""):
            return ""
        if self.kind == "money":
            return Decimal(str(raw))
        if self.kind == "int":
            return int(raw)
        if self.kind == "percent":
            return Decimal(str(raw))
        return raw


@dataclass(frozen=True)
class ReportDef:
    name: str
    title: Any
    sources: tuple[str, ...]
    build: Callable
    heavy: bool = False  # computed by a background job instead of in the request
    action: str = ""  # the policy action that guards it ("" for internal snapshots)
    columns: tuple[Column, ...] = field(default_factory=tuple)
    template: str = ""


NO = Column("rank", _("No."), "int")

REPORTS: dict[str, ReportDef] = {
    r.name: r
    for r in [
        ReportDef(
            "contribution",
            _("Customer contribution"),
            ("orders", "customer"),
            contribution.build,
            heavy=True,
            action="view_contribution",
            columns=(
                NO,
                Column("number", _("Customer number")),
                Column("name", _("Customer name")),
                Column("amount", _("Order amount (CNY)"), "money"),
            ),
            template="reports/contribution.html",
        ),
        ReportDef(
            "composition",
            _("Customer composition"),
            ("customer", "dict"),
            composition.build,
            action="view_composition",
            columns=(
                NO,
                Column("label", composition.item_header),
                Column("count", _("Number of customers"), "int"),
                Column("percent", _("Share (%)"), "percent"),
            ),
            template="reports/composition.html",
        ),
        ReportDef(
            "service",
            _("Service analysis"),
            ("service", "dict"),
            service.build,
            action="view_service",
            columns=(
                NO,
                Column("label", _("Service type")),
                Column("count", _("Number of services"), "int"),
                Column("percent", _("Share (%)"), "percent"),
            ),
            template="reports/service.html",
        ),
        ReportDef(
            "churn",
            _("Churn analysis"),
            ("churn", "customer", "user"),
            churn.build,
            heavy=True,
            action="view_churn",
            columns=(
                NO,
                Column("year", _("Year")),
                Column("customer", _("Customer")),
                Column("manager", _("Account manager")),
                Column("reason", _("Reason for the loss")),
            ),
            template="reports/churn.html",
        ),
        ReportDef(
            "dashboard",
            _("Dashboard"),
            ("orders", "customer", "dict", "churn", "service"),
            dashboard.build,
            heavy=True,
            action="view",
            template="reports/dashboard.html",
        ),
        # Internal: the year filter's choices, no page of its own.
        ReportDef("order-years", _("Order years"), ("orders",), years.build),
    ]
}
