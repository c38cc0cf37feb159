"""List filters of the two marketing pages (SPEC §3.1): "contains" on name, summary, linkman."""

import django_filters
from django.utils.translation import gettext_lazy as _

from apps.marketing.models import SalesChance
from apps.marketing.selectors import PLAN_STATUSES
from crm.forms import BootstrapFilterSet


class SalesChanceFilter(BootstrapFilterSet):
    customer_name = django_filters.CharFilter(label=_("Customer name"), lookup_expr="icontains")
    title = django_filters.CharFilter(label=_("Summary"), lookup_expr="icontains")
    linkman = django_filters.CharFilter(label=_("Linkman"), lookup_expr="icontains")

    class Meta:
        model = SalesChance
        fields = ["customer_name", "title", "linkman"]


class SalesPlanFilter(SalesChanceFilter):
    status = django_filters.ChoiceFilter(
        label=_("State"),
        choices=[(s.value, s.label) for s in PLAN_STATUSES],
        empty_label=_("All"),
    )

    class Meta(SalesChanceFilter.Meta):
        fields = [*SalesChanceFilter.Meta.fields, "status"]
