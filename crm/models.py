"""The abstract base model every business table uses, the status badge's colours, and the
double-submit guard."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Every business row knows when it was created and last changed (SPEC §8.1)."""

    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class StatusBadge:
    """
    A model whose `status` shows as one badge (the `{% status_badge obj %}` tag, crm/templatetags).
    STATUS_BADGES maps a status to its Bootstrap colour, or to (colour, label) where the badge
    says more than the status's own label.
    """

    STATUS_BADGES: dict = {}

    @property
    def status_badge(self) -> tuple[str, str]:
        badge = self.STATUS_BADGES.get(self.status, "secondary")
        if isinstance(badge, tuple):
            return badge
        return badge, self.get_status_display()


class SubmissionToken(models.Model):
    """
    One row per submitted create form (its hidden token): a second submission of the same form
    (double click, resent request) finds the token taken and creates nothing.
    """

    token = models.UUIDField(primary_key=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        db_table = "crm_submission_token"

    def __str__(self) -> str:
        return str(self.token)
