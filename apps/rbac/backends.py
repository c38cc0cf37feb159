"""Authentication backend: a user's permissions are the permission codes of his role's rights."""

from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.db.models import Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat

from apps.rbac.models import ACCESS_VERSION_SQL, DataScope, Right, User
from crm.memo import Memo

# A role's data scopes travel with its permissions, in the same query and the same per-request
# cache, as "data_scope.<module>.<scope>" (read by apps.rbac.policies.data_scope_of).
DATA_SCOPE_PREFIX = "data_scope."

# A role's permissions (and data scopes) per access version: one query per role and change.
role_permissions = Memo("rbac.role_permissions", size=256)


def access_version(user) -> int | None:
    """The access version read with `user` when the backend loaded him for this request
    (apps.rbac.models.version); None for a user loaded otherwise, whose data is never kept."""
    return getattr(user, "_access_version", None)


class RoleRightsBackend(ModelBackend):
    """
    Username/password login for active users (ModelBackend), with permissions read from
    sys_role_right instead of Django groups. Object-level answers (owners, data
    scopes, shares) come from apps.rbac.policies.
    """

    def get_user(self, user_id):
        """The signed-in user of a request, with his role and department, and the access
        version in the same query (so the frame's memos need no query of their own)."""
        users = User._default_manager.select_related("role", "department")
        if connection.vendor == "postgresql":  # only there do triggers move the version
            users = users.annotate(_access_version=RawSQL(ACCESS_VERSION_SQL, ()))  # noqa: S611  # nosec B611 (a constant)
        try:
            user = users.get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_rbac_perm_cache"):
            user_obj._rbac_perm_cache = self._role_permissions(user_obj)
        return user_obj._rbac_perm_cache

    def _role_permissions(self, user_obj) -> set[str]:
        if user_obj.is_superuser:
            return super().get_all_permissions(user_obj)
        if not user_obj.role_id:
            return set()
        role_id = user_obj.role_id
        return role_permissions.get(
            role_id, lambda: self._read_role_permissions(role_id), version=access_version(user_obj)
        )

    @staticmethod
    def _read_role_permissions(role_id: int) -> frozenset[str]:
        rights = (
            Right.objects.filter(roles=role_id, roles__is_active=True)
            .exclude(permission="")
            .values_list("permission", flat=True)
        )
        scopes = DataScope.objects.filter(role=role_id, role__is_active=True).values_list(
            Concat(Value(DATA_SCOPE_PREFIX), "module", Value("."), "scope"), flat=True
        )
        return frozenset(rights.union(scopes, all=True))
