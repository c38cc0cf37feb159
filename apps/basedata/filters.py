"""Filters of the product and stock queries (SPEC §3.5): every one is "contains"."""

import django_filters
from django.utils.translation import gettext_lazy as _

from apps.basedata.models import Product, Storage
from crm.forms import BootstrapFilterSet


class ProductFilter(BootstrapFilterSet):
    name = django_filters.CharFilter(label=_("name"), lookup_expr="icontains")
    model = django_filters.CharFilter(label=_("model"), lookup_expr="icontains")
    batch = django_filters.CharFilter(label=_("grade/batch"), lookup_expr="icontains")

    class Meta:
        model = Product
        fields = ["name", "model", "batch"]


class StorageFilter(BootstrapFilterSet):
    product = django_filters.CharFilter(
        label=_("product"), field_name="product__name", lookup_expr="icontains"
    )
    warehouse = django_filters.CharFilter(label=_("warehouse"), lookup_expr="icontains")

    class Meta:
        model = Storage
        fields = ["product", "warehouse"]
