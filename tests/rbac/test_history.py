"""A record's history reads as sentences in the user's language, on every page that shows one."""

import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from apps.customers import services as customer_services
from apps.demo.reference import reference_data_load
from apps.rbac.history import GENERIC, action_of
from tests.customers.churn_factories import ChurnFactory
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def dictionary():
    reference_data_load()


def edit(customer, actor, **fields):
    customer.refresh_from_db()
    customer_services.customer_update(
        actor=actor, customer_id=customer.pk, loaded_at=customer.updated_at.isoformat(), **fields
    )


def history_text(response) -> str:
    """What a reader sees of the history section: its text without tags, spaces collapsed."""
    html = response.content.decode()
    section = html.split('data-testid="history"', 1)[1].split("</ol>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section.split(">", 1)[1]))


def test_the_customer_page_tells_the_history_in_chinese(client):
    zhang = UserFactory(role="account_manager", full_name="张三")
    li = UserFactory(role="account_manager", full_name="李四")
    customer = CustomerFactory(manager=zhang, fax="", level=1, region="北京")
    edit(customer, zhang, fax="010-88886666", level=3, region="上海", manager=li)
    client.force_login(UserFactory(role="sales_manager"))

    text = history_text(client.get(customer.get_absolute_url(), **ZH))

    assert "张三 将 传真 从 — 改为 010-88886666" in text
    assert "张三 将 客户等级 从 普通客户 改为 大客户" in text
    assert "张三 将 地区 从 北京 改为 上海" in text
    assert "张三 将 客户经理 从 张三 改为 李四" in text
    assert "customers.customer" not in text
    assert "fax" not in text


def test_the_same_history_in_english(client):
    zhang = UserFactory(role="account_manager", full_name="Zhang San")
    customer = CustomerFactory(manager=zhang, fax="")
    edit(customer, zhang, fax="010-88886666")
    client.force_login(zhang)

    text = history_text(client.get(customer.get_absolute_url(), **EN))

    assert "Zhang San changed fax from — to 010-88886666" in text


def test_a_transition_reads_with_its_states_and_details(client):
    manager = UserFactory(role="account_manager", full_name="王五")
    churn = ChurnFactory(customer__manager=manager, manager=manager)
    customer_services.churn_confirm(actor=manager, churn_id=churn.pk, reason="公司倒闭")
    client.force_login(manager)

    text = history_text(client.get(reverse("customers:churn-detail", args=[churn.pk]), **ZH))

    assert "王五 确认了流失（预警 → 已经流失）" in text
    assert "流失原因 公司倒闭" in text
    assert "customers.churn" not in text


def test_queries_do_not_grow_with_the_number_of_events(client):
    managers = [UserFactory(role="account_manager") for _ in range(4)]
    customer = CustomerFactory(manager=managers[0])
    viewer = UserFactory(role="sales_manager")
    client.force_login(viewer)
    edit(customer, managers[0], fax="010-11111111", manager=managers[1])
    client.get(customer.get_absolute_url())  # the frame's first page: its memos filled
    with CaptureQueriesContext(connection) as one:
        client.get(customer.get_absolute_url())

    for n in range(1, 16):  # each manager hands the customer on: user names to show for each
        edit(customer, managers[n % 4], fax=f"010-2222{n:04d}", manager=managers[(n + 1) % 4])
    with CaptureQueriesContext(connection) as many:
        response = client.get(customer.get_absolute_url())

    assert len(response.context["history"]) == 16
    assert len(many.captured_queries) == len(one.captured_queries)


AUDIT_KEY = re.compile(r"""(?:action=|Value\()"([a-z_]+\.[a-z_]+\.[a-z_]+)\"""")


def test_every_audit_key_of_the_code_reads_as_a_sentence():
    """A key written anywhere in the apps has a description (its app's or its verb's)."""
    root = Path(__file__).resolve().parents[2] / "apps"
    keys = {key for path in root.rglob("*.py") for key in AUDIT_KEY.findall(path.read_text())}

    assert len(keys) > 30
    undescribed = sorted(key for key in keys if action_of(key) is None)
    assert undescribed == []
    with translation.override("zh-hans"):
        for key in keys:
            sentence = str(action_of(key).text)
            assert "{actor}" in sentence
            words = sentence.replace("{actor}", "").replace("{record}", "")
            assert not re.search(r"[a-z]{3}", words), f"{key} is not translated: {sentence}"
    assert set(GENERIC) == {"create", "update", "delete"}
