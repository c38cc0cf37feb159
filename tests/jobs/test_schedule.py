"""
Beat's nightly entries only create a job of a kind (job_schedule): once however often the
message comes while the job waits or runs, and on the kind's own queue.
"""

import json
import uuid

import pytest
import redis
from django.conf import settings

from apps.jobs.models import Job
from apps.jobs.services import job_create, job_schedule
from apps.jobs.tasks import job_schedule_task
from tests.reports.broker import use_broker

pytestmark = pytest.mark.django_db
S = Job.Status


def test_beat_s_message_creates_one_system_job_of_the_kind(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job_id = job_schedule_task.delay(kind="tests.echo").get()

    job = Job.objects.get()
    assert str(job.pk) == job_id
    assert (job.kind, job.created_by, job.params, job.status) == ("tests.echo", None, {}, S.DONE)


@pytest.mark.parametrize("status", [S.QUEUED, S.RUNNING])
def test_a_second_message_while_the_job_waits_or_runs_creates_nothing(status):
    first = job_schedule(kind="tests.echo")
    Job.objects.filter(pk=first.pk).update(status=status)

    assert job_schedule(kind="tests.echo") is None
    assert Job.objects.count() == 1


def test_the_next_night_after_the_job_is_over_creates_the_next_one():
    first = job_schedule(kind="tests.echo")
    Job.objects.filter(pk=first.pk).update(status=S.DONE)

    second = job_schedule(kind="tests.echo")

    assert second is not None
    assert second.pk != first.pk


def test_a_job_of_another_kind_does_not_hold_it_back():
    Job.objects.create(kind="reports.refresh", status=S.RUNNING)

    assert job_schedule(kind="tests.echo") is not None


@pytest.fixture
def redis_client():
    client = redis.Redis.from_url(settings.REDIS_URL)
    yield client
    client.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("kind", "queue"), [("customers.churn_scan", "nightly"), ("tests.echo", "celery")]
)
def test_a_job_is_published_to_its_kind_s_queue(settings, redis_client, kind, queue):
    """On the real Redis: the message waits in the queue that the kind names."""
    use_broker(settings, settings.REDIS_URL)
    marker = uuid.uuid4().hex
    before = redis_client.llen(queue)

    job = job_create(kind=kind, params={"marker": marker}, actor=None)

    try:
        messages = redis_client.lrange(queue, 0, -1)
        assert redis_client.llen(queue) == before + 1
        ours = [m for m in messages if str(job.pk).encode() in m]
        assert len(ours) == 1
        assert json.loads(ours[0])["headers"]["task"] == "apps.jobs.tasks.run_job_task"
        job.refresh_from_db()
        assert job.published_at is not None
    finally:
        for message in redis_client.lrange(queue, 0, -1):
            if str(job.pk).encode() in message:
                redis_client.lrem(queue, 1, message)
