"""
The marketing journey in Chromium (SPEC §3.1): the sales manager creates and assigns a chance;
the account manager plans, executes and marks it successful; the customer exists with its
linkman. Assertions read data and data-testid attributes, so they hold in both languages.
"""

import datetime

import pytest
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from playwright.sync_api import expect

from apps.customers.models import Customer, Linkman
from apps.marketing.models import SalesChance
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"
CUSTOMER = "苏州恒昌精密机械有限公司"


def sign_in(page, live_server, user, language):
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_test_id("current-user")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", language)


def create_and_assign(page, live_server, account_manager) -> SalesChance:
    page.goto(f"{live_server.url}{reverse('marketing:chance-list')}")
    page.get_by_test_id("chance-create").click()
    page.fill("#id_customer_name", CUSTOMER)
    page.fill("#id_rate", "70")
    page.fill("#id_title", "采购 8 台数控机床")
    page.fill("#id_linkman", "陈静")
    page.fill("#id_tel", "0512-66668888")
    page.fill("#id_description", "客户扩建新厂房，下季度采购。")
    page.locator("[data-testid=chance-form] button[type=submit]").click()

    chance = SalesChance.objects.get(customer_name=CUSTOMER)
    row = page.get_by_test_id(f"chance-row-{chance.pk}")
    expect(row).to_contain_text(CUSTOMER)
    row.get_by_test_id("chance-assign").click()
    page.select_option("#id_assignee", str(account_manager.pk))
    page.locator("[data-testid=assign-form] button[type=submit]").click()
    expect(page.get_by_test_id(f"chance-row-{chance.pk}")).to_have_count(0)
    return chance


def plan_execute_and_win(page, live_server, chance) -> None:
    page.goto(f"{live_server.url}{reverse('marketing:plan-list')}")
    page.get_by_test_id(f"plan-row-{chance.pk}").get_by_test_id("plan-make").click()
    planned = timezone.localdate() + datetime.timedelta(days=2)
    page.fill("#id_date", planned.isoformat())
    page.fill("#id_todo", "上门演示样机")
    page.locator("[data-testid=plan-add-form] button[type=submit]").click()
    item = chance.plans.get()
    expect(page.get_by_test_id(f"plan-item-{item.pk}")).to_be_visible()

    page.get_by_test_id("go-execute").click()
    page.fill(f"#result-input-{item.pk}", "客户确认采购意向")
    page.get_by_test_id(f"plan-item-{item.pk}").get_by_test_id("save-result").click()
    expect(page.locator(f"#result-input-{item.pk}")).to_have_value("客户确认采购意向")

    page.on("dialog", lambda dialog: dialog.accept())  # the data-confirm question
    page.get_by_test_id("chance-win").click()
    expect(
        page.get_by_test_id(f"plan-row-{chance.pk}").get_by_test_id("chance-status")
    ).to_have_attribute("data-status", "3")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_chance_becomes_a_customer_with_its_linkman(page, live_server, language):
    sales_manager = UserFactory(role="sales_manager", username="e2e_sm", password=PASSWORD)
    account_manager = UserFactory(role="account_manager", username="e2e_am", password=PASSWORD)

    sign_in(page, live_server, sales_manager, language)
    chance = create_and_assign(page, live_server, account_manager)
    sign_in(page, live_server, account_manager, language)
    plan_execute_and_win(page, live_server, chance)

    customer = Customer.objects.get(name=CUSTOMER)
    assert customer.manager == account_manager
    linkman = Linkman.objects.get(customer=customer)
    assert (linkman.name, linkman.tel) == ("陈静", "0512-66668888")
    try:
        linkmen_url = reverse("customers:linkman-list", args=[customer.pk])
    except NoReverseMatch:  # the customer pages are not served yet: the database says enough
        return
    link = page.get_by_test_id("new-customer")
    expect(link).to_have_text(customer.number)
    link.click()
    expect(page.locator("main")).to_contain_text(CUSTOMER)
    page.goto(f"{live_server.url}{reverse('customers:customer-list')}")
    expect(page.locator("main")).to_contain_text(customer.number)
    page.goto(f"{live_server.url}{linkmen_url}")
    expect(page.locator("main")).to_contain_text("陈静")
