"""
Report computations on a read replica (crm/db_routers.py): the "reports" connection of the test
settings points at the test database but is made read-only here, as a streaming replica is, so
any write routed to it would fail. Every report must come out exactly as on the primary.
"""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from apps.reports.services import snapshot_compute

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "reports"])

REPORTS = [
    ("contribution", {"year": None, "name": ""}),
    ("composition", {"by": "level"}),
    ("service", {"year": None}),
    ("churn", {"customer": "", "manager": ""}),
    ("dashboard", {"as_of": "2024-12-31"}),
]

BUSINESS_TABLES = {"cst_customer", "orders", "orders_line", "cst_service", "cst_lost", "bas_dict"}


@pytest.fixture
def read_only_replica():
    replica = connections["reports"]
    with replica.cursor() as cursor:
        cursor.execute("SET SESSION default_transaction_read_only = on")
    yield replica
    replica.close()


def computed(report, params, language="zh-hans"):
    with translation.override(language):
        snapshot = snapshot_compute(report=report, params=params, language=language, force=True)
    rows = [(row.rank, row.amount, row.data) for row in snapshot.rows.order_by("rank")]
    return rows, snapshot.payload


@pytest.mark.parametrize(("report", "params"), REPORTS)
def test_a_report_read_on_the_replica_equals_the_report_read_on_the_primary(
    data, settings, read_only_replica, report, params
):
    on_primary = computed(report, params)
    settings.CRM_REPORTS_DATABASE = "reports"

    with CaptureQueriesContext(connections["default"]) as primary_queries:
        on_replica = computed(report, params)

    assert on_replica == on_primary
    primary_sql = " ".join(query["sql"] for query in primary_queries.captured_queries)
    assert not BUSINESS_TABLES.intersection(primary_sql.replace('"', " ").split())


def test_report_computations_read_the_data_version_on_the_replica_too(
    data, settings, read_only_replica
):
    settings.CRM_REPORTS_DATABASE = "reports"

    with CaptureQueriesContext(read_only_replica) as replica_queries:
        computed("churn", {"customer": "", "manager": ""})

    sql = " ".join(query["sql"] for query in replica_queries.captured_queries)
    assert "rpt_data_change" in sql
    assert "INSERT" not in sql.upper()


def test_pages_and_other_reads_stay_on_the_primary_without_a_computation(
    data, settings, read_only_replica, client, executive
):
    settings.CRM_REPORTS_DATABASE = "reports"
    client.force_login(executive)

    with CaptureQueriesContext(read_only_replica) as replica_queries:
        response = client.get("/customers/")

    assert response.status_code in (200, 403)
    assert not replica_queries.captured_queries
