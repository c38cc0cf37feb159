"""Authentication backend: a user's permissions are the permission codes of his role's rights."""

from django.contrib.auth.backends import ModelBackend
from django.db.models import Value
from django.db.models.functions import Concat

from apps.rbac.models import DataScope, Right

# A role's data scopes travel with its permissions, in the same query and the same per-request
# cache, as "data_scope.<module>.<scope>" (read by apps.rbac.policies.data_scope_of).
DATA_SCOPE_PREFIX = "data_scope."


class RoleRightsBackend(ModelBackend):
    """
    Username/password login for active users (ModelBackend), with permissions read from
    sys_role_right instead of Django groups. Object-level answers (owners, data
    scopes, shares) come from apps.rbac.policies.
    """

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
        rights = (
            Right.objects.filter(roles=user_obj.role_id, roles__is_active=True)
            .exclude(permission="")
            .values_list("permission", flat=True)
        )
        scopes = DataScope.objects.filter(role=user_obj.role_id, role__is_active=True).values_list(
            Concat(Value(DATA_SCOPE_PREFIX), "module", Value("."), "scope"), flat=True
        )
        return set(rights.union(scopes, all=True))
