"""An account manager keeps his customer's record: edit, add a linkman, read the orders."""

import pytest
from playwright.sync_api import expect

from apps.customers.models import Customer, Linkman
from apps.demo.reference import reference_data_load
from tests.customers.factories import OrderFactory, OrderLineFactory
from tests.factories import CustomerFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


def test_account_manager_edits_his_customer_adds_a_linkman_and_reads_orders(page, live_server):
    reference_data_load()
    manager = UserFactory(role="account_manager", username="am_e2e", password=PASSWORD)
    customer = CustomerFactory(
        manager=manager,
        name="杭州新远科技有限公司",
        region="华东",
        address="杭州市",
        zip="310000",
        tel="0571-1",
        fax="0571-2",
        website="xy.cn",
        chieftain="周总",
        bank="工行",
        bank_account="6222",
    )
    OrderLineFactory(order=OrderFactory(customer=customer), count=2, price=10800)

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", manager.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.click("[data-right=L0201]")
    page.get_by_role("link", name="杭州新远科技有限公司").click()
    expect(page.get_by_test_id("lifetime-total")).to_contain_text("21,600.00")

    page.click(f"a[href='/customers/{customer.pk}/edit/']")
    page.fill("#id_tel", "0571-88889999")
    page.click("main form[method=post] button[type=submit]")
    expect(page.locator(".alert-success")).to_be_visible()

    page.click(f"a[href='/customers/{customer.pk}/linkmen/']")
    page.click(f"a[href='/customers/{customer.pk}/linkmen/new/']")
    page.fill("#id_name", "周敏")
    page.check("input[name=sex][value=女]")
    page.fill("#id_position", "采购经理")
    page.fill("#id_tel", "0571-66668888")
    page.click("main form[method=post] button[type=submit]")
    expect(page.get_by_role("cell", name="周敏")).to_be_visible()

    assert Customer.objects.get(pk=customer.pk).tel == "0571-88889999"
    assert Linkman.objects.get(customer=customer).position == "采购经理"
