"""
A nightly job that beat could not send (Redis down at 02:00: beat logs the error and moves on
to the next night) is not lost: the jobs sweeper, which beat runs every minute once Redis is
back, sees that the scheduled time passed with no job of the kind created since and queues
one, kept in PostgreSQL until a worker runs it. Once, however often it sweeps. The same sweep
does it for every nightly job: the churn scan and the report refresh are two kinds of job.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from apps.customers.models import ChurnScanRun
from apps.jobs.models import Job
from apps.jobs.services import jobs_sweep
from apps.rbac.models import AuditEvent
from tests.customers.churn_factories import past_scan
from tests.customers.test_churn_scan_page import NIGHTLY, nightly_schedule  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("nightly_schedule")]


def last_run(ago: timedelta) -> ChurnScanRun:
    return past_scan(at=timezone.now() - ago)


def test_a_scan_missed_while_redis_was_down_is_run_by_the_next_sweep_and_only_once(
    django_capture_on_commit_callbacks,
):
    last_run(timedelta(days=2, hours=3))  # then two nights without a run

    with django_capture_on_commit_callbacks(execute=True):  # the job is published on commit
        first = jobs_sweep()
    second = jobs_sweep()

    caught_up = ChurnScanRun.objects.order_by("-created_at").first()
    assert (first["caught_up"], second["caught_up"]) == (1, 0)
    assert ChurnScanRun.objects.count() == 2
    job = caught_up.job
    assert job.status == Job.Status.DONE  # the tests' Celery runs the job at once
    assert caught_up.is_done
    assert job.created_by is None  # a nightly run, not the admin's
    assert Job.objects.filter(kind="customers.churn_scan").count() == 2
    [audit] = AuditEvent.objects.filter(action="jobs.job.catch_up")
    assert (audit.object_id, audit.data["kind"]) == (str(job.pk), "customers.churn_scan")


def test_a_sweep_after_a_recent_run_queues_nothing():
    last_run(timedelta(minutes=5))

    assert jobs_sweep()["caught_up"] == 0
    assert ChurnScanRun.objects.count() == 1


def test_a_sweep_while_the_nights_job_waits_for_a_worker_queues_nothing_more():
    """A job of the kind already queued (beat's, stuck behind a busy worker) is enough."""
    last_run(timedelta(days=2, hours=3))
    waiting = Job.objects.create(kind="customers.churn_scan")
    Job.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - timedelta(days=1))

    assert jobs_sweep()["caught_up"] == 0
    assert Job.objects.filter(kind="customers.churn_scan").count() == 2


def test_a_disabled_nightly_schedule_is_not_caught_up():
    last_run(timedelta(days=3))
    PeriodicTask.objects.filter(name=NIGHTLY).update(enabled=False)

    assert jobs_sweep()["caught_up"] == 0
    assert ChurnScanRun.objects.count() == 1


def test_before_the_first_scan_there_is_nothing_to_catch_up():
    assert jobs_sweep()["caught_up"] == 0
    assert not ChurnScanRun.objects.exists()


def test_a_missed_report_refresh_is_caught_up_by_the_same_sweep(
    django_capture_on_commit_callbacks,
):
    import importlib

    from django.apps import apps

    importlib.import_module("apps.reports.migrations.0004_nightly_refresh").create_schedule(
        apps, None
    )
    as_job = importlib.import_module("apps.reports.migrations.0008_nightly_refresh_as_job")
    as_job.Migration.operations[-1].code(apps, None)
    last_run(timedelta(hours=1))  # the scan is up to date
    refreshed = Job.objects.create(kind="reports.refresh", status=Job.Status.DONE)
    Job.objects.filter(pk=refreshed.pk).update(created_at=timezone.now() - timedelta(days=2))

    with django_capture_on_commit_callbacks(execute=True):
        assert jobs_sweep()["caught_up"] == 1
    assert jobs_sweep()["caught_up"] == 0

    job = Job.objects.filter(kind="reports.refresh").order_by("-created_at").first()
    assert job.pk != refreshed.pk
    assert (job.status, job.created_by, job.error) == (Job.Status.DONE, None, "")
    assert job.result["computed"] > 0
