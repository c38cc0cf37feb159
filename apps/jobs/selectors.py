"""Reads of background jobs. A job belongs to whoever asked for it: others get a 404."""

import json

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django_celery_beat.models import PeriodicTask

from apps.jobs.models import Job

# Beat's one kind of entry (django-celery-beat rows with kwargs {"kind": …}): it only creates a
# job of that kind (apps.jobs.services.job_schedule).
SCHEDULE_TASK = "apps.jobs.tasks.job_schedule_task"


def job_list(*, user) -> QuerySet[Job]:
    """The user's own jobs, newest first (a job may name private filters or files)."""
    if user is None or not user.is_authenticated:
        return Job.objects.none()
    return Job.objects.filter(created_by=user).order_by("-created_at")


def job_get(*, user, pk) -> Job:
    """One of the user's jobs, or 404 for anyone else's."""
    return get_object_or_404(job_list(user=user), pk=pk)


def job_latest(*, user, kind: str, params: dict) -> Job | None:
    """The user's most recent job of `kind` with exactly these parameters."""
    return job_list(user=user).filter(kind=kind, params=params).first()


def job_schedule_entry(*, kind: str) -> PeriodicTask | None:
    """Beat's row (with its crontab) that creates the jobs of `kind`, or None."""
    return (
        PeriodicTask.objects.filter(task=SCHEDULE_TASK, kwargs__contains=json.dumps(kind))
        .select_related("crontab")
        .order_by("pk")
        .first()
    )
