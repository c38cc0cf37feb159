"""Celery tasks of the reports app: thin interfaces to its services."""

from celery import shared_task
from django.db import InterfaceError, OperationalError


@shared_task(
    acks_late=True,  # safe: each recomputation replaces its snapshot atomically
    ignore_result=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=60,
    max_retries=3,
)
def reports_refresh_task() -> dict:
    """Nightly: recompute the reports opened within a week for the current data."""
    from apps.reports.services import reports_refresh

    return reports_refresh()
