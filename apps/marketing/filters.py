"""List filters of the two marketing pages (SPEC §3.1): "contains" on name, summary, linkman."""

import django_filters
from django.utils.translation import gettext_lazy as _

from apps.marketing.models import SalesChance
from apps.marketing.selectors import PLAN_STATUSES
from crm.forms import BootstrapFilterSet
from crm.text_search import contains


class SalesChanceFilter(BootstrapFilterSet):
    customer_name = django_filters.CharFilter(label=_("Customer name"), method="filter_contains")
    title = django_filters.CharFilter(label=_("Summary"), method="filter_contains")
    linkman = django_filters.CharFilter(label=_("Linkman"), method="filter_contains")

    class Meta:
        model = SalesChance
        fields = ["customer_name", "title", "linkman"]

    def filter_contains(self, queryset, name, value):
        """The field contains `value` (its trigram or, for two characters, bigram index)."""
        return queryset.filter(contains(name, value))


class SalesPlanFilter(SalesChanceFilter):
    status = django_filters.ChoiceFilter(
        label=_("State"),
        choices=[(s.value, s.label) for s in PLAN_STATUSES],
        empty_label=_("All"),
    )

    class Meta(SalesChanceFilter.Meta):
        fields = [*SalesChanceFilter.Meta.fields, "status"]
