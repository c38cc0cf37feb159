"""Writes of the rbac app: audit events, users, roles and the built-in defaults."""

from apps.rbac.services.audit import audit_event_create, audit_record_changes, snapshot
from apps.rbac.services.roles import rbac_sync_defaults, role_create, role_set_rights, role_update
from apps.rbac.services.users import (
    user_create,
    user_set_active,
    user_set_language,
    user_set_password,
    user_update,
)

__all__ = [
    "audit_event_create",
    "audit_record_changes",
    "rbac_sync_defaults",
    "role_create",
    "role_set_rights",
    "role_update",
    "snapshot",
    "user_create",
    "user_set_active",
    "user_set_language",
    "user_set_password",
    "user_update",
]
