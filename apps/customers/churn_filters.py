"""Filters of the churn list (SPEC §3.3), run on the user's scoped churn records."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.customers.models import Churn, Customer
from crm.forms import BootstrapFilterSet
from crm.text_search import customer_name_contains


class ChurnFilter(BootstrapFilterSet):
    customer = django_filters.CharFilter(label=_("Customer"), method="filter_customer")
    manager = django_filters.CharFilter(label=_("Account manager"), method="filter_manager")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Churn.Status.choices, empty_label=_("All")
    )

    class Meta:
        model = Churn
        fields = ["customer", "manager", "status"]

    def filter_customer(self, queryset, name, value):
        """The customer's name contains `value`."""
        customers = Customer.objects.filter(customer_name_contains(value))
        return queryset.filter(customer__in=customers.values("pk"))

    def filter_manager(self, queryset, name, value):
        """Name contains: the customer's account manager, by full name or username."""
        return queryset.filter(
            Q(customer__manager__full_name__icontains=value)
            | Q(customer__manager__username__icontains=value)
        )
