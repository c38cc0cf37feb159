"""Celery tasks of the jobs app: thin interfaces to its services."""

import logging

from celery import shared_task
from celery.signals import worker_ready
from django.db import InterfaceError, OperationalError, connections

logger = logging.getLogger(__name__)


@shared_task(
    acks_late=True,  # safe: the claim is a conditional UPDATE, a redelivered message is a no-op
    ignore_result=True,
    autoretry_for=(OperationalError, InterfaceError),  # the database restarting, not bugs
    retry_backoff=5,
    max_retries=3,
)
def run_job_task(job_id: str) -> None:
    """Run one background job; however often the message arrives, the job runs once."""
    from apps.jobs.services import job_run

    job_run(job_id=job_id)


@shared_task(
    ignore_result=True,
    autoretry_for=(OperationalError, InterfaceError),  # the database restarting, not bugs
    retry_backoff=30,
    max_retries=3,
)
def job_schedule_task(kind: str) -> str | None:
    """
    Beat's one kind of nightly entry: queue a job of `kind` (the churn scan, the report
    refresh). The job table does the rest; a message lost on the way is caught up by the sweep.
    """
    from apps.jobs.services import job_schedule

    job = job_schedule(kind=kind)
    return str(job.pk) if job else None


@shared_task(ignore_result=True)
def jobs_requeue_task() -> dict:
    """Every minute (beat): catch up lost schedules, re-publish queued jobs, revive stale ones."""
    from apps.jobs.services import jobs_sweep

    return jobs_sweep()


@worker_ready.connect
def requeue_at_worker_start(sender=None, **kwargs) -> None:
    """A worker coming back publishes every waiting job at once, not a minute later."""
    from apps.jobs.services import jobs_requeue

    try:
        counts = jobs_requeue(queued_for=0)
        logger.info("jobs waiting at worker start: %s", counts)
    finally:
        connections.close_all()  # the pool's children must not share this connection
