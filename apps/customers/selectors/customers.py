"""Reads of customer records and their linkmen, activities and orders."""

from typing import NamedTuple

from django.contrib.postgres.aggregates import StringAgg
from django.db.models import DecimalField, F, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language

from apps.basedata.models import DictItem
from apps.customers.models import (
    Activity,
    Customer,
    CustomerTag,
    Division,
    Linkman,
    Order,
    OrderLine,
    Tag,
)
from apps.rbac.policies import customer_policy
from crm.memo import Memo

MONEY = DecimalField(max_digits=14, decimal_places=2)


def customer_list(*, user, action: str = "view") -> QuerySet[Customer]:
    """Customers `user` may see (not logically deleted), with their account manager."""
    return customer_policy.scope(user, action, Customer.objects.visible()).select_related(
        "manager", "province", "city"
    )


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


def division_children(*, parent: str) -> QuerySet[Division]:
    """The cities of a province or the districts of a city (by GB/T 2260 code), by code."""
    if not parent:
        return Division.objects.none()
    return Division.objects.filter(parent_id=parent).order_by("code")


def tag_list() -> QuerySet[Tag]:
    return Tag.objects.order_by("name_zh")


class TagChoice(NamedTuple):
    pk: int
    label: str
    colour: str


# Tags and divisions per language, kept per access version (crm.memo; the triggers of migration
# customers 0018 move it with every change of cst_tag or cst_division), so the customer list's
# filters and the customer page read none.
_choices = Memo("customers.choices", size=1024)


def tag_choices() -> tuple[TagChoice, ...]:
    """Every tag (pk, label in the active language, colour), in name order."""
    return _choices.get(
        ("tags", get_language()),
        lambda: tuple(TagChoice(t.pk, t.label, t.colour) for t in tag_list()),
    )


def division_choices(parent: str | None = None) -> tuple[tuple[str, str], ...]:
    """(code, name) of the provinces, or of the cities or districts under `parent`."""

    def read():
        rows = (
            Division.objects.filter(parent_id=parent)
            if parent
            else Division.objects.filter(level=Division.Level.PROVINCE)
        )
        return tuple(rows.order_by("code").values_list("code", "name"))

    return _choices.get(("divisions", parent or ""), read)


def customer_tags(*, customer: Customer) -> list[Tag]:
    return list(customer.tags.order_by("name_zh"))


def tag_names_sql():
    """The customer's tag names ("A, B") as one correlated subquery, for exports."""
    names = (
        CustomerTag.objects.filter(customer=OuterRef("pk"))
        .values("customer")
        .annotate(names=StringAgg("tag__name_zh", ", ", order_by="tag__name_zh"))
        .values("names")
    )
    return Subquery(names)
