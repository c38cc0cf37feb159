"""The read-only product and stock queries (查询产品信息, 查询库存)."""

from django.utils.translation import gettext_lazy as _

from apps.basedata import lists
from crm.lists import ListPageView


class ProductListView(ListPageView):
    listing, title, read_only = lists.products, _("Products"), True
    template_name = "basedata/product_list.html"


class StorageListView(ListPageView):
    listing, title, read_only = lists.stock, _("Stock"), True
    template_name = "basedata/storage_list.html"
