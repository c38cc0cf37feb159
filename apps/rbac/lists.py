"""The user, department and audit lists of the system admin, declared once (crm.lists)."""

from django.utils.translation import gettext_lazy as _

from apps.rbac import selectors
from apps.rbac.filters import AuditEventFilter, DepartmentFilter, UserFilter
from apps.rbac.models import bilingual_label
from apps.rbac.policies import audit_policy, department_policy, user_policy
from crm.exports import column
from crm.lists import FACT, STATUS, TITLE, ListDefinition, col

users = ListDefinition(
    policy=user_policy,
    selector=selectors.user_list,
    filterset_class=UserFilter,
    columns=(
        col("pk", _("No.")),
        col("username", _("Username"), sort="username", phone=TITLE),
        col("full_name", _("Full name"), sort="full_name", phone=FACT),
        col("role", _("Role"), phone=FACT),
        col("department", _("Department"), phone=FACT),
        col("state", _("State"), phone=STATUS),
        col("last_login", _("Last login"), sort="last_login"),
    ),
    sort_fields={"username": "username", "full_name": "full_name", "last_login": "last_login"},
    default_sort="username",
    export_filename="users",
    export_columns=(
        column(_("Username"), "username"),
        column(_("Full name"), "full_name"),
        column(_("Role"), "role__name", "role__name_en", format=bilingual_label),
        column(_("Department"), "department__name", "department__name_en", format=bilingual_label),
        column(_("Supervisor"), "supervisor__username"),
        column(_("E-mail"), "email"),
        column(_("Phone"), "phone"),
        column(_("Active"), "is_active"),
        column(_("Last login"), "last_login"),
    ),
    row_actions=("change", "disable"),
    page_actions=("add",),
)

departments = ListDefinition(
    policy=department_policy,
    selector=selectors.department_tree,
    filterset_class=DepartmentFilter,
    columns=(
        col("name", _("Department"), phone=TITLE),
        col("head", _("Head"), phone=FACT),
        col("users", _("Users"), phone=FACT),
        col("state", _("State"), phone=STATUS),
    ),
    sort_fields={"path": "path"},  # the tree's own order, parents before children
    default_sort="path",
    export_filename="departments",
    export_columns=(
        column(_("Department"), selectors.DEPARTMENT_NAMES),
        column(_("Department name"), "name"),
        column(_("Department name (English)"), "name_en"),
        column(_("Head"), "head__username"),
        column(_("Users"), "member_count"),
        column(_("Active"), "is_active"),
    ),
    row_actions=("add", "change", "delete"),
    page_actions=("add",),
)

audit_events = ListDefinition(
    policy=audit_policy,
    selector=selectors.audit_event_list,
    filterset_class=AuditEventFilter,
    columns=(
        col("created_at", _("Time"), phone=FACT),
        col("actor", _("Actor"), phone=FACT),
        col("action", _("Action"), phone=TITLE),
        col("record", _("Record"), phone=FACT),
        col("status", _("Status")),
        col("changes", _("Changes")),
    ),
    sort_fields={"created_at": "created_at"},
    default_sort="-created_at",
)
