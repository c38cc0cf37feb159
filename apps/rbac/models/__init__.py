"""
Users, roles and rights (SPEC §2.13–2.16, §3.6) and the append-only audit trail.

A right is a node of the menu tree (folder or document) or an action inside a page. Each may
carry a Django permission string; a user's permissions are the strings of his role's rights
(apps.rbac.backends.RoleRightsBackend), so the menu, the views, the services and Django admin
all read the same data.
"""

from apps.rbac.models.audit import AuditEvent, AuditEventQuerySet
from apps.rbac.models.labels import BilingualLabelMixin, bilingual_label
from apps.rbac.models.org import DataScope, Department
from apps.rbac.models.rights import Right, Role, RoleRight
from apps.rbac.models.sharing import RecordShare
from apps.rbac.models.users import User, UserManager
from apps.rbac.models.version import ACCESS_VERSION_SQL, AccessVersion

__all__ = [
    "ACCESS_VERSION_SQL",
    "AccessVersion",
    "AuditEvent",
    "AuditEventQuerySet",
    "BilingualLabelMixin",
    "DataScope",
    "Department",
    "RecordShare",
    "Right",
    "Role",
    "RoleRight",
    "User",
    "UserManager",
    "bilingual_label",
]
