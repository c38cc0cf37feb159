"""
Sales chances and their development plans (SPEC §2.1, §2.2, §3.1).

    unassigned(1) ──assign──> developing(2) ──win──> won(3)
                                   └──────terminate──> lost(4)

Won and lost are terminal ("archived" in the plan list). Winning creates the customer.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.models import StatusBadge, TimeStampedModel


class SalesChance(StatusBadge, TimeStampedModel):
    class Status(models.IntegerChoices):
        UNASSIGNED = 1, _("Unassigned")
        DEVELOPING = 2, _("Developing")
        WON = 3, _("Won")
        LOST = 4, _("Lost")

    STATUS_BADGES = {
        Status.UNASSIGNED: "secondary",
        Status.DEVELOPING: "primary",
        Status.WON: ("success", format_lazy("{} · {}", _("Archived"), _("Won"))),
        Status.LOST: ("dark", format_lazy("{} · {}", _("Archived"), _("Lost"))),
    }
    TRANSITIONS = {
        Status.UNASSIGNED: {Status.DEVELOPING},
        Status.DEVELOPING: {Status.WON, Status.LOST},
        Status.WON: set(),
        Status.LOST: set(),
    }

    source = models.CharField(_("source"), max_length=50, blank=True, db_column="chc_source")
    customer_name = models.CharField(_("customer name"), max_length=100, db_column="chc_cust_name")
    title = models.CharField(_("summary"), max_length=200, db_column="chc_title")
    rate = models.PositiveSmallIntegerField(
        _("success rate (%)"),
        default=0,
        db_column="chc_rate",
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    linkman = models.CharField(_("linkman"), max_length=50, blank=True, db_column="chc_linkman")
    tel = models.CharField(_("linkman phone"), max_length=50, blank=True, db_column="chc_tel")
    description = models.CharField(
        pgettext_lazy("chance", "description"), max_length=2000, db_column="chc_desc"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
        db_column="chc_create_id",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_column="chc_due_id",
    )
    assigned_at = models.DateTimeField(
        _("assigned at"), null=True, blank=True, db_column="chc_due_date"
    )
    status = models.PositiveSmallIntegerField(
        _("status"),
        choices=Status,
        default=Status.UNASSIGNED,
        db_index=True,
        db_column="chc_status",
    )

    class Meta:
        db_table = "sal_chance"
        ordering = ["-created_at", "-pk"]
        verbose_name = _("sales chance")
        verbose_name_plural = _("sales chances")
        permissions = [
            ("assign_saleschance", _("Can assign sales chances")),
            ("change_all_saleschance", _("Can edit every unassigned sales chance")),
            ("develop_saleschance", _("Can execute plans, win or terminate chances")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[1, 2, 3, 4]), name="sal_chance_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(rate__gte=0, rate__lte=100), name="sal_chance_rate_0_100"
            ),
            models.CheckConstraint(
                condition=Q(status=1) | Q(assignee__isnull=False),
                name="sal_chance_assigned_has_assignee",
            ),
            # An unassigned chance has no assignee: assigning is the only way to set one.
            models.CheckConstraint(
                condition=~Q(status=1) | Q(assignee__isnull=True, assigned_at__isnull=True),
                name="sal_chance_unassigned_has_no_assignee",
            ),
            models.CheckConstraint(
                condition=Q(status=1) | Q(assigned_at__isnull=False),
                name="sal_chance_assigned_has_date",
            ),
        ]
        indexes = [models.Index(fields=["assignee", "status"], name="sal_chance_assignee_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.customer_name}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("marketing:chance-detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        """Won and lost chances are archived: read-only (SPEC §3.1 step 9)."""
        return self.status in (self.Status.WON, self.Status.LOST)


class SalesPlan(TimeStampedModel):
    chance = models.ForeignKey(
        SalesChance,
        verbose_name=_("sales chance"),
        on_delete=models.CASCADE,
        related_name="plans",
        db_column="pla_chc_id",
    )
    date = models.DateField(_("date"), db_column="pla_date")
    todo = models.CharField(_("plan item"), max_length=500, db_column="pla_todo")
    result = models.CharField(
        pgettext_lazy("plan", "result"), max_length=500, blank=True, db_column="pla_result"
    )

    class Meta:
        db_table = "sal_plan"
        ordering = ["date", "pk"]
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        permissions = [
            ("view_all_salesplan", _("Can see every development plan")),
            ("change_all_salesplan", _("Can make plans for every chance")),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.todo[:40]}"
