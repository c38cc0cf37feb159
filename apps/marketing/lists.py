"""The sales chance and development plan lists, declared once (crm.lists)."""

from dataclasses import replace

from django.utils.translation import gettext_lazy as _

from apps.marketing import selectors
from apps.marketing.filters import SalesChanceFilter, SalesPlanFilter
from apps.marketing.models import SalesChance, SalesPlan
from apps.rbac.policies import sales_chance_policy, sales_plan_policy
from crm.exports import column, user_name
from crm.lists import FACT, STATUS, TITLE, ListDefinition, col

S = SalesChance.Status

COLUMNS = (
    col("id", _("No."), sort="id", phone=FACT),
    col("customer_name", _("Customer name"), sort="customer_name", phone=TITLE),
    col("title", _("Summary"), sort="title", phone=FACT),
    col("linkman", _("Linkman"), sort="linkman"),
    col("tel", _("Linkman phone")),
)
EXPORT_COLUMNS = (
    column(_("No."), "pk"),
    column(_("Customer name"), "customer_name"),
    column(_("Summary"), "title"),
    column(_("Linkman"), "linkman"),
    column(_("Linkman phone"), "tel"),
    column(_("Success rate (%)"), "rate"),
    column(_("Source"), "source"),
    column(_("Created by"), user_name("created_by")),
    column(_("Created at"), "created_at"),
)
SORTS = {
    "id": "pk",
    "customer_name": "customer_name",
    "title": "title",
    "linkman": "linkman",
    "created_at": "created_at",
}

chances = ListDefinition(
    policy=sales_chance_policy,
    selector=selectors.chance_list,
    filterset_class=SalesChanceFilter,
    columns=(*COLUMNS, col("created_at", _("Created at"), sort="created_at", phone=FACT)),
    sort_fields=SORTS,
    default_sort="-created_at",
    export_columns=EXPORT_COLUMNS,
    export_filename="sales-chances",
    row_actions=("change", "delete", "assign"),
    page_actions=("add",),
)


def _plan_rules(user, rows) -> None:
    """Make plan, execute and the outcomes apply to a chance in development only. Make plan
    is decided on the row itself: with the default roles (the sales manager plans every
    chance, an account manager sees only his own) this makes no query per row."""
    for row in rows:
        developing = row.status == S.DEVELOPING
        row.allowed["plan"] = developing and sales_plan_policy.can(
            user, "change", SalesPlan(chance=row)
        )
        row.allowed["develop"] = developing and row.allowed["develop"]


plans = replace(
    chances,
    policy=sales_plan_policy,
    selector=selectors.plan_chance_list,
    filterset_class=SalesPlanFilter,
    columns=(
        *COLUMNS,
        col("assignee", _("Assigned to"), sort="assignee", phone=FACT),
        col("assigned_at", _("Assigned at"), sort="assigned_at"),
        col("status", _("State"), sort="status", phone=STATUS),
    ),
    sort_fields={
        **SORTS,
        "assignee": "assignee__username",
        "status": "status",
        "assigned_at": "assigned_at",
    },
    default_sort="-assigned_at",
    export_filename="development-plans",
    export_columns=(
        *EXPORT_COLUMNS,
        column(_("Assigned to"), user_name("assignee")),
        column(_("Assigned at"), "assigned_at"),
        column(_("Plan items"), "plan_count"),
        column(_("State"), "status", choices=S),
    ),
    row_policy=sales_chance_policy,
    row_actions=("develop",),
    row_rules=_plan_rules,
    page_actions=(),
)
