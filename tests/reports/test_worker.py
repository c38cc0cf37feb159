"""
The report jobs through a real Celery worker on the real Redis, and with Redis unreachable.

The worker is a subprocess (`celery -A crm worker -P solo`) on the test database, listening on
a Redis database of its own so that no other worker on this machine takes the messages. Every
wait is bounded; the fixture stops the worker it started, by its pid.
"""

import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from apps.jobs.models import Job
from apps.reports.models import ReportSnapshot
from tests.reports.broker import (
    CLOSED_PORT,
    celery_worker,
    reset_connections,
    use_broker,
    wait_for,
)

pytestmark = pytest.mark.django_db(transaction=True)

BASE_DIR = Path(django_settings.BASE_DIR)
REDIS = "redis://127.0.0.1:6379/13"


@pytest.fixture
def start_worker(tmp_path, settings):
    started = []

    def start():
        process = celery_worker(tmp_path / f"worker{len(started)}.log", REDIS_URL=REDIS)
        started.append(process)
        return process

    yield start
    for process in started:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
    reset_connections()  # the settings fixture restores the broker URL


def job_status(job_id):
    return Job.objects.get(pk=job_id).status


def test_a_heavy_report_is_computed_by_a_real_worker(data, client_as, settings, start_worker):
    use_broker(settings, REDIS)
    start_worker()
    client = client_as("executive")
    url = reverse("reports:contribution")

    first = client.get(url)
    job = first.context["job"]
    assert job.published_at is not None or job_status(job.pk) != Job.Status.QUEUED

    wait_for(lambda: job_status(job.pk) in (Job.Status.DONE, Job.Status.FAILED))
    job.refresh_from_db()
    assert (job.status, job.attempts, job.result["rows"]) == (Job.Status.DONE, 1, 3)
    poll = client.get(reverse("jobs:job-detail", args=[job.pk]), headers={"HX-Request": "true"})
    assert poll["HX-Refresh"] == "true"
    page = client.get(url)
    assert page.context["state"].snapshot.pk == job.result["snapshot"]
    assert [row.data["name"] for row in page.context["rows"]] == ["乙公司", "甲公司", "丁公司"]


def test_with_redis_down_the_report_waits_and_is_computed_when_the_worker_is_back(
    data, client_as, settings, start_worker
):
    use_broker(settings, CLOSED_PORT)
    client = client_as("executive")
    url = reverse("reports:contribution")

    started = time.monotonic()
    response = client.get(url)
    assert time.monotonic() - started < 3  # publishing fails fast, the page still answers
    assert response.status_code == 200
    assert b'data-testid="job-queued"' in response.content
    job = Job.objects.get()
    assert (job.status, job.published_at) == (Job.Status.QUEUED, None)
    assert not ReportSnapshot.objects.filter(report="contribution").exists()
    assert client.get(url).context["job"] == job  # still the same job, nothing lost or doubled

    start_worker()  # Redis is back with a worker: it publishes the waiting job at start
    wait_for(lambda: job_status(job.pk) == Job.Status.DONE)
    page = client.get(url)
    assert page.context["state"].snapshot is not None
    assert len(page.context["rows"]) == 3
