"""Reads of background jobs. A job belongs to whoever asked for it: others get a 404."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from apps.jobs.models import Job


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
