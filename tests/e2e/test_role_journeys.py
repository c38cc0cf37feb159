"""Per role: log in, see exactly that role's menu, switch language, log out (Chromium)."""

import pytest
from playwright.sync_api import expect

from apps.rbac.menu import menu_for_user
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"

# Pages each role must see (and the pages it must not) in its menu, by right code.
MUST_SEE = {
    "admin": {"L0601", "L0602", "L0603", "L0604", "L0501"},
    "sales_manager": set(),
    "account_manager": set(),
    "executive": set(),
}
MUST_NOT_SEE = {
    "admin": {"L0101", "L0201", "L0401"},
    "sales_manager": {"L0601", "L0602", "L0603", "L0501"},
    "account_manager": {"L0601", "L0602", "L0603", "L0501", "L0302", "L0401"},
    "executive": {"L0601", "L0602", "L0603", "L0501", "L0101", "L0201"},
}


@pytest.mark.parametrize("role", ["admin", "sales_manager", "account_manager", "executive"])
def test_role_logs_in_sees_its_menu_switches_language_and_logs_out(page, live_server, role):
    user = UserFactory(role=role, username=f"e2e_{role}", password=PASSWORD)
    expected_codes = {p.code for folder in menu_for_user(user) for p in folder.children}

    page.goto(f"{live_server.url}/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")

    expect(page.get_by_test_id("current-user")).to_contain_text("当前用户")
    shown = set(
        page.locator("[data-testid=menu] [data-right]").evaluate_all(
            "links => links.map(a => a.dataset.right)"
        )
    )
    assert shown == expected_codes
    assert MUST_SEE[role] <= shown
    assert not MUST_NOT_SEE[role] & shown

    page.wait_for_load_state()  # app.js, which submits the language form, has run
    page.select_option("#language-select", "en")
    expect(page.get_by_test_id("current-user")).to_contain_text("Current user")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.wait_for_load_state()  # Bootstrap's dropdown script has run

    page.get_by_role("button", name="Account").click()
    page.get_by_test_id("logout").click()
    expect(page.locator("#id_username")).to_be_visible()
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
