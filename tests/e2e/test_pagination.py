"""
Every paginated list, followed page by page in Chromium as a user who sees it: the next page
shows other rows, and links built on a page link stay clean (defect: `??page=2` kept every
list on page 1). The lists are found in the URL configuration, so a new one is covered too.
"""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.views.generic.list import MultipleObjectMixin
from playwright.sync_api import expect

from apps.customers.models import ChurnScanRun, Customer
from apps.demo.generator import DEMO_PASSWORD
from apps.jobs.models import Job
from apps.notifications.models import Notification
from apps.rbac.models import User
from apps.rbac.policies import customer_policy
from apps.rbac.services.audit import audit_event_create
from bench.pages import served
from tests.factories import CustomerFactory
from tests.imports.factories import batch_factory
from tests.marketing.factories import SalesChanceFactory
from tests.rbac.url_matrix import ADMIN, AM, EX, SM
from tests.service.factories import ticket_in
from tests.url_matrices import list_page_names, merged

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EXPECTED = merged("EXPECTED")
DEMO_LOGIN = {SM: "manager", AM: "am1", ADMIN: "admin", EX: "exec"}
NOT_PAGINATED = {"rbac:role-list"}  # a handful of roles, shown whole
ROWS = "main tbody tr, main .list-group-item"


def list_views() -> dict[str, tuple]:
    """{url name: (view class, URL arguments)} of every paginated list page the project
    serves (tests.url_matrices.list_page_names: the one enumeration of list pages)."""
    views = served({})
    found = {}
    for name in list_page_names():
        callback, arguments = views[name]
        if issubclass(callback.view_class, MultipleObjectMixin) and name not in NOT_PAGINATED:
            found[name] = (callback.view_class, arguments)
    return found


def viewer(name: str) -> User:
    """The demo user of the first role that opens the page."""
    role = next(r for r in (SM, AM, ADMIN, EX) if EXPECTED[name].get(r) == 200)
    return User.objects.get(username=DEMO_LOGIN[role])


def personal_rows(user: User) -> None:
    """Jobs, notifications, imports and scan runs belong to one user: give him three each (and
    three lines of audit, which the demo data, written in bulk, has none of)."""
    now = timezone.now()
    for n in range(3):
        audit_event_create(actor=user, target=user, action="rbac.user.update", data={"n": n})
        Job.objects.create(kind="imports.export", created_by=user, status=Job.Status.DONE)
        Notification.objects.create(recipient=user, title=f"通知 {n}", created_at=now)
        batch_factory()(created_by=user)
        # The scan's job is in his job list too: an hour apart, so that no two rows read alike.
        earlier = now - timedelta(hours=n + 1)
        scan = Job.objects.create(
            kind=ChurnScanRun.JOB_KIND,
            created_by=user,
            status=Job.Status.DONE,
            created_at=earlier,
            started_at=earlier,
        )
        ChurnScanRun.objects.create(job=scan)


def url_of(name: str, arguments: tuple, user: User) -> str:
    if not arguments:
        return reverse(name)
    with_orders = Customer.objects.annotate(orders_count=Count("orders")).filter(orders_count__gt=2)
    customer = customer_policy.scope(user, "view", with_orders).first()
    return reverse(name, kwargs={"pk": customer.pk})


@pytest.fixture
def demo(monkeypatch):
    call_command("seed_demo", customers=30, stdout=StringIO())
    for view, _ in list_views().values():
        monkeypatch.setattr(view, "paginate_by", 2)
    for username in DEMO_LOGIN.values():
        personal_rows(User.objects.get(username=username))
    am1 = User.objects.get(username="am1")
    for status in ["created", "assigned", "handled", "archived"] * 3:  # two pages a stage
        ticket_in(status, assignee=am1, created_by=am1, customer=CustomerFactory(manager=am1))
    # The demo's share of unassigned chances may be its minimum (two rows): one more, two pages.
    SalesChanceFactory()


def sign_in(page, live_server, user):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_test_id("current-user")).to_be_visible()


def rows_text(page) -> list[str]:
    return page.locator(ROWS).all_inner_texts()


def test_every_list_pages_forward_to_other_rows(page, live_server, demo):
    signed_in = None
    for name, (_, arguments) in list_views().items():
        user = viewer(name)
        if user != signed_in:
            sign_in(page, live_server, user)
            signed_in = user
        page.goto(f"{live_server.url}{url_of(name, arguments, user)}")
        first = rows_text(page)

        pages = page.get_by_role("navigation", name="分页")
        expect(pages.get_by_role("link", name="下一页"), f"{name}: no next page").to_be_visible()
        pages.get_by_role("link", name="下一页").click()
        expect(page, name).to_have_url(re.compile(r"[?&]page=2(&|$)"))
        expect(pages.locator("[aria-current=page]"), name).to_have_text("2")
        second = rows_text(page)
        pages.get_by_role("link", name="第一页").click()
        expect(page, name).to_have_url(re.compile(r"[?&]page=1(&|$)"))

        assert second, f"{name}: page 2 is empty"
        assert second != first, f"{name}: page 2 shows page 1's rows"
        assert "%3F" not in page.url, f"{name}: {page.url}"
