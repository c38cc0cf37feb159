"""Reads of customer records and their linkmen, activities and orders."""

from django.db.models import DecimalField, F, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from apps.basedata.models import DictItem
from apps.customers.models import Activity, Customer, Linkman, Order, OrderLine
from apps.rbac.policies import customer_policy

MONEY = DecimalField(max_digits=14, decimal_places=2)


def customer_list(*, user, action: str = "view") -> QuerySet[Customer]:
    """Customers `user` may see (not logically deleted), with their account manager."""
    return customer_policy.scope(user, action, Customer.objects.visible()).select_related("manager")


def customer_get(*, user, pk: int, action: str = "view") -> Customer:
    """One customer within the user's scope for `action`; 404 otherwise."""
    return get_object_or_404(customer_list(user=user, action=action), pk=pk)


CUSTOMER_DICTIONARY = {
    "region": DictItem.REGION,
    "level": DictItem.LEVEL,
    "satisfaction": DictItem.SATISFACTION,
    "credit": DictItem.CREDIT,
}


def customer_labels() -> dict[str, dict[str, str]]:
    """{"region": {value: label}, "level": …} for the coded customer fields, in one query
    (none while the dictionary is unchanged: apps.basedata.models)."""
    labels = DictItem.objects.labels(CUSTOMER_DICTIONARY.values())
    return {field: labels[dict_type] for field, dict_type in CUSTOMER_DICTIONARY.items()}


def linkman_list(*, customer: Customer) -> QuerySet[Linkman]:
    return customer.linkmen.order_by("pk")


def activity_list(*, customer: Customer) -> QuerySet[Activity]:
    return customer.activities.order_by("-date", "-pk")


def order_list(*, customer: Customer) -> QuerySet[Order]:
    """The customer's orders, newest first, each with its total computed in SQL."""
    return customer.orders.with_totals().order_by("-date", "-pk")


def order_lifetime_total(*, customer: Customer):
    """Σ count × unit price over every line of every order of the customer (SQL)."""
    return OrderLine.objects.filter(order__customer=customer).aggregate(
        total=Coalesce(Sum(F("count") * F("price"), output_field=MONEY), Value(0, MONEY))
    )["total"]


def order_get(*, user, pk: int) -> Order:
    """An order of a customer the user may see (orders are visible with their customer)."""
    qs = Order.objects.with_totals().filter(customer__in=customer_list(user=user))
    return get_object_or_404(qs.select_related("customer", "customer__manager"), pk=pk)


def order_lines(*, order: Order) -> QuerySet[OrderLine]:
    """The order's lines with their product and amount (count × unit price) from SQL."""
    return (
        order.lines.select_related("product")
        .annotate(line_amount=F("count") * F("price"))
        .order_by("pk")
    )
