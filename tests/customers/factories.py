import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from apps.customers.models import Activity, Linkman, Order, OrderLine
from tests.factories import CustomerFactory, ProductFactory


class LinkmanFactory(DjangoModelFactory):
    class Meta:
        model = Linkman

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Faker("name", locale="zh_CN")
    position = "经理"
    tel = "010-88886666"


class ActivityFactory(DjangoModelFactory):
    class Meta:
        model = Activity

    customer = factory.SubFactory(CustomerFactory)
    date = factory.LazyFunction(timezone.now)
    place = "北京"
    title = "拜访"


class OrderFactory(DjangoModelFactory):
    class Meta:
        model = Order

    customer = factory.SubFactory(CustomerFactory)
    date = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=30))
    address = "北京市海淀区"


class OrderLineFactory(DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    product = factory.SubFactory(ProductFactory)
    count = 2
    unit = "台"
    price = 10800
