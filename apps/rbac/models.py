"""
Users, roles and rights (SPEC §2.13–2.16, §3.6) and the append-only audit trail.

A right is a node of the menu tree (folder or document) or an action inside a page. Each may
carry a Django permission string; a user's permissions are the strings of his role's rights
(apps.rbac.backends.RoleRightsBackend), so the menu, the views, the services and Django admin
all read the same data.
"""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from crm.models import TimeStampedModel


def bilingual_label(zh: str | None, en: str | None) -> str:
    """The English label in English when there is one, else the Chinese ("" for none)."""
    if (get_language() or "").startswith("en") and en:
        return en
    return zh or ""


class BilingualLabelMixin:
    """Rows whose label is stored in Chinese and English pick the one of the active language."""

    label_zh_field = "name"
    label_en_field = "name_en"

    @property
    def label(self) -> str:
        return bilingual_label(
            getattr(self, self.label_zh_field), getattr(self, self.label_en_field)
        )


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


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, username, password=None, **extra):
        user = self.model(username=self.model.normalize_username(username), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username, password=None, **extra):
        extra.pop("is_staff", None)  # derived from rights, see User.is_staff
        return self.create_user(username, password, is_superuser=True, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """sys_user: one role per user; "deleting" a user disables him (usr_flag 0)."""

    username = models.CharField(
        _("username"),
        max_length=50,
        unique=True,
        validators=[UnicodeUsernameValidator()],
        db_column="usr_name",
    )
    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    role = models.ForeignKey(
        Role,
        verbose_name=_("role"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        db_column="usr_role_id",
    )
    is_active = models.BooleanField(_("active"), default=True, db_column="usr_flag")
    language = models.CharField(
        _("language"), max_length=10, blank=True, choices=settings.LANGUAGES
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = UserManager()
    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        db_table = "sys_user"
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [
            ("access_admin", _("Can use the back-office (Django admin)")),
            ("disable_user", _("Can disable and enable users")),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def is_staff(self) -> bool:
        """Django admin access follows the role's rights, not a separate flag."""
        return self.is_active and (self.is_superuser or self.has_perm("rbac.access_admin"))

    @property
    def role_code(self) -> str | None:
        return self.role.code if self.role_id and self.role.is_active else None


class AuditEventQuerySet(models.QuerySet):
    def for_object(self, obj):
        ct = ContentType.objects.get_for_model(obj)
        return self.filter(content_type=ct, object_id=str(obj.pk))


class AuditEvent(models.Model):
    """
    Append-only: who did what to which record, when, and which fields changed from what to
    what. The database refuses UPDATE and DELETE on this table (migration 0002) on PostgreSQL.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=100, db_index=True)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("record type"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(_("record id"), max_length=64)
    object_repr = models.CharField(_("record"), max_length=200)
    from_status = models.CharField(_("from status"), max_length=32, blank=True)
    to_status = models.CharField(_("to status"), max_length=32, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        db_table = "sys_audit_event"
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(
                fields=["content_type", "object_id", "created_at"], name="audit_object_idx"
            )
        ]

    def __str__(self) -> str:
        return (
            f"{timezone.localtime(self.created_at):%Y-%m-%d %H:%M} {self.action} {self.object_repr}"
        )
