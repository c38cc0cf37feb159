"""SPEC §7 format checks on the customer and linkman forms, and the optional fields of §3.2."""

import re
import uuid

import pytest
from django.urls import reverse

from apps.customers.models import Customer, Linkman
from apps.demo.reference import reference_data_load
from apps.rbac.models import AuditEvent
from tests.customers.test_views import edit_form
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
POSTCODE = "请输入 6 位数字的邮政编码，例如 100020。"
PHONE = "请输入由数字组成的电话号码，例如 010-88886666 或 13800000000。"
WEBSITE = "请输入网址，例如 www.example.com.cn。"


@pytest.fixture
def am_client(client_as):
    reference_data_load()  # the dictionary the selects offer
    return client_as("account_manager")


def save_customer(client, customer, **overrides):
    url = reverse("customers:customer-update", args=[customer.pk])
    return client.post(url, edit_form(customer, **overrides), **ZH)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("zip", "abc", POSTCODE),
        ("zip", "10002", POSTCODE),
        ("zip", "1000200", POSTCODE),
        ("tel", "电话号码xx", PHONE),
        ("tel", "12", PHONE),
        ("fax", "传真abc", PHONE),
        ("website", "不是网址", WEBSITE),
        ("website", "http://", WEBSITE),
    ],
)
def test_a_badly_formatted_value_is_refused_with_its_message(am_client, field, value, message):
    customer = CustomerFactory(manager=am_client.user, name="原名")

    response = save_customer(am_client, customer, name="新名", **{field: value})

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()
    customer.refresh_from_db()
    assert customer.name == "原名"
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("zip", "310000"),
        ("tel", "+86 (571) 8888-6666"),
        ("tel", "0571-88886666转123"),
        ("fax", "13800000000"),
        ("website", "www.example.com.cn"),
        ("website", "https://example.cn/about"),
    ],
)
def test_a_well_formatted_value_is_saved(am_client, field, value):
    customer = CustomerFactory(manager=am_client.user)

    response = save_customer(am_client, customer, **{field: value})

    assert response.status_code == 302
    customer.refresh_from_db()
    assert getattr(customer, field) == value


OPTIONAL = ["licence_no", "bankroll", "turnover", "local_tax_no", "national_tax_no"]


def test_the_optional_fields_of_the_spec_may_stay_empty(am_client):
    customer = CustomerFactory(manager=am_client.user, bankroll=50, turnover=80)

    response = save_customer(am_client, customer, **dict.fromkeys(OPTIONAL, ""))

    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.bankroll, customer.turnover, customer.licence_no) == (0, 0, "")


def test_only_the_required_fields_of_the_spec_carry_the_red_star(am_client):
    customer = CustomerFactory(manager=am_client.user)

    html = am_client.get(reverse("customers:customer-update", args=[customer.pk])).content
    starred = set(re.findall(r'for="id_(\w+)">[^<]*<span class="text-danger">\*', html.decode()))

    assert starred.isdisjoint(OPTIONAL)
    assert {"name", "region", "zip", "tel", "fax", "website", "bank_account"} <= starred


def linkman_form(**overrides):
    data = {"name": "周敏", "sex": "女", "position": "经理", "tel": "0571-88886666", "mobile": ""}
    return {**data, "submit_token": uuid.uuid4(), **overrides}


@pytest.mark.parametrize(("field", "value"), [("tel", "电话号码xx"), ("mobile", "abc")])
def test_a_linkman_phone_must_be_a_phone_number(am_client, field, value):
    customer = CustomerFactory(manager=am_client.user)
    url = reverse("customers:linkman-create", args=[customer.pk])

    response = am_client.post(url, linkman_form(**{field: value}), **ZH)

    assert response.context["form"].errors[field] == [PHONE]
    assert not Linkman.objects.exists()


def test_a_linkman_without_a_mobile_is_saved(am_client):
    customer = CustomerFactory(manager=am_client.user)

    am_client.post(reverse("customers:linkman-create", args=[customer.pk]), linkman_form())

    assert Linkman.objects.get(customer=customer).mobile == ""
    assert Customer.objects.count() == 1
