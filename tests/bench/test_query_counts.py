"""
The cost of a page in SQL queries (issue 17), pinned for every page the benchmark opens:
bench/pages.py's plan, i.e. every URL of the URL matrices as each role that opens it (lists
also filtered, deep and exported), with an object of the user's own in the benchmark's data
set (bench.generate, at a tiny scale). So a page added to the URL matrices is pinned too.

Each page makes at most MAX_QUERIES queries, frame and data together (session, user, menu
badges and bell, then the page's own), or the count PINNED for it; and a list makes as many
queries for 100 rows as for 10 (the page-size choice). Measured on the second request of a
signed-in user, as every page but his first one is (the frame's memos are filled by then).
"""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.generate import ensure_data, normalise, sizes_for
from bench.pages import plan

MAX_QUERIES = 8
# Pages over MAX_QUERIES, pinned at today's count so that they cannot grow; each says why.
PINNED = {
    # The customer's page: the customer, lifetime total, churn record, history, services,
    # tags, shares, ownership history, linkmen, activities and orders (and for the sales
    # manager whether a shared customer may be changed/deleted).
    ("customers:customer-detail", "sales_manager"): 14,
    ("customers:customer-detail", "account_manager"): 14,
    # The report's data version is read twice (the page's sources, then the chart's), and
    # while it is computed the job's state and the stale snapshot (apps/reports).
    ("reports:contribution", "sales_manager"): 9,
    ("reports:contribution", "executive"): 9,
    ("reports:contribution", "department_head"): 9,
}
TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN", "COMMIT")
SIZES = normalise(sizes_for(0.0005))  # 500 customers, 100 chances, 250 services, …


@pytest.fixture(scope="module")
def bench_data(django_db_setup, django_db_blocker):
    """The tiny benchmark data set, committed once for this module, emptied afterwards."""
    with django_db_blocker.unblock():
        ensure_data(connection.settings_dict["NAME"], SIZES, force=True)
        yield SIZES
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_meta")
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def pages(bench_data, db):
    """(pages of bench_plan, {role: signed-in client})."""
    from bench.__main__ import bench_users

    users = bench_users(per_role=1)
    measured, _skipped = plan(users)
    clients = {}
    for role, role_users in users.items():
        if role_users:
            clients[role] = Client()
            clients[role].force_login(role_users[0])
    return measured, clients


def queries_of(client: Client, url: str) -> tuple[int, list[str], int]:
    """(status, the SQL of one request to `url`, without transaction control), warmed once."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    sql = [
        query["sql"]
        for query in captured.captured_queries
        if not query["sql"].lstrip().upper().startswith(TRANSACTION_CONTROL)
    ]
    return response.status_code, sql


def url_of(page, client) -> str | None:
    """The URL to measure: a deep page's first candidate that exists."""
    if page.kind != "deep":
        return page.url
    for number in page.notes["candidates"]:
        url = f"{page.url}?page={number}"
        if client.get(url).status_code == 200:
            return url
    return None


def test_every_page_makes_at_most_its_pinned_number_of_queries(pages):
    measured, clients = pages
    assert len(measured) > 100  # every page of the matrices, as each role
    over, counted = [], 0
    for page in measured:
        client = clients[page.role]
        url = url_of(page, client)
        if url is None:
            continue
        status, sql = queries_of(client, url)
        assert status in (200, 302), f"{page.label} as {page.role}: HTTP {status}"
        limit = PINNED.get((page.name, page.role), MAX_QUERIES)
        counted += 1
        if len(sql) > limit:
            listing = "\n    ".join(statement[:160] for statement in sql)
            over.append(f"{page.label} as {page.role}: {len(sql)} > {limit}\n    {listing}")
    assert counted > 100
    assert not over, "\n".join(over)


def test_a_list_makes_as_many_queries_for_100_rows_as_for_10(pages):
    measured, clients = pages
    lists = [page for page in measured if page.kind in ("list", "filtered")]
    assert lists
    differ = []
    for page in lists:
        client = clients[page.role]
        joiner = "&" if "?" in page.url else "?"
        _status, ten = queries_of(client, f"{page.url}{joiner}per_page=10")
        status, hundred = queries_of(client, f"{page.url}{joiner}per_page=100")
        if status == 200 and len(hundred) != len(ten):
            differ.append(f"{page.label} as {page.role}: {len(ten)} for 10, {len(hundred)} for 100")
    assert not differ, "\n".join(differ)
