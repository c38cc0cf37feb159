"""
One service from creation to archive in Chromium: an account manager creates it, the sales
manager assigns it to a colleague, the colleague handles it, the creator's feedback of 2 sends
it back, a second handling and a feedback of 4 archive it, and the archive detail shows both
rounds. Assertions read data and data-testid attributes, so they hold in either language.
"""

import re
from dataclasses import dataclass

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from apps.basedata.models import DictItem
from apps.service.models import ServiceTicket
from tests.factories import CustomerFactory, DictItemFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


@pytest.fixture(params=["zh-hans", "en"])
def language(request):
    """The journey runs in both interface languages (the browser itself asks for Chinese)."""
    return request.param


@dataclass
class Journey:
    """The browser, the server and the interface language, with the steps people repeat."""

    page: Page
    url: str
    language: str

    def sign_in(self, user):
        self.page.context.clear_cookies()
        cookie = {"name": settings.LANGUAGE_COOKIE_NAME, "value": self.language, "url": self.url}
        self.page.context.add_cookies([cookie])
        self.page.goto(f"{self.url}/accounts/login/")
        self.page.fill("#id_username", user.username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("button[type=submit]")
        expect(self.page.get_by_test_id("current-user")).to_be_visible()
        expect(self.page.locator("html")).to_have_attribute("lang", self.language)

    def open_menu_page(self, code):
        link = self.page.locator(f"[data-testid=menu] [data-right={code}]")
        link.click()
        expect(link).to_have_attribute("aria-current", "page")  # the new page has replaced the old

    def handle(self, user, ticket, text):
        self.sign_in(user)
        expect(self.page.get_by_test_id("badge-L0303")).to_have_text("1")
        self.open_menu_page("L0303")
        self.page.get_by_test_id(f"ticket-{ticket.pk}").get_by_test_id("handle").click()
        self.page.fill("#id_handling", text)
        self.page.get_by_test_id("save").click()
        expect(self.page.get_by_test_id(f"ticket-{ticket.pk}")).to_have_count(0)

    def feedback(self, user, ticket, result, satisfaction):
        self.sign_in(user)
        self.open_menu_page("L0304")
        self.page.get_by_test_id(f"ticket-{ticket.pk}").get_by_test_id("feedback").click()
        self.page.fill("#id_result", result)
        self.page.locator(f"label[for=id_satisfaction_{satisfaction - 1}]").click()
        self.page.get_by_test_id("save").click()
        expect(self.page.get_by_test_id(f"ticket-{ticket.pk}")).to_have_count(0)


def test_a_service_goes_from_creation_through_a_second_round_to_the_archive(
    page, live_server, language
):
    journey = Journey(page, live_server.url, language)
    DictItemFactory(type=DictItem.SERVICE_TYPE, item="投诉", item_en="Complaint", value="投诉")
    creator = UserFactory(role="account_manager", username="am_li", password=PASSWORD)
    handler = UserFactory(role="account_manager", username="am_wang", password=PASSWORD)
    manager = UserFactory(role="sales_manager", username="sm_zhao", password=PASSWORD)
    CustomerFactory(manager=creator, name="海龙电子有限公司")
    CustomerFactory(manager=creator, name="幸福电器厂")

    # 1. The account manager creates the service, picking the customer through the search.
    journey.sign_in(creator)
    journey.open_menu_page("L0301")
    page.select_option("#id_type", "投诉")
    page.fill("#id_title", "笔记本电脑屏幕闪烁")
    page.fill("[data-testid=customer-search]", "海龙")
    option = page.locator("[data-testid=customer-option]")
    expect(option).to_have_count(1)
    option.check()
    page.fill("#id_request", "客户反映新买的笔记本屏幕闪烁，要求上门检修。")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("status")).to_have_attribute("data-status", "created")
    ticket = ServiceTicket.objects.get()
    assert (ticket.customer.name, ticket.created_by) == ("海龙电子有限公司", creator)

    # 2. The sales manager sees it waiting and assigns it to another account manager.
    journey.sign_in(manager)
    expect(page.get_by_test_id("badge-L0302")).to_have_text("1")
    journey.open_menu_page("L0302")
    row = page.get_by_test_id(f"ticket-{ticket.pk}")
    row.get_by_test_id("assignee").select_option(str(handler.pk))
    row.get_by_test_id("assign").click()
    expect(page.get_by_test_id(f"ticket-{ticket.pk}")).to_have_count(0)

    # 3–6. Two rounds: feedback 2 sends it back to the same handler, feedback 4 archives it.
    journey.handle(handler, ticket, "第一次：远程更新显卡驱动")
    journey.feedback(creator, ticket, "问题依旧", 2)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == (ServiceTicket.Status.ASSIGNED, handler)
    journey.handle(handler, ticket, "第二次：上门更换屏幕排线")
    journey.feedback(creator, ticket, "已修好，客户满意", 4)

    # 7. The archive (archived by default) lists it; its detail shows both rounds.
    journey.sign_in(manager)
    journey.open_menu_page("L0305")
    page.get_by_test_id(f"ticket-{ticket.pk}").get_by_test_id("view").click()
    expect(page).to_have_url(re.compile(rf"/service/{ticket.pk}/$"))
    expect(page.get_by_test_id("status")).to_have_attribute("data-status", "archived")
    rounds = page.get_by_test_id("round")
    expect(rounds).to_have_count(2)
    expect(rounds.nth(0).get_by_test_id("round-handling")).to_have_text("第一次：远程更新显卡驱动")
    expect(rounds.nth(0).get_by_test_id("round-satisfaction")).to_have_attribute(
        "data-satisfaction", "2"
    )
    expect(rounds.nth(1).get_by_test_id("round-handling")).to_have_text("第二次：上门更换屏幕排线")
    expect(rounds.nth(1).get_by_test_id("round-satisfaction")).to_have_attribute(
        "data-satisfaction", "4"
    )
    expect(page.get_by_test_id("history-entry")).to_have_count(6)
