"""
The churn scan job through a real Celery worker on the real Redis (RELIABILITY §2.5, §2.7): the
message is serialised, consumed and acknowledged as in production, against the test database.
The worker consumes a queue of its own (for the messages a test sends itself) and "nightly",
where every churn scan job is published.
"""

import json
import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from apps.customers.models import Churn, ChurnScanRun
from apps.jobs.models import Job
from apps.jobs.services import job_create, job_run, jobs_requeue
from crm.celery import app as celery_app
from tests.customers.churn_factories import months_ago, old_customer, order

pytestmark = pytest.mark.django_db(transaction=True)

BASE_DIR = Path(settings.BASE_DIR)
WAIT_SECONDS = 60
NIGHTLY_QUEUE = "nightly"


def test_database_url() -> str:
    db = connection.settings_dict
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or "5432"
    return f"postgres://{db['USER']}@{host}:{port}/{db['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


@dataclass
class Worker:
    queue: str
    process: subprocess.Popen


@pytest.fixture
def worker(transactional_db, tmp_path):
    """A worker on a queue of its own (other workers on this Redis never see our messages)."""
    queue = f"churn-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "crm.settings_test"),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DATABASE_URL": test_database_url(),
    }
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "crm",
            "worker",
            "-P",
            "solo",
            "-Q",
            f"{queue},{NIGHTLY_QUEUE}",
            "-n",
            f"{queue}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "WARNING",
        ],
        env=env,
        cwd=BASE_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    eager, celery_app.conf.task_always_eager = celery_app.conf.task_always_eager, False
    try:
        yield Worker(queue, process)
    finally:
        celery_app.conf.task_always_eager = eager
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        log.close()
        forget_queue(queue)
        forget_queue(NIGHTLY_QUEUE)


def forget_queue(queue: str) -> None:
    """
    Remove a queue, and the message a killed worker left unacknowledged (else the broker hands
    it back to the queue later). Only entries routed to that queue (of this test's Redis db).
    """
    import redis

    client = redis.Redis.from_url(celery_app.conf.broker_url)
    for tag, raw in client.hgetall("unacked").items():
        if json.loads(raw)[2] == queue:  # [message, exchange, routing key]
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)
    client.delete(queue)


def wait_for(job: Job) -> ChurnScanRun:
    """The run of `job` once the worker finished the job."""
    for _ in range(WAIT_SECONDS * 2):
        job.refresh_from_db()
        if not job.is_active:
            return ChurnScanRun.objects.get(job=job)
        time.sleep(0.5)
    pytest.fail(f"the worker did not finish job {job.pk} within {WAIT_SECONDS} s")


def scan_jobs(count: int) -> list[Job]:
    """Churn scan jobs as beat or the admin create them: published to "nightly" on commit."""
    return [job_create(kind=ChurnScanRun.JOB_KIND, params={}, actor=None) for _ in range(count)]


def test_the_scan_runs_in_a_real_worker_and_twice_changes_nothing(worker):
    for months in (7, 9):
        order(old_customer(), months_ago(months))

    first, second = scan_jobs(2)  # no transaction is open: each is published at once

    assert (wait_for(first).warned, wait_for(second).warned) == (2, 0)
    assert {first.status, second.status} == {Job.Status.DONE}
    assert Churn.objects.filter(status=Churn.Status.WARNING).count() == 2


def bounded(condition, what: str, seconds: int = WAIT_SECONDS):
    for _ in range(seconds * 4):
        if condition():
            return
        time.sleep(0.25)
    pytest.fail(f"waited {seconds} s for {what}")


def backend_waiting_on(cursor, table: str) -> bool:
    cursor.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
        "AND query LIKE %s AND pid <> pg_backend_pid()",
        [f'INSERT INTO "{table}"%'],
    )
    return cursor.fetchone()[0] > 0


def state():
    from apps.notifications.models import Notification
    from apps.rbac.models import AuditEvent

    return (
        sorted(Churn.objects.values_list("customer", "status", "last_order_date")),
        sorted(AuditEvent.objects.values_list("action", "object_repr")),
        sorted(Notification.objects.values_list("recipient", "title")),
    )


def test_a_worker_killed_in_the_middle_of_the_scan_leaves_nothing_and_a_rerun_is_clean(worker):
    """
    The scan is stopped after its warnings and audit rows are written, while it waits to insert
    the notifications; the worker is killed there. Nothing it wrote survives; the jobs sweeper
    (the one recovery path) gives the silent job back to the queue, and its next run gives
    exactly the state of a clean run, in the same run record.
    """
    import psycopg

    for months in (7, 9):
        order(old_customer(), months_ago(months))
    with psycopg.connect(test_database_url()) as blocker, blocker.cursor() as cursor:
        cursor.execute("LOCK TABLE sys_notification IN ACCESS EXCLUSIVE MODE")
        [job] = scan_jobs(1)
        with psycopg.connect(test_database_url(), autocommit=True) as watcher:
            bounded(
                lambda: backend_waiting_on(watcher.cursor(), "sys_notification"),
                "the scan to reach the notifications",
            )
            worker.process.kill()
            worker.process.wait(timeout=10)
            blocker.rollback()  # the orphaned statement finishes, its transaction never commits
            bounded(
                lambda: not backend_waiting_on(watcher.cursor(), "sys_notification"),
                "the killed worker's statement to end",
            )
    assert state() == ([], [], [])
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.RUNNING, 1)

    assert jobs_requeue(stale_for=0)["revived"] == 1  # its worker stopped answering
    job_run(job_id=job.pk)  # the message the sweeper publishes

    job.refresh_from_db()
    again = ChurnScanRun.objects.get()  # the run the killed attempt made, done now
    clean = state()
    assert (job.status, job.attempts) == (Job.Status.DONE, 2)
    assert (again.job, again.warned, len(clean[0]), len(clean[1]), len(clean[2])) == (
        job,
        2,
        2,
        2,
        2,
    )
