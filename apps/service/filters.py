"""Filters of the service lists (SPEC §3.4); they run on querysets that are already scoped."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.customers.models import Customer
from apps.service import selectors
from apps.service.models import ServiceTicket
from crm.forms import BootstrapFilterSet
from crm.text_search import customer_name_contains


class TicketFilter(BootstrapFilterSet):
    """客户, 概要, 服务类型, 创建日期 from–to: the filters of every stage list."""

    customer = django_filters.CharFilter(label=_("Customer"), method="filter_customer")
    title = django_filters.CharFilter(label=_("Summary"), lookup_expr="icontains")
    type = django_filters.ChoiceFilter(
        label=_("Service type"), choices=selectors.service_type_choices, empty_label=_("All")
    )
    created_from = django_filters.DateFilter(
        label=_("Created from"), field_name="created_at", lookup_expr="date__gte"
    )
    created_to = django_filters.DateFilter(
        label=_("Created to"), field_name="created_at", lookup_expr="date__lte"
    )

    class Meta:
        model = ServiceTicket
        fields = ["customer", "title", "type", "created_from", "created_to"]

    def filter_customer(self, queryset, name, value):
        # A subquery on the customers (their name indexes and the unique number) rather than
        # conditions across the join, which PostgreSQL can only test on every joined row.
        customers = Customer.objects.filter(customer_name_contains(value, also=Q(number=value)))
        return queryset.filter(customer__in=customers.values("pk"))


class TicketArchiveFilter(TicketFilter):
    """服务归档: the stage filters plus the status, which defaults to archived (SPEC §8)."""

    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ServiceTicket.Status.choices, empty_label=_("All")
    )

    class Meta(TicketFilter.Meta):
        fields = [*TicketFilter.Meta.fields, "status"]

    def __init__(self, data=None, *args, **kwargs):
        if data is None or "status" not in data:
            data = data.copy() if data is not None else {}
            data["status"] = ServiceTicket.Status.ARCHIVED
        super().__init__(data, *args, **kwargs)
