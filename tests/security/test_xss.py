"""
Stored XSS and formula injection: a payload is written into every free-text column of every
business table (as an import or a bad actor would store it, past the forms), then every page,
htmx fragment, CSV/XLSX export, report and chart each role can open is read. HTML must carry
the payload escaped, never raw; a spreadsheet cell must never start like a formula, and no
XLSX cell may be a formula; chart SVGs must carry the text escaped.
"""

import csv
import io
import re

import pytest
from django.apps import apps
from django.db import models
from django.db.models import Q
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import DictItemFactory, ProductFactory, UserFactory
from tests.rbac.test_url_matrix import served_urls
from tests.security.test_scope_leaks import seed

pytestmark = pytest.mark.django_db

PAYLOAD = "=<i>X</i>\"'"  # a formula start, a tag, both quotes: 12 characters
RAW = "<i>X</i>"
ESCAPED = "&lt;i&gt;X&lt;/i&gt;"
BUSINESS_APPS = {"basedata", "customers", "marketing", "service", "notifications", "rbac"}
ROLES = ["admin", "sales_manager", "account_manager", "executive"]
REPORTS = ["dashboard", "contribution", "composition", "service", "churn"]
SKIP_URLS = {"logout", "set_language", "login"}
# Keys the code looks things up by, not text a user writes (and the rights themselves).
KEYS = {
    "password",
    "language",
    "type",
    "kind",
    "file",
    "unit",
    "code",
    "permission",
    "url_name",
    "icon",
    "value",
    "username",
    "status",
    "report",
    "key",
}
NOT_USER_TEXT = {"Right", "RoleRight"}


def _checked(condition) -> set[str]:
    """The fields a check constraint's condition reads (a format the payload cannot have)."""
    names = set()
    for child in condition.children:
        names |= _checked(child) if isinstance(child, Q) else {child[0].split("__")[0]}
    return names


def constrained(model) -> set[str]:
    """Fields of the model's unique constraints and of its check constraints."""
    names = {f for group in model._meta.unique_together for f in group}
    for constraint in model._meta.constraints:
        names |= set(getattr(constraint, "fields", ()) or ())
        if isinstance(constraint, models.CheckConstraint):
            names |= _checked(constraint.condition)
    return names


def text_columns(model):
    """Free-text columns a user could fill (no choices, not unique, room for the payload)."""
    return [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not field.choices
        and not field.unique
        and (field.max_length or 10**6) >= len(PAYLOAD)
        and field.name not in KEYS | constrained(model)
    ]


def poison_every_text_column() -> dict[str, list[str]]:
    poisoned = {}
    for model in apps.get_models():
        if (
            model._meta.app_label in BUSINESS_APPS
            and model._meta.managed
            and model.__name__ not in NOT_USER_TEXT
        ):
            columns = text_columns(model)
            if columns and model._default_manager.exists():
                model._default_manager.update(**dict.fromkeys(columns, PAYLOAD))
                poisoned[model.__name__] = columns
    return poisoned


@pytest.fixture
def poisoned(account_manager):
    from apps.notifications.models import Notification

    seed(account_manager, "客户")
    seed(UserFactory(role="account_manager"), "同事")
    ProductFactory()
    DictItemFactory()
    Notification.objects.create(recipient=account_manager, title="t", body="b")
    return poison_every_text_column()


def cells(response) -> list[str]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body.startswith(b"PK"):
        book = load_workbook(io.BytesIO(body))
        formulas = [
            c.coordinate
            for s in book.worksheets
            for r in s.iter_rows()
            for c in r
            if c.data_type == "f"
        ]
        assert not formulas, f"XLSX formulas at {formulas}"
        return [
            str(c.value)
            for s in book.worksheets
            for r in s.iter_rows()
            for c in r
            if c.value is not None
        ]
    return [c for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for c in row]


def problems_in(url, response) -> list[str]:
    kind = response.get("Content-Type", "")
    disposition = response.get("Content-Disposition", "")
    if "attachment" in disposition and (".csv" in disposition or ".xlsx" in disposition):
        return [
            f"{url}: formula cell {cell!r}"
            for cell in cells(response)
            if cell.startswith(("=", "+", "@", "\t", "\r"))
        ]
    if "html" in kind or "svg" in kind:
        body = response.content.decode()
        return [f"{url}: raw payload in {kind}"] if RAW in body else []
    return []


def urls_for() -> list[str]:
    """Every URL naming no row."""
    urls = []
    for name, arguments in sorted(served_urls().items()):
        if name in SKIP_URLS or name.startswith("admin:"):
            continue
        if "pk" not in arguments:
            urls.append(reverse(name, kwargs=dict.fromkeys(arguments, "linkmen")))
    return urls


@pytest.mark.parametrize("role", ROLES)
def test_every_page_fragment_and_export_shows_stored_markup_escaped(
    client, poisoned, account_manager, role, django_capture_on_commit_callbacks
):
    user = account_manager if role == "account_manager" else UserFactory(role=role)
    client.force_login(user)
    found, escaped_seen = [], 0
    urls = urls_for()
    if role == "account_manager":
        from apps.customers.models import Customer

        for customer in Customer.objects.filter(manager=user):
            for name in [
                "customer-detail",
                "linkman-list",
                "activity-list",
                "order-list",
                "customer-update",
                "linkman-create",
            ]:
                urls.append(reverse(f"customers:{name}", args=[customer.pk]))
    for url in urls:
        for query, headers in [
            ({}, {}),
            ({}, {"HX-Request": "true"}),
            ({"export": "csv"}, {}),
            ({"export": "xlsx"}, {}),
        ]:
            with django_capture_on_commit_callbacks(execute=True):
                response = client.get(url, query, headers=headers)
            if response.status_code != 200:
                continue
            found += problems_in(url, response)
            if not response.streaming:
                escaped_seen += ESCAPED in response.content.decode(errors="replace")
    assert not found, "\n".join(found)
    if role != "executive":  # his pages are the reports: see the next test
        assert escaped_seen > 3, "the payload was rendered on too few pages to prove anything"


@pytest.mark.parametrize("report", REPORTS)
def test_reports_their_charts_and_exports_show_stored_markup_escaped(
    client, poisoned, executive, report, django_capture_on_commit_callbacks
):
    client.force_login(executive)
    url = reverse(f"reports:{report}")
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url)  # starts the computation (run at once in tests)
    page = client.get(url)
    assert page.status_code == 200
    found = problems_in(url, page)
    charts = re.findall(r'<img[^>]*src="([^"]+)"', page.content.decode())
    charts = [c.replace("&amp;", "&") for c in charts]
    for chart in charts:
        svg = client.get(chart)
        assert svg.status_code == 200, chart
        found += problems_in(chart, svg)
    for fmt in ["csv", "xlsx"]:
        found += problems_in(url, client.get(url, {"export": fmt}))
    assert not found, "\n".join(found)
    assert charts, "the report showed no chart"
    shown = page.content.decode() + "".join(client.get(c).content.decode() for c in charts)
    # contribution ranks customers by name (the proof); the others group by dictionary labels,
    # managers or confirmed churns only
    assert ESCAPED in shown or report != "contribution", "no name"


def test_the_payload_reached_every_business_table_with_free_text(poisoned):
    for model in ["Customer", "Linkman", "Activity", "SalesChance", "SalesPlan", "ServiceTicket"]:
        assert model in poisoned
