"""The customer and churn lists, declared once (crm.lists): the pages and their exports."""

from django.utils.translation import gettext_lazy as _

from apps.customers import selectors
from apps.customers.churn_filters import ChurnFilter
from apps.customers.filters import CustomerFilter
from apps.customers.models import Churn, Customer
from apps.rbac.policies import churn_policy, customer_policy
from crm.exports import column, user_name
from crm.lists import FACT, STATUS, TITLE, BulkAction, ListDefinition, col

customers = ListDefinition(
    policy=customer_policy,
    selector=selectors.customer_list,
    filterset_class=CustomerFilter,
    columns=(
        col("number", _("Customer number"), sort="number", phone=FACT),
        col("name", _("Name"), sort="name", phone=TITLE),
        col("region", _("Region"), sort="region"),
        col("manager", _("Account manager"), sort="manager", phone=FACT),
        col("level", _("Level"), sort="level"),
        col("status", _("Status"), phone=STATUS),
    ),
    sort_fields={
        "number": "number",
        "name": "name",
        "region": "region",
        "level": "level",
        "manager": "manager__full_name",
    },
    default_sort="-number",
    export_filename="customers",
    export_columns=(
        column(_("customer number"), "number"),
        column(_("name"), "name"),
        column(_("region"), "region"),
        column(_("account manager"), user_name("manager")),
        column(_("level"), "level"),
        column(_("status"), "status", choices=Customer.Status),
        column(_("telephone"), "tel"),
        column(_("address"), "address"),
        column(_("unified social credit code"), "uscc"),
        column(_("province"), "province__name"),
        column(_("city"), "city__name"),
        column(_("district"), "district__name"),
        column(_("tags"), selectors.tag_names_sql()),
    ),
    row_actions=("change", "delete"),
    bulk_actions=(
        BulkAction(
            "transfer", _("Transfer selected"), "customers:customer-transfer", "arrow-left-right"
        ),
    ),
    page_actions=("add", "change"),
)


def _open_only(user, rows) -> None:
    """A closed record (confirmed lost, recovered) is changed no more."""
    for row in rows:
        row.allowed["change"] = row.allowed["change"] and row.is_open


churn = ListDefinition(
    policy=churn_policy,
    selector=selectors.churn_list,
    filterset_class=ChurnFilter,
    columns=(
        col("id", _("No."), sort="id", phone=FACT),
        col("customer", _("Customer"), sort="customer", phone=TITLE),
        col("manager", _("Account manager"), sort="manager", phone=FACT),
        col("last_order_date", _("Last order date"), sort="last_order_date", phone=FACT),
        col("lost_date", _("Confirmed lost on"), sort="lost_date"),
        col("status", _("Status"), sort="status", phone=STATUS),
    ),
    sort_fields={
        "id": "pk",
        "customer": "customer__name",
        "manager": "customer__manager__full_name",
        "last_order_date": "last_order_date",
        "lost_date": "lost_date",
        "status": "status",
        "created_at": "created_at",
    },
    default_sort="-created_at",
    export_filename="churn",
    export_columns=(
        column(_("No."), "pk"),
        column(_("Customer"), "customer__name"),
        column(_("Account manager"), user_name("customer__manager")),
        column(_("Last order date"), "last_order_date"),
        column(_("Confirmed lost on"), "lost_date"),
        column(_("Status"), "status", choices=Churn.Status),
        column(_("Detected on"), "created_at"),
        column(_("Reason"), "reason"),
    ),
    row_actions=("change",),
    row_rules=_open_only,
)
