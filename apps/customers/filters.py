"""Filters of the customer list (SPEC §3.2), run on the user's scoped customers."""

import django_filters
from django.utils.translation import gettext_lazy as _

from apps.basedata.models import DictItem
from apps.customers.models import Customer
from apps.rbac import roles
from apps.rbac.selectors import active_user_choices
from crm.forms import BootstrapFilterSet
from crm.text_search import customer_name_contains, customer_number_contains


def _dict_choices(dict_type):
    return lambda: DictItem.objects.choices(dict_type)


class CustomerFilter(BootstrapFilterSet):
    number = django_filters.CharFilter(label=_("customer number"), method="filter_number")
    name = django_filters.CharFilter(label=_("name"), method="filter_name")
    region = django_filters.ChoiceFilter(
        label=_("region"), empty_label=_("All"), choices=_dict_choices(DictItem.REGION)
    )
    manager = django_filters.ChoiceFilter(
        label=_("account manager"),
        empty_label=_("All"),
        choices=lambda: active_user_choices(roles.ACCOUNT_MANAGER),
    )
    level = django_filters.ChoiceFilter(
        label=_("level"), empty_label=_("All"), choices=_dict_choices(DictItem.LEVEL)
    )
    status = django_filters.ChoiceFilter(
        label=_("status"),
        empty_label=_("All"),
        choices=[
            (Customer.Status.NORMAL, Customer.Status.NORMAL.label),
            (Customer.Status.LOST, Customer.Status.LOST.label),
        ],
    )

    class Meta:
        model = Customer
        fields = ["number", "name", "region", "manager", "level", "status"]

    def filter_name(self, queryset, name, value):
        """Name contains `value` (served by the trigram or, for two characters, bigram index)."""
        return queryset.filter(customer_name_contains(value))

    def filter_number(self, queryset, name, value):
        """Number contains `value` (served by the trigram or, for two characters, bigram index)."""
        return queryset.filter(customer_number_contains(value))
