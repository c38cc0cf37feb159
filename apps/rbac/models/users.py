"""sys_user: one role per user, a department and a supervisor (SPEC §2.13)."""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.rbac.models.rights import Role


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
    # A database default too: the benchmark and other bulk SQL insert users without it.
    phone = models.CharField(_("phone"), max_length=30, blank=True, default="", db_default="")
    role = models.ForeignKey(
        Role,
        verbose_name=_("role"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        db_column="usr_role_id",
    )
    department = models.ForeignKey(
        "rbac.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    supervisor = models.ForeignKey(
        "self",
        verbose_name=_("supervisor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subordinates",
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
        constraints = [
            models.CheckConstraint(
                condition=~Q(supervisor=F("pk")),
                name="sys_user_not_own_supervisor",
                violation_error_message=_("A user cannot be his own supervisor."),
            ),
        ]
        permissions = [
            ("access_admin", _("Can use the back-office (Django admin)")),
            ("disable_user", _("Can disable and enable users")),
            ("explain_access", _("Can see why a user may or may not see a record")),
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
