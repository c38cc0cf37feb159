"""协作 in the browser: an account manager shares his customer; the colleague then finds it."""

import pytest
from playwright.sync_api import expect

from apps.rbac.models import RecordShare
from tests.factories import CustomerFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


def sign_in(page, url, user):
    page.context.clear_cookies()
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def test_the_owner_shares_his_customer_and_the_colleague_sees_it(page, live_server):
    owner = UserFactory(role="account_manager", username="owner_e2e", password=PASSWORD)
    colleague = UserFactory(
        role="account_manager", username="mate_e2e", password=PASSWORD, full_name="钱同事"
    )
    customer = CustomerFactory(manager=owner, name="宁波协作科技有限公司")

    sign_in(page, live_server.url, owner)
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    form = page.get_by_test_id("share-form")
    form.locator("select[name=user]").select_option(str(colleague.pk))
    form.locator("select[name=access]").select_option("write")
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id(f"share-{colleague.pk}")).to_contain_text("钱同事")
    assert RecordShare.objects.get().access == "write"

    sign_in(page, live_server.url, colleague)
    page.click("[data-right=L0201]")
    page.get_by_role("link", name="宁波协作科技有限公司").click()
    expect(page.get_by_test_id(f"share-{colleague.pk}")).to_be_visible()
    expect(page.get_by_test_id("share-form")).to_have_count(0)  # he may not share it on
