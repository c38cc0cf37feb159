"""Background jobs: queued in PostgreSQL, claimed once, never lost when the broker is down."""

import datetime
import threading
import time

import pytest
from django.core.management import call_command
from django.utils import timezone
from kombu.exceptions import OperationalError

from apps.jobs import registry, services
from apps.jobs.models import Job
from apps.jobs.services import JobContext, job_create, job_run, jobs_requeue
from apps.jobs.tasks import run_job_task
from crm import hooks
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
S = Job.Status


@pytest.fixture
def user():
    return UserFactory(role="executive")


@pytest.fixture
def broker_down(monkeypatch):
    calls = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise OperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    monkeypatch.setattr(run_job_task, "apply_async", refuse)
    return calls


def queued(user, **params) -> Job:
    return Job.objects.create(kind="tests.echo", params=params, created_by=user)


def age(job, seconds, *fields):
    then = timezone.now() - datetime.timedelta(seconds=seconds)
    Job.objects.filter(pk=job.pk).update(**dict.fromkeys(fields, then))


def test_a_job_is_queued_and_runs_after_commit(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = job_create(kind="tests.echo", params={"value": 7}, actor=user)
        assert Job.objects.get(pk=job.pk).status == S.QUEUED  # nothing runs before commit
    job.refresh_from_db()
    assert len(callbacks) == 1
    assert (job.status, job.result, job.attempts) == (S.DONE, {"echo": 7}, 1)
    assert (job.progress_done, job.progress_total, job.percent) == (2, 2, 100)


def test_an_unknown_kind_is_refused_at_once(user):
    with pytest.raises(LookupError):
        job_create(kind="no.such.kind", params={}, actor=user)


def test_with_the_broker_down_the_job_stays_queued(
    user, broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_create(kind="tests.echo", params={}, actor=user)
    job.refresh_from_db()
    assert len(broker_down) == 1
    assert (job.status, job.published_at) == (S.QUEUED, None)


def test_a_job_runs_once_however_often_its_message_arrives(user):
    job = queued(user, value=1)
    assert job_run(job_id=job.pk).status == S.DONE
    assert job_run(job_id=job.pk) is None
    job.refresh_from_db()
    assert job.attempts == 1


def test_a_refused_job_fails_with_its_readable_message(user):
    job = job_run(job_id=queued(user, fail="domain").pk)
    assert (job.status, job.error) == (S.FAILED, "该客户不存在")
    assert job.finished_at is not None


def test_an_unexpected_error_fails_the_job_without_showing_internals(user, caplog):
    job = job_run(job_id=queued(user, fail="bug").pk)
    assert job.status == S.FAILED
    assert "secret" not in job.error
    assert "SELECT secret" in caplog.text  # the details are in the log for the administrator


def test_a_job_writes_its_file_under_its_own_directory(user, media):
    job = job_run(job_id=queued(user, file="../../etc/out.csv").pk)
    assert job.result_file.name == f"jobs/{job.pk}/out.csv"
    assert (media / job.result_file.name).read_bytes() == b"a,b\n1,2\n"
    assert not list(media.rglob("*.part"))


def test_an_output_interrupted_leaves_no_file(user, media):
    job = queued(user)
    Job.objects.filter(pk=job.pk).update(status=S.RUNNING, attempts=1)
    job.refresh_from_db()
    context = JobContext(job)

    def interrupted():
        with context.output("x.csv") as stream:
            stream.write(b"half")
            raise ValueError("disk full")

    with pytest.raises(ValueError, match="disk full"):
        interrupted()
    assert not list(media.rglob("*x.csv*"))
    assert context.result_file == ""


def test_a_worker_given_up_for_dead_writes_nothing_when_it_wakes_up(user):
    job = queued(user)
    Job.objects.filter(pk=job.pk).update(status=S.RUNNING, attempts=1)
    job.refresh_from_db()
    old_attempt = JobContext(job)
    Job.objects.filter(pk=job.pk).update(status=S.QUEUED)  # the sweeper revived it
    job_run(job_id=job.pk)  # attempt 2 finishes
    old_attempt.progress(99, 100)
    services._finish(job, status=S.FAILED, error="late")
    job.refresh_from_db()
    assert (job.status, job.attempts, job.progress_done, job.error) == (S.DONE, 2, 2, "")


def test_the_sweeper_publishes_queued_jobs_older_than_a_minute(user, monkeypatch):
    published = []
    monkeypatch.setattr(services, "job_publish", lambda pk, **kw: published.append(pk) or True)
    old, _recent = queued(user), queued(user)
    age(old, 61, "created_at")
    assert jobs_requeue()["published"] == 1
    assert published == [old.pk]


def test_the_sweeper_publishes_again_a_job_published_but_never_picked_up(user):
    job = queued(user)
    age(job, 120, "created_at", "published_at")
    jobs_requeue()
    job.refresh_from_db()
    assert job.status == S.DONE  # eager in the tests: publishing runs it


def test_the_sweeper_stops_at_the_first_refusal_of_the_broker(user, broker_down):
    for _ in range(3):
        age(queued(user), 61, "created_at")
    assert jobs_requeue()["published"] == 0
    assert len(broker_down) == 1
    assert Job.objects.filter(status=S.QUEUED).count() == 3


def test_the_sweeper_revives_a_running_job_whose_worker_fell_silent(user, broker_down):
    job = queued(user)
    Job.objects.filter(pk=job.pk).update(status=S.RUNNING, attempts=1)
    age(job, 601, "heartbeat_at", "created_at")
    assert jobs_requeue()["revived"] == 1
    job.refresh_from_db()
    assert job.status == S.QUEUED


def test_the_sweeper_gives_up_after_the_last_attempt(user, broker_down):
    job = queued(user)
    Job.objects.filter(pk=job.pk).update(status=S.RUNNING, attempts=3)
    age(job, 601, "heartbeat_at")
    assert jobs_requeue()["given_up"] == 1
    job.refresh_from_db()
    assert job.status == S.FAILED
    assert job.error


def test_a_running_job_with_a_recent_heartbeat_is_left_alone(user, broker_down):
    job = queued(user)
    Job.objects.filter(pk=job.pk).update(status=S.RUNNING, attempts=1, heartbeat_at=timezone.now())
    assert jobs_requeue() == {"given_up": 0, "revived": 0, "published": 0}


def test_the_requeue_command_publishes_every_waiting_job_with_now(user, capsys):
    job = queued(user)
    call_command("requeue_jobs", "--now")
    job.refresh_from_db()
    assert job.status == S.DONE
    assert "published 1" in capsys.readouterr().out


def slow(context):
    """A job kind whose one step outlasts the stale limit without reporting progress; in the
    middle of it, the sweep runs as beat would."""
    time.sleep(context.params["step"])
    return jobs_requeue(queued_for=60)


@pytest.mark.django_db(transaction=True)  # the heartbeat thread commits on its own connection
def test_a_slow_step_keeps_the_job_alive_and_the_sweeper_leaves_it_running(user, settings):
    settings.CRM_JOB_HEARTBEAT_SECONDS = 0.2
    settings.CRM_JOB_STALE_SECONDS = 1
    hooks.register("jobs.kind", registry.JobKind("tests.slow", "Slow", slow), key="tests.slow")
    try:
        job = Job.objects.create(kind="tests.slow", params={"step": 2.5}, created_by=user)
        job = job_run(job_id=job.pk)
    finally:
        hooks.unregister("jobs.kind", key="tests.slow")

    # The sweep in the middle of the step gave nothing back: the job ran once, to its end.
    assert job.result == {"given_up": 0, "revived": 0, "published": 0}
    assert (job.status, job.attempts) == (S.DONE, 1)
    assert not [t for t in threading.enumerate() if t.name == f"job-{job.pk}-heartbeat"]
