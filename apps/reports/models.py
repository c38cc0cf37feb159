"""
The reports read other apps' data. This app declares who may see which report, and keeps the
computed results (snapshots) so that a report is served from PostgreSQL until its data changes.

How "until its data changes" is known: database triggers (migration 0003) append one
DataChange row per statement that touched a source a report reads. A report's data version
is (count, max id) of those rows for its sources: cheap to read, and it moves with every
committed change, including bulk loads that bypass Django (see apps.reports.snapshots).
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Report(models.Model):
    """No table: a holder for the report permissions that sys_right refers to."""

    class Meta:
        managed = False
        default_permissions = ()
        verbose_name = _("report")
        permissions = [
            ("view_dashboard", _("Can see the executive dashboard")),
            ("view_contribution_report", _("Can see the customer contribution report")),
            ("view_composition_report", _("Can see the customer composition report")),
            ("view_service_report", _("Can see the service analysis report")),
            ("view_churn_report", _("Can see the churn analysis report")),
        ]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class Dashboard(models.Model):
    """No table: gives the dashboard policy its name, so it checks reports.view_dashboard."""

    class Meta:
        managed = False
        default_permissions = ()
        verbose_name = _("dashboard")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class DataChange(models.Model):
    """Written only by the triggers of migration 0003: one row per source and statement."""

    source = models.CharField(max_length=30)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "rpt_data_change"
        indexes = [models.Index(fields=["source", "id"], name="rpt_data_change_src_idx")]

    def __str__(self) -> str:
        return f"{self.source} #{self.pk}"


class ReportSnapshot(models.Model):
    """One computed report: its filters, language, data version, summary, charts and rows."""

    key = models.CharField(max_length=64)  # sha256 of (report, filters, language)
    report = models.CharField(max_length=30)
    params = models.JSONField(default=dict)
    language = models.CharField(max_length=10)
    data_version = models.CharField(max_length=60)
    payload = models.JSONField(default=dict)  # summary figures and the charts' input data
    charts = models.JSONField(default=dict)  # chart name -> SVG text
    row_count = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(default=timezone.now)
    compute_ms = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "rpt_snapshot"
        indexes = [models.Index(fields=["key", "-computed_at"], name="rpt_snapshot_key_idx")]

    def __str__(self) -> str:
        return f"{self.report} {self.params} @ {self.data_version}"


class ReportRow(models.Model):
    """One line of a snapshot's table, in display order (rank 1, 2, …)."""

    # No database constraint: the rows are written with their snapshot in one transaction, and
    # checking a deferred foreign key row by row at commit cost a third of a big computation.
    snapshot = models.ForeignKey(
        ReportSnapshot, on_delete=models.CASCADE, related_name="rows", db_constraint=False
    )
    rank = models.PositiveIntegerField()
    amount = models.DecimalField(max_digits=20, decimal_places=2, null=True)
    data = models.JSONField(default=dict)

    class Meta:
        db_table = "rpt_row"
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "rank"], name="rpt_row_rank_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.snapshot_id}/{self.rank}"
