"""Factories and helpers of the churn tests."""

from datetime import date, datetime, time, timedelta

import factory
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from factory.django import DjangoModelFactory

from apps.customers.models import Churn, ChurnMeasure, Order
from tests.factories import CustomerFactory

LONG_AGO = timedelta(days=3 * 365)


def local(day: date, hour: int = 12) -> datetime:
    """An aware datetime at `hour` o'clock of `day` in the business time zone."""
    return timezone.make_aware(datetime.combine(day, time(hour)))


def months_ago(months: int, *, days: int = 0) -> date:
    return timezone.localdate() - relativedelta(months=months) + timedelta(days=days)


def old_customer(**kwargs):
    """A normal customer whose record is years old (so only his orders decide)."""
    kwargs.setdefault("created_at", timezone.now() - LONG_AGO)
    return CustomerFactory(**kwargs)


def order(customer, when: datetime | date) -> Order:
    if isinstance(when, date) and not isinstance(when, datetime):
        when = local(when)
    return Order.objects.create(customer=customer, date=when, address="送货地址")


class ChurnFactory(DjangoModelFactory):
    class Meta:
        model = Churn

    customer = factory.SubFactory(CustomerFactory)
    manager = factory.LazyAttribute(lambda churn: churn.customer.manager)
    last_order_date = factory.LazyFunction(lambda: months_ago(7))
    status = Churn.Status.WARNING


class ChurnMeasureFactory(DjangoModelFactory):
    class Meta:
        model = ChurnMeasure

    churn = factory.SubFactory(ChurnFactory)
    text = factory.Sequence(lambda n: f"措施{n}")
    author = factory.LazyAttribute(lambda m: m.churn.manager)
