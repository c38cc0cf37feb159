import datetime
import types

import pytest

from apps.customers.models import Customer, Linkman
from apps.customers.services import customer_create_from_chance, customer_number_next
from apps.rbac.models import AuditEvent
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 23)


def test_customer_numbers_run_per_day():
    assert customer_number_next(DAY) == "KH20261123001"
    assert customer_number_next(DAY) == "KH20261123002"
    assert customer_number_next(DAY + datetime.timedelta(days=1)) == "KH20261124001"


def test_customer_numbers_continue_after_numbers_already_present():
    CustomerFactory(number="KH20261123041")

    assert customer_number_next(DAY) == "KH20261123042"


def test_a_won_chance_becomes_a_customer_with_its_linkman(sales_manager, account_manager):
    chance = types.SimpleNamespace(
        pk=7,
        customer_name="杭州新远科技有限公司",
        assignee_id=account_manager.pk,
        linkman="周敏",
        tel="",
    )

    customer = customer_create_from_chance(chance=chance, actor=account_manager)

    customer.refresh_from_db()
    assert (customer.manager, customer.level, customer.satisfaction, customer.credit) == (
        account_manager,
        1,
        3,
        3,
    )
    assert customer.status == Customer.Status.NORMAL
    assert Linkman.objects.get(customer=customer).name == "周敏"
    assert AuditEvent.objects.get(action="customers.customer.create").data["from_chance"] == 7
