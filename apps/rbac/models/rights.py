"""Rights (the menu tree and permission codes) and roles (SPEC §2.15, §2.16)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.rbac.models.labels import BilingualLabelMixin
from crm.models import TimeStampedModel


class Right(BilingualLabelMixin, models.Model):
    class Type(models.TextChoices):
        FOLDER = "folder", _("Folder")
        DOCUMENT = "document", _("Page")
        ACTION = "action", _("Action")

    label_zh_field, label_en_field = "text", "text_en"

    code = models.CharField(_("code"), max_length=50, primary_key=True, db_column="right_code")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
        db_column="right_parent_code",
    )
    type = models.CharField(_("type"), max_length=20, choices=Type, db_column="right_type")
    text = models.CharField(_("text (Chinese)"), max_length=50, db_column="right_text")
    text_en = models.CharField(_("text (English)"), max_length=50, blank=True)
    url_name = models.CharField(_("URL name"), max_length=100, blank=True, db_column="right_url")
    tip = models.CharField(_("description"), max_length=200, blank=True, db_column="right_tip")
    permission = models.CharField(
        _("permission code"),
        max_length=100,
        blank=True,
        help_text=_("Django permission string, app_label.codename"),
    )
    icon = models.CharField(_("icon"), max_length=50, blank=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        db_table = "sys_right"
        ordering = ["sort_order", "code"]
        verbose_name = _("right")
        verbose_name_plural = _("rights")
        constraints = [
            models.CheckConstraint(
                condition=Q(type__in=["folder", "document", "action"]), name="sys_right_type_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class Role(BilingualLabelMixin, TimeStampedModel):
    code = models.SlugField(
        _("code"),
        max_length=50,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Stable key of a built-in role; empty for roles created by the admin."),
    )
    name = models.CharField(_("role name"), max_length=50, unique=True, db_column="role_name")
    name_en = models.CharField(_("role name (English)"), max_length=50, blank=True)
    description = models.CharField(
        _("description"), max_length=1000, blank=True, db_column="role_desc"
    )
    is_active = models.BooleanField(_("active"), default=True, db_column="role_flag")
    rights = models.ManyToManyField(
        Right, through="RoleRight", related_name="roles", verbose_name=_("rights"), blank=True
    )

    class Meta:
        db_table = "sys_role"
        ordering = ["pk"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self) -> str:
        return self.label


class RoleRight(models.Model):
    role = models.ForeignKey(Role, on_delete=models.CASCADE, db_column="rf_role_id")
    right = models.ForeignKey(Right, on_delete=models.CASCADE, db_column="rf_right_code")

    class Meta:
        db_table = "sys_role_right"
        constraints = [
            models.UniqueConstraint(fields=["role", "right"], name="sys_role_right_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.role_id}:{self.right_id}"
