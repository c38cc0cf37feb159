"""
The access version (issue 17): one number that moves, in the same transaction, with every
change to what decides a user's permissions, menu and data scope: roles, rights, a role's
rights, data scopes, departments, and a user's role, department, supervisor, name or active
flag. PostgreSQL triggers (migration 0004) move it on every statement that writes those
tables, whoever writes them (services, Django admin, rbac_sync_roles, bulk loads).

It is read with the signed-in user in the query that loads him (apps.rbac.backends), so
what the frame computes from those tables (a role's permissions and menu, a user's data
scope owners) is kept in memory per version (crm.memo) and never outlives a change: the next
request reads the new number and computes afresh.
"""

from django.db import models

ACCESS_VERSION_SQL = "SELECT value FROM sys_access_version WHERE id = 1"


class AccessVersion(models.Model):
    """The single row (id 1) holding the access version; written only by the triggers."""

    value = models.BigIntegerField(default=0)

    class Meta:
        db_table = "sys_access_version"
        default_permissions = ()

    def __str__(self) -> str:
        return str(self.value)
