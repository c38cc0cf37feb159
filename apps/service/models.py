"""
Customer service tickets (SPEC §2.7, §3.4).

    created ──assign──> assigned ──handle──> handled ──feedback (satisfaction ≥ 3)──> archived
                           ^                                │
                           └────feedback (satisfaction < 3)─┘

"feedback" stays in the enum for the prototype's status filter; no ticket rests there (§8).

Every handling and the feedback on it form one ServiceRound, so a ticket that went round the
loop keeps each earlier handling and verdict (SPEC §8: "keep history of deal/result"). The
ticket's own handling/result columns mirror its latest round, as the original schema has them.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.customers.models import Customer
from crm.models import StatusBadge, TimeStampedModel


class ServiceTicket(StatusBadge, TimeStampedModel):
    class Status(models.TextChoices):
        CREATED = "created", _("New")
        ASSIGNED = "assigned", _("Assigned")
        HANDLED = "handled", _("Handled")
        FEEDBACK = "feedback", _("Feedback received")
        ARCHIVED = "archived", _("Archived")

    STATUS_BADGES = {
        Status.CREATED: "info",
        Status.ASSIGNED: "primary",
        Status.HANDLED: "success",
        Status.FEEDBACK: "success",
        Status.ARCHIVED: "secondary",
    }

    # Feedback with at least this satisfaction archives the ticket; below it goes back (§3.4).
    SATISFIED_FROM = 3

    TRANSITIONS = {
        Status.CREATED: {Status.ASSIGNED},
        Status.ASSIGNED: {Status.HANDLED},
        Status.HANDLED: {Status.ARCHIVED, Status.ASSIGNED},
        Status.FEEDBACK: {Status.ARCHIVED, Status.ASSIGNED},
        Status.ARCHIVED: set(),
    }

    type = models.CharField(_("service type"), max_length=20, db_column="svr_type")
    title = models.CharField(_("summary"), max_length=500, db_column="svr_title")
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="services",
        db_column="svr_cust_id",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status,
        default=Status.CREATED,
        db_index=True,
        db_column="svr_status",
    )
    request = models.CharField(_("request"), max_length=3000, db_column="svr_request")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
        db_column="svr_create_id",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("service", "assigned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_column="svr_due_id",
    )
    assigned_at = models.DateTimeField(
        pgettext_lazy("service", "assigned at"), null=True, blank=True, db_column="svr_due_date"
    )
    handling = models.CharField(_("handling"), max_length=3000, blank=True, db_column="svr_deal")
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_column="svr_deal_id",
    )
    handled_at = models.DateTimeField(
        _("handled at"), null=True, blank=True, db_column="svr_deal_date"
    )
    result = models.CharField(
        pgettext_lazy("service", "result"), max_length=500, blank=True, db_column="svr_result"
    )
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"),
        null=True,
        blank=True,
        db_column="svr_satisfy",
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )

    class Meta:
        db_table = "cst_service"
        ordering = ["-created_at", "-pk"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        permissions = [
            ("assign_serviceticket", _("Can assign services")),
            ("handle_serviceticket", _("Can handle services assigned to him")),
            ("feedback_serviceticket", _("Can record customer feedback")),
            ("view_all_serviceticket", _("Can see every service")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["created", "assigned", "handled", "feedback", "archived"]),
                name="cst_service_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="cst_service_satisfaction_1_5",
            ),
        ]
        indexes = [
            models.Index(fields=["assignee", "status"], name="cst_service_assignee_idx"),
            # The feedback badge and list: "handled tickets I created".
            models.Index(fields=["created_by", "status"], name="cst_service_creator_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("service:ticket-detail", args=[self.pk])


class ServiceRound(TimeStampedModel):
    """
    One handling of a ticket and the customer's feedback on it. Rows are only appended, and
    the feedback columns are filled once; at most one round per ticket awaits feedback.
    """

    ticket = models.ForeignKey(
        ServiceTicket,
        verbose_name=_("service"),
        on_delete=models.PROTECT,
        related_name="rounds",
    )
    number = models.PositiveSmallIntegerField(_("round"))
    handling = models.CharField(_("handling"), max_length=3000)
    # Empty only on a round kept from a ticket written before rounds existed (demo, import).
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("handled at"))
    result = models.CharField(pgettext_lazy("service", "result"), max_length=500, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    feedback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("feedback by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    feedback_at = models.DateTimeField(_("feedback at"), null=True, blank=True)

    class Meta:
        db_table = "cst_service_round"
        ordering = ["ticket", "number"]
        verbose_name = _("handling round")
        verbose_name_plural = _("handling rounds")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "number"], name="cst_service_round_uniq"),
            # The database rules out two rounds awaiting feedback on one ticket.
            models.UniqueConstraint(
                fields=["ticket"],
                condition=Q(feedback_at__isnull=True),
                name="cst_service_round_one_open",
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="cst_service_round_satisfaction_1_5",
            ),
            # Feedback is recorded whole (when and how satisfied) or not at all; who gave it
            # is unknown only on a round kept from a ticket written before rounds existed.
            models.CheckConstraint(
                condition=Q(
                    feedback_at__isnull=True, feedback_by__isnull=True, satisfaction__isnull=True
                )
                | Q(feedback_at__isnull=False, satisfaction__isnull=False),
                name="cst_service_round_feedback_whole",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id}/{self.number}"
