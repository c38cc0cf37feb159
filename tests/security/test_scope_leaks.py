"""
No page, filter, search, export, background export, fragment, autocomplete or job download
ever shows a row outside the user's scope. Two account managers get customers (and their
linkmen, activities, orders, churn warnings, chances, plans and tickets) whose texts carry
distinctive markers; as manager A, every URL he may open is requested plain, as an htmx
fragment, with every filter field set to B's marker or B's ids, and exported to CSV and XLSX
(parsed), directly and through the background export job; B's marker must never appear.
"""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.urls import resolve, reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.marketing.models import SalesChance
from apps.rbac.policies import sales_chance_policy, service_ticket_policy
from tests.customers.churn_factories import ChurnFactory
from tests.customers.factories import (
    ActivityFactory,
    LinkmanFactory,
    OrderFactory,
    OrderLineFactory,
)
from tests.factories import CustomerFactory, UserFactory, share
from tests.marketing.factories import SalesChanceFactory, SalesPlanFactory
from tests.rbac.test_url_matrix import served_urls
from tests.security.object_makers import OBJECT_URLS
from tests.security.support import form_payload
from tests.service.factories import ServiceTicketFactory

pytestmark = pytest.mark.django_db

MARK = {"A": "甲方标记AMARK", "B": "乙方标记BMARK"}
FILTER_SKIP = {"csrfmiddlewaretoken", "page", "export", "language", "next"}
EXPORTS = ["csv", "xlsx"]
KIND_EXPORTS = ["linkmen", "activities"]  # the kinds an account manager may export


def seed(manager, mark, viewer=None):
    """
    A customer of `manager` and everything hanging off it, each text carrying `mark`. Rows the
    policies let `viewer` read anyway (every account manager reads the chance pool and the
    service archive, SPEC §4) carry a neutral text instead, on a customer of their own.
    """
    customer = CustomerFactory(manager=manager, name=f"{mark}客户有限公司")
    LinkmanFactory(customer=customer, name=f"{mark}联系人")
    ActivityFactory(customer=customer, title=f"{mark}拜访", place=f"{mark}地点")
    OrderLineFactory(order=OrderFactory(customer=customer, address=f"{mark}送货地址"))
    ChurnFactory(customer=customer)

    def text(policy, label, row=None):
        readable = viewer is not None and policy.can(viewer, "view", row)
        return f"公开{label}" if readable else f"{mark}{label}"

    chance = SalesChanceFactory(developing=True, assignee=manager)
    SalesChance.objects.filter(pk=chance.pk).update(
        customer_name=text(sales_chance_policy, "机会客户", chance),
        title=text(sales_chance_policy, "机会", chance),
    )
    SalesPlanFactory(chance=chance, todo=f"{mark}计划")
    pool = SalesChanceFactory(created_by=manager)
    SalesChance.objects.filter(pk=pool.pk).update(
        customer_name=text(sales_chance_policy, "新机会", pool),
        title=text(sales_chance_policy, "新机会", pool),
    )
    ticket = ServiceTicketFactory(customer=customer)
    if viewer is not None and service_ticket_policy.can(viewer, "view", ticket):
        ticket.customer = CustomerFactory(manager=manager, name="公开服务客户")
    ticket.title, ticket.request = text(service_ticket_policy, "服务", ticket), "请求"
    ticket.save()
    return {"customer": customer, "ticket": ticket, "chance": chance}


@pytest.fixture
def two_managers():
    a, b = UserFactory(role="account_manager"), UserFactory(role="account_manager")
    rows = {"A": seed(a, MARK["A"]), "B": seed(b, MARK["B"], viewer=a)}
    return a, b, rows


def text_of(response) -> str:
    """What the user receives: the page, or the parsed cells of a CSV or XLSX download."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    disposition = response.get("Content-Disposition", "")
    if body.startswith(b"PK"):
        book = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            str(cell)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )
    if ".csv" in disposition:
        text = body.decode("utf-8-sig")
        return "\n".join(",".join(row) for row in csv.reader(io.StringIO(text)))
    return body.decode("utf-8", errors="replace")


AM_OBJECT_URLS = sorted(
    n for n, spec in OBJECT_URLS.items() if spec.owner_role == "account_manager"
)
LIST_URLS = sorted(
    name
    for name, arguments in served_urls().items()
    if "pk" not in arguments
    and name not in {"logout", "set_language", "favicon"}
    and not name.startswith("admin:")
)


def url_of(name, a, rows) -> str:
    """The URL as A opens it: rows named in it are his own (his marked customer)."""
    arguments = served_urls()[name]
    if "pk" not in arguments:
        return reverse(name, kwargs=dict.fromkeys(arguments, "linkmen"))
    spec = OBJECT_URLS[name]
    row = rows["A"]["customer"] if name.startswith("customers:customer-") else spec.make(a)
    return reverse(name, kwargs={"pk": row.pk, **(spec.extra_kwargs or {})})


def variants(page, b, rows):
    """(label, query, htmx) of every request to try: B's marker and ids in every filter."""
    yield "page", {}, False
    yield "htmx fragment", {}, True
    if page.status_code != 200:
        return
    fields = filter_fields(page.content.decode())
    # "乙方标记" finds B's rows by substring; the answer is searched for "BMARK", which the
    # query itself does not contain (a search box echoes its query).
    b_values = ["乙方标记", str(b.pk), str(rows["B"]["customer"].pk)]
    for field in fields:
        for value in b_values:
            yield f"filter {field}={value}", {field: value}, value == b_values[0]
    for fmt in EXPORTS:
        yield f"export {fmt}", {"export": fmt}, False
        for field in fields:
            yield f"export {fmt} {field}={b.pk}", {"export": fmt, field: str(b.pk)}, False


def filter_fields(html: str) -> list[str]:
    """The names of the fields of the page's GET forms (filters and searches)."""
    names = set()
    for form in re.findall(r"<form\b(?![^>]*method=\"post\")[^>]*>(.*?)</form>", html, re.S):
        names |= set(re.findall(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', form))
    return sorted(names - FILTER_SKIP)


@pytest.mark.parametrize("name", LIST_URLS + AM_OBJECT_URLS)
def test_manager_a_never_sees_manager_b_rows_on_the_page_its_filters_fragments_and_exports(
    client, two_managers, name
):
    a, b, rows = two_managers
    client.force_login(a)
    url = url_of(name, a, rows)
    leaks = []
    for label, query, htmx in variants(client.get(url), b, rows):
        response = client.get(url, query, headers={"HX-Request": "true"} if htmx else {})
        if response.status_code == 200 and "BMARK" in text_of(response):
            leaks.append(f"{url} {label}")
    assert not leaks, "\n".join(leaks)


@pytest.mark.parametrize(
    "name",
    [
        "customers:customer-list",
        "customers:churn-list",
        "marketing:chance-list",
        "marketing:plan-list",
        "service:customer-search",
    ],
)
def test_the_scope_check_sees_the_managers_own_rows_there(client, two_managers, name):
    """The check above can fail: A's own marked rows do show on his lists and exports."""
    a, _b, rows = two_managers
    client.force_login(a)
    url = url_of(name, a, rows)
    assert MARK["A"] in text_of(client.get(url, {"q": ""}))


def test_the_service_customer_picker_offers_only_the_managers_own_customers(client, two_managers):
    a, _b, _rows = two_managers
    client.force_login(a)
    for query in ["", "标记", "乙方", "乙方标记", "客户"]:
        text = text_of(client.get(reverse("service:customer-search"), {"q": query}))
        assert "BMARK" not in text, query
    assert MARK["A"] in text_of(client.get(reverse("service:customer-search"), {"q": "标记"}))
    form = text_of(client.get(reverse("service:ticket-create")))
    assert "BMARK" not in form


def test_a_shared_customer_appears_with_what_hangs_from_it_but_nothing_else(client, two_managers):
    a, _b, rows = two_managers
    share(rows["B"]["customer"], a, "read")
    client.force_login(a)
    text = text_of(client.get(reverse("customers:customer-list"), {"export": "csv"}))
    assert rows["B"]["customer"].name in text
    customer = rows["B"]["customer"].pk
    for name in ["customers:linkman-list", "customers:activity-list", "customers:order-list"]:
        assert "BMARK" in text_of(client.get(reverse(name, args=[customer]))), name
    assert "BMARK" in text_of(client.get(reverse("customers:churn-list")))  # its churn record
    assert "BMARK" not in text_of(client.get(reverse("marketing:plan-list")))  # not shared


@pytest.mark.parametrize("fmt", EXPORTS)
def test_background_list_exports_hold_only_the_managers_rows(
    client, two_managers, settings, django_capture_on_commit_callbacks, fmt
):
    a, _b, _rows = two_managers
    settings.CRM_EXPORT_MAX_ROWS = 0  # every export becomes a background job
    client.force_login(a)
    exported = set()
    for name in [name for name in LIST_URLS if not served_urls()[name]]:
        url = reverse(name)
        offer = client.get(url, {"export": fmt, "q": ""})
        if "text/html" not in offer.get("Content-Type", "") or (
            'name="url_name"' not in offer.content.decode()
        ):
            continue  # no export there, or nothing to export (a direct, empty download)
        with django_capture_on_commit_callbacks(execute=True):
            started = client.post(reverse("imports:list-export"), form_payload_of(offer))
        assert started.status_code == 302, url
        job_page = client.get(started.url)
        assert job_page.status_code == 200
        download = client.get(reverse("jobs:job-download", args=[job_id(started.url)]))
        assert download.status_code == 200, url
        text = text_of(download)
        exported.add(name)
        assert "BMARK" not in text, url
    assert {"customers:customer-list", "customers:churn-list", "marketing:plan-list"} <= exported


def form_payload_of(response):
    """The offer page posts to imports:list-export, not to itself: read that form."""
    return form_payload(response.content.decode(), reverse("imports:list-export"))


def job_id(url: str):
    return resolve(url).kwargs["pk"]


@pytest.mark.parametrize("kind", KIND_EXPORTS)
def test_exports_in_the_import_format_hold_only_the_managers_rows(
    client, two_managers, django_capture_on_commit_callbacks, kind
):
    a, _b, _rows = two_managers
    client.force_login(a)
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(reverse("imports:kind-export", args=[kind]), {"format": "xlsx"})
    assert started.status_code == 302
    download = client.get(reverse("jobs:job-download", args=[job_id(started.url)]))
    assert download.status_code == 200
    text = text_of(download)
    assert "BMARK" not in text
    assert MARK["A"] in text


def test_notifications_and_jobs_of_another_user_never_show(client, two_managers):
    from apps.jobs.models import Job
    from apps.notifications.models import Notification

    a, b, _rows = two_managers
    Notification.objects.create(recipient=b, title="BMARK 通知")
    Job.objects.create(
        kind="imports.list_export",
        created_by=b,
        params={"note": "BMARK"},
        finished_at=timezone.now() - timedelta(minutes=1),
    )
    client.force_login(a)
    for name in ["notifications:notification-list", "jobs:job-list", "home"]:
        assert "BMARK" not in text_of(client.get(reverse(name))), name
