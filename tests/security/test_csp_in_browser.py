"""
The pages work under their Content-Security-Policy: Chromium opens every page each role may
open (and a list filtered through htmx) and reports no CSP violation and no script error.
"""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.e2e import conftest as e2e
from tests.factories import CustomerFactory, UserFactory
from tests.rbac.test_url_matrix import EXPECTED, served_urls

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The browser fixtures of the e2e tests: Debian's Chromium, outside requests refused.
browser_type_launch_args = e2e.browser_type_launch_args
browser_context_args = e2e.browser_context_args
page = e2e.page

ROLES = ["admin", "sales_manager", "account_manager", "executive"]
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def pages_for(role) -> list[str]:
    """Every page naming no row that the role opens with a 200 (tests/*/url_matrix.py)."""
    return [
        reverse(name)
        for name, arguments in sorted(served_urls().items())
        if not arguments
        and EXPECTED[name].get(role) == 200
        and not name.startswith("admin:")
        and name != "favicon"  # an icon, not a page
    ]


def sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_the_role_runs_without_a_csp_violation(page, live_server, role):
    user = UserFactory(role=role)
    if role == "account_manager":
        CustomerFactory(manager=user, name="上海测试客户有限公司")
    sign_in(page, live_server, user)
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.add_init_script(WATCH)
    visited = 0
    for path in pages_for(role):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert "default-src 'self'" in response.headers.get("content-security-policy", "")
        page.wait_for_load_state("networkidle")
        problems += [f"{path}: {v}" for v in page.evaluate("window.__csp")]
        visited += 1
    assert visited >= 3
    assert not problems, "\n".join(problems)


def test_an_htmx_filter_swaps_the_list_without_a_csp_violation(page, live_server):
    user = UserFactory(role="account_manager")
    CustomerFactory(manager=user, name="上海测试客户有限公司")
    CustomerFactory(manager=user, name="北京另一客户有限公司")
    sign_in(page, live_server, user)
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.add_init_script(WATCH)
    page.goto(f"{live_server.url}{reverse('customers:customer-list')}")

    with page.expect_response(lambda r: "name=" in r.url and r.request.headers.get("hx-request")):
        page.fill("input[name=name]", "上海")
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")

    assert "北京另一客户" not in page.content()
    assert "上海测试客户" in page.content()
    assert not problems + page.evaluate("window.__csp")
