"""Snapshots are served until their data changes, and recomputed when it does or nightly."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from apps.customers.models import Customer
from apps.jobs.models import Job
from apps.reports import selectors
from apps.reports.models import DataChange, ReportSnapshot
from apps.reports.services import (
    data_changes_compact,
    report_state,
    reports_refresh,
    snapshot_chart,
    snapshot_compute,
)
from tests.reports.factories import local, order_with_lines

pytestmark = pytest.mark.django_db

LEVEL = {"by": "level"}


def version(*sources):
    return selectors.data_version(sources)


def test_changing_a_level_moves_the_customer_data_version(data):
    before = version("customer")
    Customer.objects.filter(pk=data.a.pk).update(level=2)
    assert version("customer") != before


def test_changing_an_address_does_not_move_the_data_version(data):
    before = version("customer")
    Customer.objects.filter(pk=data.a.pk).update(address="上海市", tel="021-1")
    assert version("customer") == before


def test_a_bulk_load_in_sql_moves_the_orders_version(data):
    before = version("orders")
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # as bench/generate.py does
        cursor.execute("DELETE FROM orders_line WHERE odd_count = 3")
        cursor.execute("SET session_replication_role = DEFAULT")
    assert version("orders") != before


def test_one_statement_adds_one_change_row_however_many_rows_it_changes(data):
    before = DataChange.objects.filter(source="customer").count()
    Customer.objects.filter(pk__in=[data.a.pk, data.b.pk, data.e.pk]).update(level=2)
    assert DataChange.objects.filter(source="customer").count() == before + 1


def test_a_snapshot_is_reused_while_the_data_does_not_change(data, django_assert_num_queries):
    first = snapshot_compute(report="composition", params=LEVEL, language="zh-hans")
    with django_assert_num_queries(2):  # the data version, the snapshot
        state = report_state(
            report="composition", params=LEVEL, language="zh-hans", user=data.zhang
        )
    assert state.snapshot == first


def test_a_data_change_gives_a_new_snapshot_and_drops_the_old_one(data):
    first = snapshot_compute(report="composition", params=LEVEL, language="zh-hans")
    Customer.objects.filter(pk=data.e.pk).update(level=2)
    second = report_state(
        report="composition", params=LEVEL, language="zh-hans", user=data.zhang
    ).snapshot
    assert second.pk != first.pk
    assert [row.data["count"] for row in second.rows.all()] == [1, 1, 1, 0, 1]
    assert not ReportSnapshot.objects.filter(pk=first.pk).exists()


def test_filters_and_language_are_separate_snapshots(data):
    zh = snapshot_compute(report="composition", params=LEVEL, language="zh-hans")
    en = snapshot_compute(report="composition", params=LEVEL, language="en")
    credit = snapshot_compute(report="composition", params={"by": "credit"}, language="zh-hans")
    assert len({zh.key, en.key, credit.key}) == 3
    assert "普通客户" in snapshot_chart(zh, "main").decode()
    assert "Ordinary" in snapshot_chart(en, "main").decode()


def test_a_heavy_report_is_computed_by_a_job(data, django_capture_on_commit_callbacks):
    params = {"year": None, "name": ""}
    with django_capture_on_commit_callbacks(execute=True):  # the job runs after commit
        report_state(report="contribution", params=params, language="zh-hans", user=data.zhang)
    job = Job.objects.get(created_by=data.zhang, kind="reports.compute")
    assert job.status == Job.Status.DONE
    assert job.result["rows"] == 3
    state = report_state(report="contribution", params=params, language="zh-hans", user=data.zhang)
    assert state.snapshot.pk == job.result["snapshot"]


def test_a_heavy_report_not_computed_yet_shows_its_waiting_job(data):
    # No on_commit here: the job stays queued, as with the broker down.
    params = {"year": None, "name": ""}
    state = report_state(report="contribution", params=params, language="zh-hans", user=data.zhang)
    again = report_state(report="contribution", params=params, language="zh-hans", user=data.zhang)
    assert state.snapshot is None
    assert state.job.status == Job.Status.QUEUED
    assert again.job == state.job  # a second visit does not start a second job


def test_while_a_heavy_report_is_recomputed_the_previous_result_is_shown(data):
    params = {"year": None, "name": ""}
    old = snapshot_compute(report="contribution", params=params, language="zh-hans")
    order_with_lines(data.e, local(2024, 6, 1), (1, "5"))
    state = report_state(report="contribution", params=params, language="zh-hans", user=data.zhang)
    assert state.snapshot is None
    assert state.stale == old
    assert state.job is not None


def test_compacting_the_change_log_never_brings_an_old_version_back(data):
    old = snapshot_compute(report="composition", params=LEVEL, language="zh-hans")
    data_changes_compact()
    assert DataChange.objects.count() == 6  # one marker per source
    assert version("customer", "dict") != old.data_version


def test_nightly_refresh_recomputes_opening_views_and_recent_filters(data):
    snapshot_compute(report="contribution", params={"year": 2024, "name": "甲"}, language="en")
    old = snapshot_compute(report="composition", params={"by": "credit"}, language="zh-hans")
    ReportSnapshot.objects.filter(pk=old.pk).update(
        computed_at=timezone.now() - datetime.timedelta(days=8)
    )
    result = reports_refresh(today=datetime.date(2024, 12, 31))
    stored = set(ReportSnapshot.objects.values_list("report", "language"))
    assert {
        (r, lang)
        for r in ["contribution", "composition", "service", "churn", "dashboard"]
        for lang in ["zh-hans", "en"]
    } <= stored
    assert ReportSnapshot.objects.filter(report="contribution", params__name="甲").exists()
    assert not ReportSnapshot.objects.filter(params={"by": "credit"}).exists()
    assert result["computed"] == 13  # 6 opening views × 2 languages + the filtered one


def test_nightly_refresh_recomputes_even_when_the_data_did_not_change(data):
    first = snapshot_compute(report="composition", params=LEVEL, language="zh-hans")
    reports_refresh(today=datetime.date(2024, 12, 31))
    current = ReportSnapshot.objects.get(key=first.key)
    assert current.pk != first.pk


def test_the_job_renders_the_charts_and_replaces_the_previous_snapshot(
    data, django_capture_on_commit_callbacks
):
    params = {"year": None, "name": ""}
    old = snapshot_compute(report="contribution", params=params, language="zh-hans")
    order_with_lines(data.e, local(2024, 6, 1), (1, "5"))
    with django_capture_on_commit_callbacks(execute=True):
        report_state(report="contribution", params=params, language="zh-hans", user=data.zhang)
    new = ReportSnapshot.objects.get(report="contribution")
    assert new.pk != old.pk
    assert new.row_count == 4
    assert "main" in new.charts  # ready before the page asks for it
