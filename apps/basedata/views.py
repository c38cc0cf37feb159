"""The read-only product and stock queries (查询产品信息, 查询库存)."""

from django.utils.translation import gettext_lazy as _

from apps.basedata import selectors
from apps.basedata.filters import ProductFilter, StorageFilter
from apps.rbac.policies import product_policy, storage_policy
from crm.lists import ListPageView


class ProductListView(ListPageView):
    policy, action = product_policy, "view"
    filterset_class = ProductFilter
    template_name = "basedata/product_list.html"
    sort_fields = {"pk": "pk", "name": "name", "model": "model", "price": "price"}
    default_sort = "name"
    export_filename = "products"
    export_columns = [
        (_("No."), lambda p: p.pk), (_("name"), lambda p: p.name),
        (_("model"), lambda p: p.model), (_("grade/batch"), lambda p: p.batch),
        (_("unit"), lambda p: p.unit), (_("unit price (CNY)"), lambda p: p.price),
        (_("memo"), lambda p: p.memo),
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
        (_("No."), lambda s: s.pk), (_("product"), lambda s: str(s.product)),
        (_("warehouse"), lambda s: s.warehouse), (_("bin"), lambda s: s.ware),
        (_("count"), lambda s: s.count), (_("memo"), lambda s: s.memo),
    ]

    def base_queryset(self):
        return selectors.storage_list(user=self.request.user)
