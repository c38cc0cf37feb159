"""
A worker killed in the middle of a job (issue #9, reliability; RELIABILITY §2.3–2.4): after a
new worker starts and the sweeper runs as beat would, the job finishes exactly once: DONE on
its second attempt, one complete export file, no leftover of the killed attempt; the killed
worker's unacknowledged message, when the broker hands it back, runs nothing again. And a
worker that only stalled (SIGSTOP) past the stale limit, given up for dead, that then goes on
with its old attempt, changes neither the finished file nor the job.

The stale limit itself, scaled down (a heartbeat every second, 4 s of silence, a sweep every
second, for production's 10 s, 60 s and a minute): a job held far longer than the limit on a
live worker keeps running and runs once; a killed worker's job says so on its page and is
resumed within a sweep once a worker is back.

Real processes only: a private redis-server, real `celery worker -P solo` subprocesses on the
test database (tests/faults/conftest.py). The first worker is held in the middle of writing
its export file by table locks taken on a connection of the test's own, then SIGKILLed or
SIGSTOPped (its own pid only); nothing is mocked.
"""

import json
import os
import signal
import time

import psycopg
import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from kombu import Connection

from apps.customers.selectors import customer_list
from apps.imports.services.exports import LIST_EXPORT_JOB, list_export_request
from apps.jobs.models import Job
from apps.jobs.services import jobs_requeue
from tests.factories import CustomerFactory, UserFactory
from tests.faults.conftest import timed
from tests.rbac.url_matrix import SM
from tests.reports.broker import wait_for

pytestmark = [
    pytest.mark.faults,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(90),
]

CUSTOMERS = 7  # over CRM_EXPORT_MAX_ROWS = 2: the customer list's export is a job
STALE_FOR = 1  # seconds without a heartbeat after which the sweeper gives a running job back
NOTHING = {"given_up": 0, "revived": 0, "published": 0}
# Production's job liveness (CRM_JOB_HEARTBEAT_SECONDS 10, CRM_JOB_STALE_SECONDS 60, a sweep a
# minute) in seconds, for the tests of the limit itself.
HEARTBEAT, STALE_LIMIT, SWEEP_EVERY = 1, 4, 1
SCALED = {"CRM_JOB_HEARTBEAT_SECONDS": str(HEARTBEAT), "CRM_JOB_STALE_SECONDS": str(STALE_LIMIT)}


def hold(table: str) -> psycopg.Connection:
    """ACCESS EXCLUSIVE on `table`, held until the returned connection rolls back."""
    db = connection.settings_dict
    holder = psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        dbname=db["NAME"],
        connect_timeout=5,
    )
    holder.execute("SET lock_timeout = '10s'")
    holder.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
    return holder


def release(holder: psycopg.Connection) -> None:
    """The lock is let go (once; again is a no-op)."""
    if not holder.closed:
        holder.rollback()
        holder.close()


def worker_waits_on(table: str) -> bool:
    """A backend of another process waits for our lock in a query on `table`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query LIKE %s AND pid <> pg_backend_pid()",
            [f'%"{table}"%'],
        )
        return cursor.fetchone()[0] > 0


def job_files(media, job: Job) -> list[str]:
    folder = media / "jobs" / str(job.pk)
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def give_back_unacked(url: str, job: Job) -> str:
    """
    What the broker does once the visibility timeout of an unacknowledged message has passed
    (kombu's QoS.restore_visible restores each expired tag with restore_by_tag): the killed
    worker's message, the only one left unacknowledged, goes back to its queue. Its task id.
    """
    with Connection(url) as broker_connection:
        channel = broker_connection.default_channel
        unacked = channel.client.hgetall(channel.unacked_key)
        assert len(unacked) == 1, unacked
        [(tag, raw)] = unacked.items()
        message, _exchange, _routing_key = json.loads(raw)
        assert message["headers"]["argsrepr"] == repr([str(job.pk)])
        channel.qos.restore_by_tag(tag.decode())
        return message["headers"]["id"]


def export_job(owner) -> Job:
    job = list_export_request(
        actor=owner,
        url_name="customers:customer-list",
        kwargs={},
        query="export=csv",
        fmt="csv",
        language="zh-hans",
    )
    assert job.kind == LIST_EXPORT_JOB
    return job


def hold_in_the_middle(owner, media) -> tuple[Job, psycopg.Connection]:
    """
    The owner's export of the customer list, queued and taken by the running worker, which is
    then held in the middle of writing its file; the lock that holds it (release() it).
    """
    customers = hold("cst_customer")
    try:
        job = export_job(owner)
        # The worker claimed the job, read its owner, and waits to count the customers.
        wait_for(lambda: worker_waits_on("cst_customer"), timeout=30, step=0.1)
        # It will not read the user table again before the rows, which are read with their
        # account manager (a join on sys_user that the count does not make): hold that table
        # and let the count go; the worker opens its output file and waits in the middle of it.
        users = hold("sys_user")
    finally:
        release(customers)
    try:
        wait_for(lambda: worker_waits_on("sys_user"), timeout=30, step=0.1)
        job.refresh_from_db()
        total = customer_list(user=owner).count()
        assert (job.status, job.attempts, job.progress_done, job.progress_total) == (
            Job.Status.RUNNING,
            1,
            0,
            total,
        )
        assert part_files_only(media, job)
    except BaseException:
        release(users)
        raise
    return job, users


def part_files_only(media, job: Job) -> bool:
    """The job's folder holds one unfinished file and no finished one."""
    files = job_files(media, job)
    return len(files) == 1 and files[0].endswith(".part")


def assert_exported_once(media, job: Job, owner) -> None:
    """DONE on its second attempt, with one complete file: every customer the owner sees."""
    job.refresh_from_db()
    numbers = sorted(customer_list(user=owner).values_list("number", flat=True))
    assert (job.status, job.attempts, job.error) == (Job.Status.DONE, 2, "")
    assert job.progress_done == job.progress_total == job.result["rows"] == len(numbers)
    assert job_files(media, job) == ["customers.csv"]
    assert job.result_file.name == f"jobs/{job.pk}/customers.csv"
    lines = (media / job.result_file.name).read_text(encoding="utf-8-sig").splitlines()
    assert sorted(line.split(",")[0] for line in lines[1:]) == numbers


def test_a_job_whose_worker_was_killed_finishes_exactly_once_after_a_restart(
    broker, worker, media, settings
):
    settings.CRM_EXPORT_MAX_ROWS = 2
    owner = UserFactory(role=SM)
    CustomerFactory.create_batch(CUSTOMERS)
    assert customer_list(user=owner).count() >= CUSTOMERS > settings.CRM_EXPORT_MAX_ROWS
    first = worker()
    job, users = hold_in_the_middle(owner, media)
    try:
        os.kill(first.pid, signal.SIGKILL)  # the worker's own pid, nothing else
        first.wait(timeout=10)
        assert first.returncode == -signal.SIGKILL
    finally:
        release(users)  # the killed worker's backend then ends by itself

    # Nobody runs it now: it stays RUNNING on its first attempt, its file half-written.
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.RUNNING, 1)
    assert part_files_only(media, job)

    second, started_in = timed(worker)
    # A worker starting publishes queued jobs, but a running one is not yet given up for dead.
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.RUNNING, 1)

    _, finished_in = timed(sweep_and_wait, job)
    print(f"second worker ready in {started_in:.1f} s; the job finished {finished_in:.1f} s later")
    assert_exported_once(media, job, owner)
    # A second sweep finds nothing to revive or publish.
    assert jobs_requeue(queued_for=0, stale_for=STALE_FOR) == NOTHING

    # The killed worker's message was never acknowledged: when the broker gives it back, the
    # new worker consumes it, and the job does not run again.
    client = broker.client()

    def settled(unacked: int) -> bool:
        return client.llen("celery") == 0 and client.hlen("unacked") == unacked

    wait_for(lambda: settled(1), timeout=10, step=0.1)  # the revived run's message is acked
    task_id = give_back_unacked(broker.url, job)
    consumed = f"run_job_task[{task_id}] succeeded in"
    wait_for(lambda: consumed in second.log_path.read_text(), timeout=20, step=0.2)
    wait_for(lambda: settled(0), timeout=10, step=0.1)
    assert second.log_path.read_text().count("succeeded in") == 2  # the revived run, this one
    assert_exported_once(media, job, owner)
    assert Job.objects.count() == 1


def sweep_and_wait(job: Job) -> None:
    """The sweep beat runs every minute, once the job's heartbeat is older than the limit;
    then the job runs to its end on the worker that is up."""
    time.sleep(STALE_FOR + 0.5)
    assert jobs_requeue(queued_for=0, stale_for=STALE_FOR) == {
        "given_up": 0,
        "revived": 1,
        "published": 1,
    }

    def finished():
        job.refresh_from_db()
        return job.status not in Job.ACTIVE_STATUSES

    wait_for(finished, timeout=45, step=0.2)


def test_a_worker_given_up_for_dead_that_comes_back_leaves_the_finished_job_alone(
    broker, worker, media, settings
):
    settings.CRM_EXPORT_MAX_ROWS = 2
    owner = UserFactory(role=SM)
    CustomerFactory.create_batch(CUSTOMERS)
    first = worker()
    job, users = hold_in_the_middle(owner, media)
    # The worker stalls (SIGSTOP: a paused machine, swapping, a lock held too long) with its
    # rows already read: its database query ends, its process does not go on.
    os.kill(first.pid, signal.SIGSTOP)
    try:
        release(users)
        wait_for(lambda: not worker_waits_on("sys_user"), timeout=10, step=0.1)
        CustomerFactory()  # a customer added meanwhile: the next attempt exports one row more
        second = worker()
        sweep_and_wait(job)
        assert_exported_once(media, job, owner)
    finally:
        os.kill(first.pid, signal.SIGCONT)

    # The stalled worker goes on with its attempt, which is no longer the job's: it must not
    # touch the finished file, nor the job.
    wait_for(lambda: "succeeded in" in first.log_path.read_text(), timeout=20, step=0.2)
    assert "attempt 1 was given up, its file is dropped" in first.log_path.read_text()
    assert_exported_once(media, job, owner)
    assert jobs_requeue(queued_for=0, stale_for=STALE_FOR) == NOTHING
    assert second.log_path.read_text().count("succeeded in") == 1


def sweep_every_second_until(done, seconds: float) -> list[dict]:
    """Beat's sweep, scaled: jobs_requeue() with the settings' limits, every SWEEP_EVERY s,
    until done() or `seconds` have passed; what each sweep did."""
    sweeps = []
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        sweeps.append(jobs_requeue())
        time.sleep(SWEEP_EVERY)
    return sweeps


def finished(job: Job) -> bool:
    job.refresh_from_db()
    return job.status not in Job.ACTIVE_STATUSES


def held_on_a_scaled_worker(worker, media, settings):
    """A worker with the scaled limits, held in the middle of the owner's export:
    (owner, worker, job, the lock to release)."""
    settings.CRM_EXPORT_MAX_ROWS = 2
    settings.CRM_JOB_STALE_SECONDS = STALE_LIMIT
    owner = UserFactory(role=SM)
    CustomerFactory.create_batch(CUSTOMERS)
    first = worker(**SCALED)
    job, users = hold_in_the_middle(owner, media)
    return owner, first, job, users


def test_a_job_held_far_longer_than_the_stale_limit_on_a_live_worker_runs_once(
    broker, worker, media, settings
):
    _owner, first, job, users = held_on_a_scaled_worker(worker, media, settings)
    try:
        # No progress is reported while it waits, yet its worker's heartbeat goes on.
        sweeps = sweep_every_second_until(lambda: False, 2 * STALE_LIMIT)
        job.refresh_from_db()
        assert not job.worker_lost
    finally:
        release(users)
    wait_for(lambda: finished(job), timeout=30, step=0.2)

    assert len(sweeps) >= 2 * STALE_LIMIT / SWEEP_EVERY - 1
    assert all(sweep == NOTHING for sweep in sweeps)
    job.refresh_from_db()
    assert (job.status, job.attempts, job.result["rows"]) == (Job.Status.DONE, 1, CUSTOMERS)
    assert first.log_path.read_text().count("succeeded in") == 1


def test_a_killed_workers_job_says_so_and_resumes_within_a_sweep_once_a_worker_is_back(
    broker, worker, media, settings
):
    owner, first, job, users = held_on_a_scaled_worker(worker, media, settings)
    try:
        os.kill(first.pid, signal.SIGKILL)  # the worker's own pid, nothing else
        first.wait(timeout=10)
    finally:
        release(users)

    # No worker: the job falls silent and its page says what happens next.
    _, silent_in = timed(wait_for, lambda: Job.objects.get(pk=job.pk).worker_lost, 3 * STALE_LIMIT)
    viewer = Client()
    viewer.force_login(owner)
    page = viewer.get(reverse("jobs:job-detail", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "执行此任务的后台进程已停止" in page.content.decode()

    second, started_in = timed(worker, **SCALED)
    _, resumed_in = timed(sweep_every_second_until, lambda: finished(job), 30)
    print(
        f"silent after {silent_in:.1f} s more; second worker ready in {started_in:.1f} s; "
        f"the job finished {resumed_in:.1f} s later"
    )
    assert resumed_in <= SWEEP_EVERY + 10  # one sweep (the worker's own at start), then the run
    assert_exported_once(media, job, owner)
    assert second.log_path.read_text().count("succeeded in") == 1
