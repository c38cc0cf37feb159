"""Factories of the report tests: the rows the reports read, with explicit dates and amounts."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory
from factory.django import DjangoModelFactory

from apps.basedata.models import DictItem
from apps.customers.models import Churn
from tests.customers.factories import OrderFactory, OrderLineFactory
from tests.factories import CustomerFactory, UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(year, month=1, day=1, hour=12, minute=0) -> datetime.datetime:
    """An aware datetime in the business time zone."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def order_with_lines(customer, when, *lines):
    """An order of `customer` at `when` with lines given as (count, unit price)."""
    order = OrderFactory(customer=customer, date=when)
    for count, price in lines:
        OrderLineFactory(order=order, count=count, price=Decimal(price))
    return order


def dictionary(dict_type, *items):
    """Dictionary items (value, Chinese label, English label) in this order."""
    return [
        DictItem.objects.create(
            type=dict_type,
            value=value,
            item=item,
            item_en=item_en,
            sort_order=index,
            is_editable=False,
        )
        for index, (value, item, item_en) in enumerate(items, start=1)
    ]


LEVELS = [
    ("1", "普通客户", "Ordinary"),
    ("2", "重点开发客户", "Key prospect"),
    ("3", "大客户", "Major"),
    ("4", "合作伙伴", "Partner"),
    ("5", "战略合作伙伴", "Strategic partner"),
]
STARS = [(str(n), "☆" * n, "☆" * n) for n in range(1, 6)]
SERVICE_TYPES = [
    ("咨询", "咨询", "Inquiry"),
    ("建议", "建议", "Suggestion"),
    ("投诉", "投诉", "Complaint"),
]


class ChurnFactory(DjangoModelFactory):
    """A confirmed churn record (status 3) by default."""

    class Meta:
        model = Churn

    customer = factory.SubFactory(CustomerFactory)
    manager = factory.LazyAttribute(lambda c: c.customer.manager)
    status = Churn.Status.CONFIRMED
    lost_date = datetime.date(2024, 5, 1)
    reason = "价格太高"


__all__ = ["CustomerFactory", "UserFactory"]
