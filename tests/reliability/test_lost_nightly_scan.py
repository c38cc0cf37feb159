"""
A nightly churn scan that beat could not send (Redis down at 02:00: beat logs the error and
moves on to the next night) is not lost: the jobs sweeper, which beat runs every minute once
Redis is back, sees that the scheduled time passed with no run started since and queues the
scan as a job, kept in PostgreSQL until a worker runs it. Once, however often it sweeps.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from apps.customers.models import ChurnScanRun
from apps.customers.services.churn import NIGHTLY_SCAN_TASK
from apps.jobs.models import Job
from apps.jobs.services import jobs_sweep
from apps.rbac.models import AuditEvent
from tests.customers.test_churn_scan_page import nightly_schedule  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("nightly_schedule")]
RUN = ChurnScanRun.Status


def last_run(ago: timedelta) -> ChurnScanRun:
    return ChurnScanRun.objects.create(
        status=RUN.SUCCEEDED, created_at=timezone.now() - ago, finished_at=timezone.now() - ago
    )


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
    assert caught_up.status == RUN.SUCCEEDED  # the tests' Celery runs the job at once
    assert caught_up.requested_by is None  # a nightly run, not the admin's
    assert Job.objects.get(kind="customers.churn_scan").status == Job.Status.DONE
    assert AuditEvent.objects.filter(action="customers.churn_scan.catch_up").count() == 1


def test_a_sweep_after_a_recent_run_queues_nothing():
    last_run(timedelta(minutes=5))

    assert jobs_sweep()["caught_up"] == 0
    assert ChurnScanRun.objects.count() == 1


def test_a_disabled_nightly_schedule_is_not_caught_up():
    last_run(timedelta(days=3))
    PeriodicTask.objects.filter(task=NIGHTLY_SCAN_TASK).update(enabled=False)

    assert jobs_sweep()["caught_up"] == 0
    assert ChurnScanRun.objects.count() == 1


def test_before_the_first_scan_there_is_nothing_to_catch_up():
    assert jobs_sweep()["caught_up"] == 0
    assert not ChurnScanRun.objects.exists()
