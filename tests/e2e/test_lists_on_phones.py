"""
Every list page on a phone (390 px wide, Chromium), as each role that opens it, over the demo
data (every workflow state present): the page is no wider than the screen, and every control
of a row that shows (its title link, its actions, the assign form) lies inside the screen, the
first of its actions visible. The pages are every list the project serves
(tests.url_matrices.list_page_names), the roles those the URL matrices let open them, so a
later module's list is covered without touching this test.
"""

import pytest
from django.urls import reverse

from apps.customers.models import ChurnScanRun, Customer
from apps.demo.generator import MIN_CUSTOMERS, demo_seed
from apps.jobs.models import Job
from apps.notifications.models import Notification
from apps.rbac.models import User
from apps.service.models import ServiceTicket
from tests.factories import CustomerFactory
from tests.imports.factories import batch_factory
from tests.rbac.test_url_matrix import EXPECTED, sample_kwargs, served_urls
from tests.security.test_csp_in_browser import sign_in
from tests.service.factories import ticket_in
from tests.url_matrices import list_page_names

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

S = ServiceTicket.Status
PHONE = {"width": 390, "height": 844}
DEMO_USERS = {
    "admin": "admin",
    "sales_manager": "manager",
    "account_manager": "am1",
    "executive": "exec",
}

MEASURE = """() => {
  const inside = (el) => {
    const box = el.getBoundingClientRect();
    return box.left >= -0.5 && box.right <= window.innerWidth + 0.5;
  };
  const shown = (el) =>
    el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  const rows = [...document.querySelectorAll("[data-list-row]")];
  return {
    scrollWidth: document.documentElement.scrollWidth,
    rows: rows.length,
    outside: rows.flatMap((row) =>
      [...row.querySelectorAll("a, button, select, input:not([type=hidden])")]
        .filter((el) => shown(el) && !inside(el))
        .map((el) => el.outerHTML.slice(0, 120))),
    hiddenFirstActions: rows
      .map((row) => row.querySelector(".list-actions a, .list-actions button, form button"))
      .filter((el) => el && !(shown(el) && inside(el)))
      .map((el) => el.outerHTML.slice(0, 120)),
  };
}"""


def url_for(name: str, user) -> str:
    """The page as `user` opens it: a customer's lists show one of the demo customers he sees
    with linkmen, activities and orders; other arguments come from the matrices' samples."""
    arguments = served_urls()[name]
    if name.startswith("customers:") and arguments == ("pk",):
        customers = Customer.objects.filter(
            linkmen__isnull=False, activities__isnull=False, orders__isnull=False
        )
        if user.role.code == "account_manager":
            customers = customers.filter(manager=user)
        return reverse(name, kwargs={"pk": customers.order_by("pk").first().pk})
    return reverse(name, kwargs=sample_kwargs(name, arguments))


@pytest.fixture
def demo():
    """The demo data, and what it leaves out: a service for am1 to handle, an import, a churn
    scan run (and with them audit events), a job and a notification for every demo user."""
    demo_seed(customers=MIN_CUSTOMERS, seed=2026)
    manager, am1 = User.objects.get(username="manager"), User.objects.get(username="am1")
    ticket_in(S.ASSIGNED, assignee=am1, manager=manager, customer=CustomerFactory(manager=am1))
    batch_factory()(created_by=manager, original_name="一个很长的文件名" * 5 + ".xlsx")
    admin = User.objects.get(username="admin")
    scan = Job.objects.create(kind=ChurnScanRun.JOB_KIND, created_by=admin, status=Job.Status.DONE)
    ChurnScanRun.objects.create(job=scan)
    for user in User.objects.filter(username__in=DEMO_USERS.values()):
        Job.objects.create(kind="reports.compute", created_by=user)
        Notification.objects.create(
            recipient=user, title="一条很长的通知标题" * 4, body="内容", link="/"
        )


def test_every_list_page_fits_a_phone_and_shows_each_rows_actions(page, live_server, demo):
    page.set_viewport_size(PHONE)
    problems, rows_seen = [], {}
    for name in list_page_names():
        for role, username in DEMO_USERS.items():
            if EXPECTED[name].get(role) != 200:
                continue
            user = User.objects.get(username=username)
            page.context.clear_cookies()
            sign_in(page, live_server, user)
            page.goto(f"{live_server.url}{url_for(name, user)}")
            found = page.evaluate(MEASURE)
            rows_seen[name] = rows_seen.get(name, 0) + found["rows"]
            where = f"{name} as {role}"
            if found["scrollWidth"] > PHONE["width"]:
                problems.append(f"{where}: {found['scrollWidth']} px wide")
            problems += [f"{where}: off-screen {html}" for html in found["outside"]]
            problems += [f"{where}: first action hidden {h}" for h in found["hiddenFirstActions"]]
    assert not problems, "\n".join(problems)
    empty = sorted(name for name, count in rows_seen.items() if not count)
    assert not empty, f"no rows to look at on {empty}: the demo data should fill them"


def test_the_filters_fold_behind_one_button_on_a_phone(page, live_server, demo):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, User.objects.get(username="manager"))
    page.goto(f"{live_server.url}{reverse('customers:customer-list')}")
    form = page.locator("#list-filters")
    assert not form.is_visible()
    page.wait_for_load_state()  # Bootstrap's collapse script has run
    page.get_by_test_id("filters-toggle").click()
    form.locator("input[name=name]").wait_for(state="visible")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.reload()
    assert page.locator("#list-filters").is_visible()
    assert not page.get_by_test_id("filters-toggle").is_visible()
