"""The list mechanism (crm.lists): every list page is enumerated from one place, extends the
one list layout without repeating its scaffold, and decides row permissions in one way."""

from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from apps.rbac.policies import customer_policy
from crm.lists import FACT, STATUS, TITLE, ListLayoutMixin, ListPageView
from tests.factories import CustomerFactory, UserFactory
from tests.rbac.test_url_matrix import served_urls
from tests.url_matrices import list_page_names

# What the layout (templates/layouts/list.html and its partials) writes once for every list.
SCAFFOLD = (
    "<table",
    "<thead",
    "partials/pagination.html",
    "partials/filter_form.html",
    "partials/export_links.html",
    "partialdef",
)


def view_of(name: str):
    return resolve(reverse(name, kwargs=dict.fromkeys(served_urls()[name], 1))).func.view_class


def template_of(name: str) -> str:
    return view_of(name).template_name


def source(template_name: str) -> str:
    return (Path(settings.BASE_DIR) / "templates" / template_name).read_text(encoding="utf-8")


def test_the_list_pages_are_enumerated_from_the_views():
    pages = list_page_names()
    assert {"customers:customer-list", "service:ticket-assign-list", "jobs:job-list"} <= set(pages)
    assert "customers:linkman-list" in pages  # the list layout on a page that is no ListView


def test_no_two_list_pages_repeat_the_list_scaffold():
    repeated = {}
    for name in list_page_names():
        text = source(template_of(name))
        if "layouts/list.html" not in text.splitlines()[0]:
            assert "<table" not in text, f"{name} draws its own table: extend layouts/list.html"
            continue
        repeated[name] = [piece for piece in SCAFFOLD if piece in text]
    assert not any(repeated.values()), repeated
    service = {template_of(n) for n in list_page_names() if n.startswith("service:ticket-")}
    assert service == {"service/ticket_list.html"}


def test_each_phone_card_has_a_title_line_and_two_or_three_key_facts():
    for name in list_page_names():
        view = view_of(name)
        if not issubclass(view, ListLayoutMixin):
            continue
        columns = view.listing.columns if issubclass(view, ListPageView) else view.columns
        phones = [column.phone for column in columns]
        assert phones.count(TITLE) == 1, name
        assert 2 <= phones.count(FACT) <= 3, name
        assert phones.count(STATUS) <= 1, name


@pytest.mark.django_db
def test_row_permissions_cost_no_query_where_the_role_decides_and_one_where_rows_do():
    manager, am = UserFactory(role="sales_manager"), UserFactory(role="account_manager")
    mine, theirs = CustomerFactory(manager=am), CustomerFactory()
    pks = [mine.pk, theirs.pk]
    for user in (manager, am):  # the role's rights and content types, read once anyway
        customer_policy.allowed_ids(user, "change", pks)
    with CaptureQueriesContext(connection) as queries:
        assert customer_policy.allowed_ids(manager, "view", pks) == set(pks)  # sees them all
    assert len(queries) == 0
    with CaptureQueriesContext(connection) as queries:
        assert customer_policy.allowed_ids(am, "change", pks) == {mine.pk}
    assert len(queries) == 1


@pytest.mark.django_db
def test_a_list_page_marks_each_row_with_what_the_user_may_do(client):
    am = UserFactory(role="account_manager")
    mine = CustomerFactory(manager=am)
    client.force_login(am)
    response = client.get(reverse("customers:customer-list"))
    (row,) = response.context["object_list"]
    assert row.pk == mine.pk
    assert row.allowed == {"change": True, "delete": True}
    assert reverse("customers:customer-update", args=[mine.pk]) in response.content.decode()


@pytest.mark.django_db
def test_an_htmx_request_gets_the_results_alone(client):
    client.force_login(UserFactory(role="sales_manager"))
    CustomerFactory(name="甲")
    html = client.get(reverse("customers:customer-list"), headers={"HX-Request": "true"}).content
    text = html.decode()
    assert text.lstrip().startswith('<div id="results">')
    assert "甲" in text
    assert "<html" not in text
    assert 'id="list-filters"' not in text


@pytest.mark.django_db
def test_the_row_permissions_of_every_action_of_a_page_are_one_query():
    from crm.lists import allow_rows

    am = UserFactory(role="account_manager")
    mine, theirs = CustomerFactory(manager=am), CustomerFactory()
    rows = [mine, theirs]
    am.get_all_permissions()  # the role's rights: read with the user on a request
    customer_policy.allowed_ids(am, "change", [mine.pk])  # content types, read once anyway
    with CaptureQueriesContext(connection) as queries:
        allow_rows(customer_policy, am, ("change", "delete"), rows)
    assert len(queries) == 1
    assert mine.allowed == {"change": True, "delete": True}
    assert theirs.allowed == {"change": False, "delete": False}


@pytest.mark.django_db
def test_a_list_offers_10_20_50_or_100_rows_a_page_and_ignores_other_sizes(client):
    client.force_login(UserFactory(role="sales_manager"))
    CustomerFactory.create_batch(25)
    url = reverse("customers:customer-list")

    def shown(query=""):
        return len(client.get(f"{url}{query}").context["object_list"])

    assert shown() == settings.CRM_PAGE_SIZE == 10
    assert shown("?per_page=20") == 20
    assert shown("?per_page=50") == 25
    assert shown("?per_page=7") == 10  # not offered: the default
    assert shown("?per_page=100000") == 10
    page = client.get(f"{url}?per_page=20&page=2").content.decode()
    assert 'data-testid="page-sizes"' in page
    assert "per_page=50" in page
