"""
Churn (SPEC §2.6, §3.3, §8.1)::

    warning(1) ──postpone──> postponed(2) ──postpone──> postponed(2)
       │                        │
       ├────────confirm─────────┴──confirm──> confirmed(3)
       └──(customer orders again)──────────> recovered(4)   (from 1 or 2, by the nightly job)

At most one open (1 or 2) churn record per customer: a partial unique constraint. Each run of
the scan (apps.customers.services.churn_scanner) is a background job (apps.jobs: its status,
times, error, who asked) with a ChurnScanRun beside it for what the scan found.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.customers.models.customers import Customer
from crm.models import StatusBadge, TimeStampedModel


class ChurnScanRun(TimeStampedModel):
    """
    What one run of the churn scan found. Its job (apps.jobs) holds the run's life: queued by
    the admin or by the nightly schedule, status, times, error, who asked. The cutoff is set
    together with the counts, in the scan's transaction: a run with a cutoff is done.
    """

    JOB_KIND = "customers.churn_scan"

    job = models.OneToOneField(
        "jobs.Job",
        verbose_name=_("background job"),
        null=True,  # a run made outside the job table: the tests, the benchmark
        blank=True,
        on_delete=models.PROTECT,
        related_name="churn_scan_run",
    )
    months = models.PositiveSmallIntegerField(_("months without an order"), null=True, blank=True)
    cutoff = models.DateField(_("no order since"), null=True, blank=True)
    warned = models.PositiveIntegerField(_("new warnings"), default=0)
    recovered = models.PositiveIntegerField(_("recovered"), default=0)
    notified = models.PositiveIntegerField(_("managers notified"), default=0)
    mail_failed = models.PositiveIntegerField(_("e-mails not sent"), default=0)

    class Meta:
        db_table = "cst_lost_scan_run"
        ordering = ["-created_at", "-pk"]
        verbose_name = _("churn scan run")
        verbose_name_plural = _("churn scan runs")
        permissions = [("run_churnscanrun", _("Can run the churn scan and see its runs"))]

    def __str__(self) -> str:
        return f"#{self.pk}"

    @property
    def is_done(self) -> bool:
        return self.cutoff is not None


class ChurnQuerySet(models.QuerySet):
    def open(self):
        """Warnings and postponed records: the ones an account manager still has to decide."""
        return self.filter(status__in=Churn.OPEN_STATUSES)


class Churn(StatusBadge, TimeStampedModel):
    class Status(models.IntegerChoices):
        WARNING = 1, _("Warning")
        POSTPONED = 2, _("Postponed")
        CONFIRMED = 3, _("Confirmed lost")
        RECOVERED = 4, _("Recovered")

    STATUS_BADGES = {
        Status.WARNING: "warning",
        Status.POSTPONED: "info",
        Status.CONFIRMED: "danger",
        Status.RECOVERED: "success",
    }
    TRANSITIONS = {
        Status.WARNING: {Status.POSTPONED, Status.CONFIRMED, Status.RECOVERED},
        Status.POSTPONED: {Status.POSTPONED, Status.CONFIRMED, Status.RECOVERED},
        Status.CONFIRMED: set(),
        Status.RECOVERED: set(),
    }
    OPEN_STATUSES = (Status.WARNING, Status.POSTPONED)

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="churns",
        db_column="lst_cust_id",
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_column="lst_cust_manager_id",
        help_text=_("The customer's account manager when the churn was detected."),
    )
    last_order_date = models.DateField(
        _("last order date"), null=True, blank=True, db_column="lst_last_order_date"
    )
    lost_date = models.DateField(
        _("confirmed lost on"), null=True, blank=True, db_column="lst_lost_date"
    )
    recovered_date = models.DateField(_("recovered on"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=2000, blank=True, db_column="lst_reason")
    status = models.PositiveSmallIntegerField(
        _("status"), choices=Status, default=Status.WARNING, db_index=True, db_column="lst_status"
    )
    # Bookkeeping, not business data: no database constraint, because at a million customers
    # the first scan inserts ~300,000 warnings and each foreign key costs a row check at commit.
    scan_run = models.ForeignKey(
        ChurnScanRun,
        verbose_name=_("found by scan"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="warnings",
        db_constraint=False,
    )

    objects = ChurnQuerySet.as_manager()

    class Meta:
        db_table = "cst_lost"
        ordering = ["-created_at", "-pk"]
        verbose_name = _("churn record")
        verbose_name_plural = _("churn records")
        permissions = [("view_all_churn", _("Can see every churn record"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[1, 2, 3, 4]), name="cst_lost_status_valid"
            ),
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(status__in=[1, 2]),
                name="cst_lost_one_open_per_customer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer.name} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("customers:churn-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class ChurnMeasure(TimeStampedModel):
    """One postpone measure (暂缓措施); SPEC §8 recommends a child table over appended text."""

    churn = models.ForeignKey(
        Churn, verbose_name=_("churn record"), on_delete=models.CASCADE, related_name="measures"
    )
    text = models.CharField(_("measure"), max_length=2000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        db_table = "cst_lost_measure"
        ordering = ["created_at", "pk"]
        verbose_name = _("postpone measure")
        verbose_name_plural = _("postpone measures")

    def __str__(self) -> str:
        return self.text[:50]
