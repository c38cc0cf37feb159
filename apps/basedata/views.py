"""The read-only product and stock queries (查询产品信息, 查询库存)."""

from django.utils.translation import gettext_lazy as _

from apps.basedata import selectors
from apps.basedata.filters import ProductFilter, StorageFilter
from apps.rbac.policies import product_policy, storage_policy
from crm.exports import column
from crm.lists import ListPageView


class ProductListView(ListPageView):
    policy, action = product_policy, "view"
    filterset_class = ProductFilter
    template_name = "basedata/product_list.html"
    sort_fields = {"pk": "pk", "name": "name", "model": "model", "price": "price"}
    default_sort = "name"
    export_filename = "products"
    export_columns = [
        column(_("No."), "pk"),
        column(_("name"), "name"),
        column(_("model"), "model"),
        column(_("grade/batch"), "batch"),
        column(_("unit"), "unit"),
        column(_("unit price (CNY)"), "price"),
        column(_("memo"), "memo"),
    ]

    def base_queryset(self):
        return selectors.product_list(user=self.request.user)


class StorageListView(ListPageView):
    policy, action = storage_policy, "view"
    filterset_class = StorageFilter
    template_name = "basedata/storage_list.html"
    sort_fields = {"product": "product__name", "warehouse": "warehouse", "count": "count"}
    default_sort = "warehouse"
    export_filename = "stock"
    export_columns = [
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
    ]

    def base_queryset(self):
        return selectors.storage_list(user=self.request.user)
