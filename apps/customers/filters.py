"""Filters of the customer list (SPEC §3.2), run on the user's scoped customers."""

import django_filters
from django.utils.translation import gettext_lazy as _

from apps.basedata.models import DictItem
from apps.customers.models import Customer, CustomerTag
from apps.customers.selectors import division_choices, tag_choices
from apps.rbac import roles
from apps.rbac.selectors import active_user_choices
from crm.forms import BootstrapFilterSet
from crm.text_search import customer_name_contains, customer_number_contains


def _dict_choices(dict_type):
    return lambda: DictItem.objects.choices(dict_type)


def _tags():
    return [(str(tag.pk), tag.label) for tag in tag_choices()]


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
    province = django_filters.ChoiceFilter(
        label=_("province"), empty_label=_("All"), choices=division_choices
    )
    # The cities of the province chosen (set in __init__): none before one is chosen.
    city = django_filters.ChoiceFilter(label=_("city"), empty_label=_("All"), choices=())
    tag = django_filters.ChoiceFilter(
        label=_("tag"), empty_label=_("All"), choices=_tags, method="filter_tag"
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
        fields = ["number", "name", "region", "province", "city", "tag", "manager", "level"]
        fields += ["status"]

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        province = (data or {}).get("province")
        if province:
            self.filters["city"].extra["choices"] = division_choices(province)

    def filter_name(self, queryset, name, value):
        """Name contains `value` (served by the trigram or, for two characters, bigram index)."""
        return queryset.filter(customer_name_contains(value))

    def filter_tag(self, queryset, name, value):
        """Customers with the tag (one semi-join on the (tag, customer) index)."""
        return queryset.filter(pk__in=CustomerTag.objects.filter(tag=value).values("customer_id"))

    def filter_number(self, queryset, name, value):
        """Number contains `value` (served by the trigram or, for two characters, bigram index)."""
        return queryset.filter(customer_number_contains(value))
