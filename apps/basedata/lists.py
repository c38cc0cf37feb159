"""The read-only product and stock lists, declared once (crm.lists)."""

from django.utils.translation import gettext_lazy as _

from apps.basedata import selectors
from apps.basedata.filters import ProductFilter, StorageFilter
from apps.rbac.policies import product_policy, storage_policy
from crm.exports import column
from crm.lists import FACT, TITLE, ListDefinition, col

products = ListDefinition(
    policy=product_policy,
    selector=selectors.product_list,
    filterset_class=ProductFilter,
    columns=(
        col("pk", _("No."), sort="pk"),
        col("name", _("Name"), sort="name", phone=TITLE),
        col("model", _("Model"), sort="model", phone=FACT),
        col("batch", _("Grade/batch")),
        col("unit", _("Unit"), phone=FACT),
        col("price", _("Unit price (CNY)"), sort="price", phone=FACT, align="end"),
        col("memo", _("Memo")),
    ),
    sort_fields={"pk": "pk", "name": "name", "model": "model", "price": "price"},
    default_sort="name",
    export_filename="products",
    export_columns=(
        column(_("No."), "pk"),
        column(_("name"), "name"),
        column(_("model"), "model"),
        column(_("grade/batch"), "batch"),
        column(_("unit"), "unit"),
        column(_("unit price (CNY)"), "price"),
        column(_("memo"), "memo"),
    ),
)

stock = ListDefinition(
    policy=storage_policy,
    selector=selectors.storage_list,
    filterset_class=StorageFilter,
    columns=(
        col("pk", _("No.")),
        col("product", _("Product"), sort="product", phone=TITLE),
        col("warehouse", _("Warehouse"), sort="warehouse", phone=FACT),
        col("ware", _("Bin"), phone=FACT),
        col("count", _("Count"), sort="count", phone=FACT, align="end"),
        col("memo", _("Memo")),
    ),
    sort_fields={"product": "product__name", "warehouse": "warehouse", "count": "count"},
    default_sort="warehouse",
    export_filename="stock",
    export_columns=(
        column(_("No."), "pk"),
        column(
            _("product"),
            "product__name",
            "product__model",
            "product__batch",
            format=lambda *parts: "-".join(part for part in parts if part),
        ),
        column(_("warehouse"), "warehouse"),
        column(_("bin"), "ware"),
        column(_("count"), "count"),
        column(_("memo"), "memo"),
    ),
)
