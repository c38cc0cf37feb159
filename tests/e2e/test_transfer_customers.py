"""
A sales manager ticks two customers on the customer list, transfers them to a colleague, and
reads the ownership history on a customer's page (issue 16), on a desktop and on a phone
(390 px); each page passes the accessibility check (tests/accessibility.py).
"""

import pytest
from django.test import Client
from playwright.sync_api import expect

from apps.customers.models import Customer, CustomerOwnership
from apps.demo.reference import reference_data_load
from tests.accessibility import Audit, new_context
from tests.factories import CustomerFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_a_manager_transfers_two_ticked_customers_and_reads_their_ownership_history(
    browser, live_server, width
):
    reference_data_load()
    manager = UserFactory(role="sales_manager", full_name="赵主管")
    old = UserFactory(role="account_manager", full_name="王老")
    new = UserFactory(role="account_manager", full_name="李新")
    first = CustomerFactory(manager=old, name="杭州新远科技有限公司")
    second = CustomerFactory(manager=old, name="上海恒达贸易有限公司")
    third = CustomerFactory(manager=old, name="北京东方电子有限公司")
    client = Client()
    client.force_login(manager)
    context = new_context(browser, live_server.url, client=client, language="zh-hans", width=width)
    page = context.new_page()
    audit = Audit()

    page.goto("/customers/")
    page.get_by_test_id(f"select-{first.pk}").check()
    page.get_by_test_id(f"select-{second.pk}").check()
    audit.check(page, f"{width} customer list")
    page.get_by_test_id("bulk-transfer").click()

    chosen = page.get_by_test_id("transfer-customers")
    expect(chosen).to_contain_text("杭州新远科技有限公司")
    expect(chosen).to_contain_text("上海恒达贸易有限公司")
    expect(chosen).not_to_contain_text("北京东方电子有限公司")
    page.select_option("#id_to_user", str(new.pk))
    page.fill("#id_reason", "王老调岗")
    audit.check(page, f"{width} transfer form")
    page.get_by_test_id("confirm-transfer").click()

    expect(page.locator(".alert-success")).to_contain_text("客户已转移给 李新：2。")
    page.get_by_role("link", name="杭州新远科技有限公司").first.click()
    history = page.get_by_test_id("ownership-history")
    expect(history).to_contain_text("王老")
    expect(history).to_contain_text("李新")
    expect(history).to_contain_text("赵主管")
    expect(history).to_contain_text("王老调岗")
    audit.check(page, f"{width} customer page")
    context.close()

    assert audit.findings == []
    managers = dict(Customer.objects.values_list("pk", "manager"))
    assert (managers[first.pk], managers[second.pk], managers[third.pk]) == (
        new.pk,
        new.pk,
        old.pk,
    )
    assert CustomerOwnership.objects.count() == 2
