"""
The organization (issue 16): departments in a tree of any depth, and per role and module the
data scope that widens "his own rows" to his subordinates', his department's or his
department tree's. The tree is a materialised path (django-treebeard): a department's subtree
is `path LIKE '<its path>%'`, one index range, whatever the depth.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from apps.rbac.models.labels import BilingualLabelMixin
from crm.models import TimeStampedModel


class Department(BilingualLabelMixin, MP_Node, TimeStampedModel):
    """部门: created, moved and deleted only through apps.rbac.services.org (treebeard's API)."""

    name = models.CharField(_("department name"), max_length=100)
    name_en = models.CharField(_("department name (English)"), max_length=100, blank=True)
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("head"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_departments",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        db_table = "sys_department"
        ordering = ["path"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.label

    @property
    def indent_class(self) -> str:
        """The CSS class that indents the department under its parent in the tree's list."""
        return f"department-depth-{self.depth}"


class DataScope(models.Model):
    """数据权限: how far a role's "own rows" reach in one module. No row means 本人 (own)."""

    class Scope(models.TextChoices):
        OWN = "own", _("Own records")
        SUBORDINATES = "subordinates", _("Own and subordinates' records")
        DEPARTMENT = "department", _("Own department's records")
        DEPARTMENT_TREE = "department_tree", _("Own department's and those below it")
        ALL = "all", _("All records")

    class Module(models.TextChoices):
        CUSTOMERS = "customers", _("Customers")
        MARKETING = "marketing", _("Marketing")
        SERVICE = "service", _("Service")

    role = models.ForeignKey(
        "rbac.Role", verbose_name=_("role"), on_delete=models.CASCADE, related_name="data_scopes"
    )
    module = models.CharField(_("module"), max_length=32, choices=Module)
    scope = models.CharField(_("data scope"), max_length=32, choices=Scope, default=Scope.OWN)

    class Meta:
        db_table = "sys_data_scope"
        verbose_name = _("data scope")
        verbose_name_plural = _("data scopes")
        constraints = [
            models.UniqueConstraint(
                fields=["role", "module"], name="sys_data_scope_one_per_module"
            ),
            models.CheckConstraint(
                condition=Q(
                    scope__in=["own", "subordinates", "department", "department_tree", "all"]
                ),
                name="sys_data_scope_scope_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role_id}:{self.module}={self.scope}"
