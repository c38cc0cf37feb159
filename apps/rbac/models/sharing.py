"""
协作 (issue 16): one record shared by its owner or a manager with one colleague, read-only or
read-write, optionally until a date. apps.rbac.policies reads the shares in SQL (a share whose
date has passed stops counting on its own: no job deletes it); apps.rbac.services.sharing
writes them.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RecordShareQuerySet(models.QuerySet):
    def active(self):
        """The shares that count today: no end date, or one not passed yet (in SQL)."""
        return self.filter(Q(until__isnull=True) | Q(until__gte=TruncDate(Now())))

    def of(self, record):
        return self.filter(
            content_type=ContentType.objects.get_for_model(record), object_id=record.pk
        )


class RecordShare(models.Model):
    """One record shared with one user (unique per record and user)."""

    class Access(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and write")

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("record type"), on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.BigIntegerField(_("record id"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("colleague"),
        on_delete=models.CASCADE,
        related_name="record_shares",
    )
    access = models.CharField(_("access"), max_length=8, choices=Access, default=Access.READ)
    until = models.DateField(_("until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("shared by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = RecordShareQuerySet.as_manager()

    class Meta:
        db_table = "sys_record_share"
        ordering = ["created_at", "pk"]
        verbose_name = _("share")
        verbose_name_plural = _("shares")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "user"], name="sys_record_share_one_per_user"
            ),
            models.CheckConstraint(
                condition=Q(access__in=["read", "write"]), name="sys_record_share_access_valid"
            ),
        ]
        indexes = [
            models.Index(
                fields=["user", "content_type", "object_id"], name="sys_record_share_user_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id} → {self.user_id} ({self.access})"

    @property
    def expired(self) -> bool:
        return self.until is not None and self.until < timezone.localdate()
