"""
Imports (issue 7): one ImportBatch per uploaded file, checked by a dry run, then applied all at
once, and undone as long as nothing changed its rows since::

    uploaded ─(dry run)─> checked ─(confirm)─> applying ──> applied ─(undo)─> undoing ──> undone
       │                     ^                      │          ^                  │
       v                     └──(refused: nothing)──┘          └─(rows changed)───┘
     failed (the file itself was refused)

ImportRowError holds the dry run's invalid rows (the error workbook has them all); ImportRecord
holds what undo needs: each row the import created, and each row it updated with its values
from before.
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.models import StatusBadge, TimeStampedModel


def _upload_to(batch: "ImportBatch", filename: str) -> str:
    # MEDIA_ROOT/imports/ is never served: files leave only through the owner-checked views.
    return f"imports/{batch.token}/source{Path(filename).suffix.lower()}"


def _result_to(batch: "ImportBatch", filename: str) -> str:
    return f"imports/{batch.token}/{filename}"


class ImportBatch(StatusBadge, TimeStampedModel):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Being checked")
        CHECKED = "checked", _("Checked")
        APPLYING = "applying", _("Being imported")
        APPLIED = "applied", _("Imported")
        UNDOING = "undoing", _("Being undone")
        UNDONE = "undone", _("Undone")
        FAILED = "failed", _("Refused")

    STATUS_BADGES = {
        Status.UPLOADED: "info",
        Status.CHECKED: "primary",
        Status.APPLYING: "info",
        Status.APPLIED: "success",
        Status.UNDOING: "info",
        Status.UNDONE: "secondary",
        Status.FAILED: "danger",
    }
    TRANSITIONS = {
        Status.UPLOADED: {Status.CHECKED, Status.FAILED},
        Status.CHECKED: {Status.APPLYING},
        Status.APPLYING: {Status.APPLIED, Status.CHECKED},
        Status.APPLIED: {Status.UNDOING},
        Status.UNDOING: {Status.UNDONE, Status.APPLIED},
        Status.UNDONE: set(),
        Status.FAILED: set(),
    }
    ACTIVE_STATUSES = (Status.UPLOADED, Status.APPLYING, Status.UNDOING)

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (XLSX)"

    token = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    kind = models.CharField(_("data"), max_length=20, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.UPLOADED, db_index=True
    )
    file = models.FileField(_("file"), upload_to=_upload_to, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=4, choices=Format)
    file_size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    skip_invalid = models.BooleanField(_("skip invalid rows"), default=False)
    rows_total = models.PositiveIntegerField(pgettext_lazy("import count", "rows"), default=0)
    rows_new = models.PositiveIntegerField(pgettext_lazy("import count", "new"), default=0)
    rows_updated = models.PositiveIntegerField(pgettext_lazy("import count", "updated"), default=0)
    rows_unchanged = models.PositiveIntegerField(
        pgettext_lazy("import count", "unchanged"), default=0
    )
    rows_invalid = models.PositiveIntegerField(pgettext_lazy("import count", "invalid"), default=0)
    error = models.TextField(_("error"), blank=True)
    # The first rows that stopped the last undo ({row, record, reason}), shown on the page.
    undo_blockers = models.JSONField(_("rows in the way of an undo"), default=list, blank=True)
    error_file = models.FileField(
        _("error workbook"), upload_to=_result_to, max_length=255, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    job = models.ForeignKey(
        "jobs.Job",
        verbose_name=_("current job"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    applied_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)

    class Meta:
        db_table = "imp_batch"
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        permissions = [
            ("view_all_importbatch", _("Can see every import")),
            ("undo_importbatch", _("Can undo his own imports")),
            ("undo_all_importbatch", _("Can undo every import")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "uploaded",
                        "checked",
                        "applying",
                        "applied",
                        "undoing",
                        "undone",
                        "failed",
                    ]
                ),
                name="imp_batch_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["created_by", "-created_at"], name="imp_batch_owner_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.original_name} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("imports:batch-detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES


class ImportRowError(models.Model):
    """One problem of one row (or of the whole file when `row` is empty), as the dry run saw it."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="row_errors")
    row = models.PositiveIntegerField(_("row"), null=True, blank=True)
    column = models.CharField(_("column"), max_length=50, blank=True)
    value = models.CharField(_("value"), max_length=200, blank=True)
    message = models.CharField(_("message"), max_length=500)

    class Meta:
        db_table = "imp_row_error"
        ordering = ["batch", "row", "pk"]
        verbose_name = _("import error")
        verbose_name_plural = _("import errors")

    def __str__(self) -> str:
        return f"{self.row}: {self.message}"


class ImportRecord(models.Model):
    """A row written by an applied import: created, or updated from the `previous` values."""

    class Action(models.TextChoices):
        CREATED = "c", _("created")
        UPDATED = "u", _("updated")

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="records")
    row = models.PositiveIntegerField(_("row"))
    action = models.CharField(_("action"), max_length=1, choices=Action)
    model = models.CharField(_("record type"), max_length=60)
    object_id = models.BigIntegerField(_("record id"))
    # A digest of the row's values right after the import: any later change, even one that
    # skipped save() and updated_at, makes the row block an undo.
    fingerprint = models.CharField(max_length=32)
    previous = models.JSONField(null=True, blank=True)

    class Meta:
        db_table = "imp_record"
        ordering = ["batch", "pk"]
        verbose_name = _("imported row")
        verbose_name_plural = _("imported rows")
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=["c", "u"]), name="imp_record_action_valid"
            ),
        ]
        indexes = [models.Index(fields=["batch", "model", "object_id"], name="imp_record_idx")]

    def __str__(self) -> str:
        return f"{self.model}#{self.object_id} ({self.get_action_display()})"
