"""
SQL injection strings in every filter, search, sort and page parameter of every list, report
and export are harmless: never a server error, nothing written to the database, and never
more rows than the same field given a harmless literal that matches nothing.
(tests/security/test_fuzz.py feeds random values; this test feeds every field every string.)
"""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.rbac.test_url_matrix import EXPECTED, served_urls
from tests.security.support import changed_tables, table_digests
from tests.security.test_scope_leaks import filter_fields, seed

pytestmark = pytest.mark.django_db

INJECTIONS = [
    "' OR '1'='1",
    "%' OR 1=1 --",
    "'; DELETE FROM cst_customer; --",
    "1) UNION SELECT username, password FROM sys_user --",
]
EXPORT_INJECTIONS = INJECTIONS[:1]  # exports read the same filter: one string proves the path
HARMLESS = "无此值zz"
ALWAYS = ["sort", "page", "q"]  # read by the views themselves, not by the filter forms
# GETs that may write by design: a report page starts its computation as a job.
WRITES_BY_DESIGN = {"rpt_snapshot", "rpt_row", "sys_job", "rpt_data_change"}
ROLE_ORDER = ["account_manager", "sales_manager", "executive", "admin"]


def readers():
    """(url name, role who opens it) for every page naming no row and holding a GET form."""
    for name, arguments in sorted(served_urls().items()):
        if arguments or name.startswith("admin:") or name in {"logout", "login", "favicon"}:
            continue
        role = next((r for r in ROLE_ORDER if EXPECTED[name].get(r) == 200), None)
        if role:
            yield name, role


@pytest.mark.parametrize(("name", "role"), list(readers()))
def test_sql_in_any_filter_is_a_harmless_literal(client, name, role):
    user = UserFactory(role=role)
    seed(user if role == "account_manager" else UserFactory(role="account_manager"), "注入标记")
    client.force_login(user)
    url = reverse(name)
    fields = filter_fields(client.get(url).content.decode()) + ALWAYS
    problems = []
    for fmt in [None, "csv"]:
        extra = {"export": fmt} if fmt else {}
        for field in fields:
            baseline = client.get(url, {field: HARMLESS, **extra})
            widened_by_literal = "注入标记" in _text(baseline)
            for injection in EXPORT_INJECTIONS if fmt else INJECTIONS:
                before = table_digests()
                response = client.get(url, {field: injection, **extra})
                changed = set(changed_tables(before, table_digests())) - WRITES_BY_DESIGN
                if response.status_code >= 500:
                    problems.append(f"{field}={injection!r}: {response.status_code}")
                if changed:
                    problems.append(f"{field}={injection!r} wrote {sorted(changed)}")
                if "注入标记" in _text(response) and not widened_by_literal:
                    problems.append(f"{field}={injection!r} returned rows a literal does not")
    assert not problems, "\n".join(problems)


def _text(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")
