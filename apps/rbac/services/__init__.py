"""Writes of the rbac app: audit events, users, roles and the built-in defaults."""

from apps.rbac.services.audit import audit_event_create, audit_record_changes, snapshot
from apps.rbac.services.roles import rbac_sync_defaults, role_create, role_set_rights, role_update
from apps.rbac.services.users import (
    Holding,
    RecordsRemain,
    successors,
    user_create,
    user_hand_over,
    user_holdings,
    user_set_active,
    user_set_language,
    user_set_password,
    user_update,
)

__all__ = [
    "Holding",
    "RecordsRemain",
    "audit_event_create",
    "audit_record_changes",
    "rbac_sync_defaults",
    "role_create",
    "role_set_rights",
    "role_update",
    "snapshot",
    "successors",
    "user_create",
    "user_hand_over",
    "user_holdings",
    "user_set_active",
    "user_set_language",
    "user_set_password",
    "user_update",
]
