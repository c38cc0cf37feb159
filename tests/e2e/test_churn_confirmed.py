"""
Journey "churn confirmed": after the scan the account manager opens the digest notification,
postpones the warning with a measure, then confirms it with a reason; the customer is lost.
"""

import pytest
from playwright.sync_api import expect

from apps.customers.models import Churn, Customer
from apps.customers.services import churn_scan
from tests.customers.churn_factories import months_ago, old_customer, order
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


def test_account_manager_sees_the_warning_postpones_and_confirms_it(page, live_server):
    manager = UserFactory(role="account_manager", username="e2e_churn_am", password=PASSWORD)
    customer = old_customer(manager=manager, name="远方贸易有限公司")
    order(customer, months_ago(8))
    churn_scan()
    churn = Churn.objects.get(customer=customer)

    page.goto(f"{live_server.url}/notifications/")
    page.fill("#id_username", manager.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    digest = page.get_by_test_id("notification")
    expect(digest).to_have_attribute("data-read", "0")
    digest.get_by_role("button").first.click()  # "Open": marks it read, follows its link

    expect(page).to_have_url(f"{live_server.url}/customers/churn/?status=1")
    row = page.locator(f'[data-testid=churn-row][data-churn="{churn.pk}"]')
    expect(row.get_by_test_id("churn-status")).to_have_attribute("data-status", "1")
    expect(row).to_contain_text("远方贸易有限公司")
    row.get_by_test_id("churn-postpone").click()
    page.fill("#id_measure", "总经理亲自拜访，提供九折优惠")
    page.get_by_test_id("churn-submit").click()

    expect(row.get_by_test_id("churn-status")).to_have_attribute("data-status", "2")
    row.get_by_test_id("churn-confirm").click()
    expect(page.get_by_test_id("churn-measure")).to_contain_text("总经理亲自拜访")
    page.fill("#id_reason", "客户已转向竞争对手")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("churn-submit").click()

    expect(row.get_by_test_id("churn-status")).to_have_attribute("data-status", "3")
    churn.refresh_from_db()
    customer.refresh_from_db()
    assert (churn.status, churn.reason) == (Churn.Status.CONFIRMED, "客户已转向竞争对手")
    assert churn.measures.get().author == manager
    assert customer.status == Customer.Status.LOST
