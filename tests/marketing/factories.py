"""Factories of the marketing tests: chances in every state and their plan items."""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from apps.marketing.models import SalesChance, SalesPlan
from tests.factories import UserFactory

S = SalesChance.Status


class SalesChanceFactory(DjangoModelFactory):
    """An unassigned chance; SalesChanceFactory(developing=True) for one being developed."""

    class Meta:
        model = SalesChance

    source = "展会"
    customer_name = factory.Sequence(lambda n: f"杭州新远科技{n}有限公司")
    title = "采购 20 台笔记本电脑"
    rate = 60
    linkman = "周敏"
    tel = "13800000000"
    description = "客户计划下季度更换办公电脑。"
    created_by = factory.SubFactory(UserFactory, role="sales_manager")

    class Params:
        developing = factory.Trait(
            status=S.DEVELOPING,
            assignee=factory.SubFactory(UserFactory, role="account_manager"),
            assigned_at=factory.LazyFunction(timezone.now),
        )
        won = factory.Trait(developing=True, status=S.WON)
        lost = factory.Trait(developing=True, status=S.LOST)


class SalesPlanFactory(DjangoModelFactory):
    class Meta:
        model = SalesPlan

    chance = factory.SubFactory(SalesChanceFactory, developing=True)
    date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=3))
    todo = "电话回访，确认采购预算"
