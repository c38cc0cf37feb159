"""Celery tasks of the customers app: thin interfaces to one service each."""

from celery import shared_task
from django.db import InterfaceError, OperationalError


@shared_task(
    acks_late=True,  # safe: the scan is idempotent, a redelivered run does the work once
    autoretry_for=(OperationalError, InterfaceError),  # the database restarting, not bugs
    retry_backoff=30,
    max_retries=3,
)
def churn_scan_task(run_id: int | None = None) -> dict:
    """The churn scan (nightly from beat, or a run queued by the admin); returns its counts."""
    from apps.customers.services import churn_scan

    run = churn_scan(run_id=run_id)
    return {
        "run": run.pk,
        "status": run.status,
        "warned": run.warned,
        "recovered": run.recovered,
        "notified": run.notified,
    }
