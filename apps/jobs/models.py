"""
Background jobs (RELIABILITY §2.3): the row in PostgreSQL is the source of truth, the Celery
message only a wake-up call. So a job survives Redis being down and a worker being killed::

    queued ──(worker claims it: conditional UPDATE)──> running ──> done | failed
       ^                                                  │
       └──────(sweeper: heartbeat stale, attempts left)───┘

A running job's worker beats every CRM_JOB_HEARTBEAT_SECONDS from a thread of its own (however
slow the job's step); silent for CRM_JOB_STALE_SECONDS, the worker is taken for gone.

Any app registers a kind of job (the hook "jobs.kind", apps.jobs.registry): reports, imports,
large exports, and the nightly work, which beat only creates (apps.jobs.services.job_schedule).
"""

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models import StatusBadge, TimeStampedModel


def stale_before(seconds: int | None = None) -> datetime:
    """A running job whose last sign of life is older than this has lost its worker."""
    seconds = settings.CRM_JOB_STALE_SECONDS if seconds is None else seconds
    return timezone.now() - timedelta(seconds=seconds)


class Job(StatusBadge, TimeStampedModel):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    ACTIVE_STATUSES = (Status.QUEUED, Status.RUNNING)
    STATUS_BADGES = {Status.DONE: "success", Status.FAILED: "danger"}

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=100, db_index=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.QUEUED, db_index=True
    )
    progress_done = models.PositiveBigIntegerField(_("done"), default=0)
    progress_total = models.PositiveBigIntegerField(_("total"), null=True, blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)
    result_file = models.FileField(_("result file"), max_length=255, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty for jobs started by the system."),
    )
    published_at = models.DateTimeField(_("handed to the worker at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)

    class Meta:
        db_table = "sys_job"
        ordering = ["-created_at"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "done", "failed"]),
                name="sys_job_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["created_by", "-created_at"], name="sys_job_owner_idx"),
            # The sweeper's scan: only the few unfinished rows are indexed.
            models.Index(
                fields=["status", "created_at"],
                condition=Q(status__in=["queued", "running"]),
                name="sys_job_active_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("jobs:job-detail", args=[self.pk])

    @property
    def kind_label(self):
        from apps.jobs.registry import KINDS

        kind = KINDS.get(self.kind)
        return kind.label if kind else self.kind

    @property
    def duration(self) -> timedelta | None:
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def worker_lost(self) -> bool:
        """Running, but its worker fell silent: the sweeper gives it back to the queue."""
        return (
            self.status == self.Status.RUNNING
            and self.heartbeat_at is not None
            and self.heartbeat_at < stale_before()
        )

    @property
    def percent(self) -> int | None:
        """Progress in percent, None while the total is unknown."""
        if self.status == self.Status.DONE:
            return 100
        if not self.progress_total:
            return None
        return min(100, int(100 * self.progress_done / self.progress_total))
