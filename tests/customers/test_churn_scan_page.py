"""The admin's scan page: the schedule, the last runs, "run now", and Redis being down."""

import json
import socket
import time

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from apps.customers.models import ChurnScanRun
from apps.jobs.models import Job
from apps.rbac.models import AuditEvent
from tests.customers.churn_factories import (
    months_ago,
    nightly_schedule_rows,
    old_customer,
    order,
    past_scan,
)

pytestmark = pytest.mark.django_db
SCAN = reverse("customers:churn-scan")
NIGHTLY = "customers: nightly churn scan"


@pytest.fixture
def nightly_schedule():
    """Beat's row of the migrations (a transactional test's flush may have removed it)."""
    nightly_schedule_rows()


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_page_shows_the_nightly_schedule_and_the_last_runs(client_as, nightly_schedule):
    past_scan(at=timezone.now(), warned=42)
    failed = past_scan(at=timezone.now(), status=Job.Status.FAILED)
    Job.objects.filter(pk=failed.job_id).update(error="数据库连接中断")

    response = client_as("admin").get(SCAN)

    body = response.content.decode()
    assert response.status_code == 200
    assert "0 2 * * *" in body
    assert "Asia/Shanghai" in body
    assert 'data-testid="churn-scan-warned">42<' in body
    assert 'data-status="done"' in body
    assert 'data-status="failed"' in body
    assert "数据库连接中断" in body  # the job's error, on the run's row


# Transactional: the service publishes on commit, which then happens inside the request.
@pytest.mark.django_db(transaction=True)
def test_run_now_queues_a_run_that_the_worker_completes(client_as):
    order(old_customer(), months_ago(8))
    client = client_as("admin")

    response = client.post(SCAN)

    run = ChurnScanRun.objects.get()
    assert response.status_code == 302
    assert (run.job.status, run.warned, run.job.created_by) == (Job.Status.DONE, 1, client.user)
    assert run.job.kind == "customers.churn_scan"
    assert AuditEvent.objects.filter(action="customers.churn_scan.request").exists()


@pytest.mark.parametrize("role", ["sales_manager", "account_manager", "executive"])
def test_only_the_admin_may_run_the_scan(client_as, role):
    response = client_as(role).post(SCAN)

    assert response.status_code == 403
    assert not ChurnScanRun.objects.exists()


def test_the_migrations_schedule_a_scan_job_daily_at_2_in_the_business_time_zone():
    from django_celery_beat.models import PeriodicTask

    from apps.jobs.tasks import job_schedule_task

    nightly_schedule_rows()
    nightly_schedule_rows()  # idempotent

    task = PeriodicTask.objects.get(name=NIGHTLY)
    crontab = task.crontab
    assert (crontab.minute, crontab.hour, crontab.day_of_week) == ("0", "2", "*")
    assert str(crontab.timezone) == "Asia/Shanghai"
    assert (task.enabled, task.task) == (True, job_schedule_task.name)  # beat only makes a job
    assert json.loads(task.kwargs) == {"kind": "customers.churn_scan"}


def test_the_admin_changes_the_nightly_time_in_django_admin(client_as, nightly_schedule):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(name=NIGHTLY)
    client = client_as("admin")
    url = reverse("admin:django_celery_beat_crontabschedule_change", args=[task.crontab_id])

    response = client.post(
        url,
        {
            "minute": "30",
            "hour": "3",
            "day_of_week": "*",
            "day_of_month": "*",
            "month_of_year": "*",
            "timezone": "Asia/Shanghai",
            "periodictask_set-TOTAL_FORMS": "0",
            "periodictask_set-INITIAL_FORMS": "0",
        },
    )

    task.crontab.refresh_from_db()
    assert response.status_code == 302
    assert (task.crontab.hour, task.crontab.minute) == ("3", "30")
    assert (
        client.get(
            reverse("admin:django_celery_beat_periodictask_change", args=[task.pk])
        ).status_code
        == 200
    )


def test_the_sales_manager_cannot_open_the_schedule_in_django_admin(client_as, nightly_schedule):
    url = reverse("admin:django_celery_beat_periodictask_changelist")

    assert client_as("sales_manager").get(url).status_code == 302


@pytest.fixture
def redis_down():
    """The app's broker pointed at a port nobody listens on: publishing fails as with Redis down."""
    from crm.celery import app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = f"redis://127.0.0.1:{port}/0", False
    app._pool = app.amqp._producer_pool = None  # connections are made from the new URL
    yield
    app.conf.broker_url, app.conf.task_always_eager = saved
    app._pool = app.amqp._producer_pool = None


@pytest.mark.django_db(transaction=True)
def test_run_now_with_redis_down_queues_the_run_and_says_it_waits(client_as, redis_down):
    started = time.monotonic()

    response = client_as("admin").post(SCAN, follow=True)

    assert response.status_code == 200
    assert time.monotonic() - started < 3
    run, job = ChurnScanRun.objects.get(), Job.objects.get()
    [message] = response.context["messages"]
    assert message.level_tag == "warning"  # queued, waiting for the task queue to come back
    assert str(run.pk) in str(message)
    assert (run.job, run.warned, run.cutoff) == (job, 0, None)
    assert (job.kind, job.status, job.published_at, job.error) == (
        "customers.churn_scan",
        Job.Status.QUEUED,
        None,
        "",
    )
