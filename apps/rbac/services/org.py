"""
The organization (issue 16): the department tree, a user's place in it, and the data scopes of
the roles. Every write of the tree first takes one transaction-level lock on the whole tree
(the tree is small and its paths depend on each other), then the rows, in that order.
"""

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _
from treebeard.exceptions import InvalidMoveToDescendant

from apps.rbac.models import DataScope, Department, Role, User
from apps.rbac.policies import department_policy, role_policy, subordinate_ids
from apps.rbac.services.audit import audit_event_create, audit_record_changes, snapshot
from crm.exceptions import DomainError

DEPARTMENT_FIELDS = ["name", "name_en", "head", "is_active"]
TREE_LOCK = 7_160_016  # pg_advisory_xact_lock key of the department tree


def _lock_tree() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [TREE_LOCK])


def _locked(department_id: int) -> Department:
    _lock_tree()
    return Department.objects.select_for_update().get(pk=department_id)


@transaction.atomic
def department_create(*, actor, name: str, parent_id: int | None = None, **fields) -> Department:
    """A new department, at the top or as the last child of `parent_id`; audited."""
    department_policy.require(actor, "add")
    department = Department(name=name, **fields)
    department.full_clean(exclude=["path", "depth", "numchild"])
    if parent_id is None:
        _lock_tree()
        department = Department.objects.add_root(instance=department)
    else:
        department = Department.objects.add_child(_locked(parent_id), instance=department)
    audit_event_create(
        actor=actor,
        target=department,
        action="rbac.department.create",
        data={**snapshot(department, DEPARTMENT_FIELDS), "parent_id": parent_id},
    )
    return department


@transaction.atomic
def department_update(*, actor, department_id: int, **fields) -> Department:
    """Rename a department, change its head, deactivate or reactivate it; audited."""
    department = _locked(department_id)
    department_policy.require(actor, "change", department)
    before = snapshot(department, DEPARTMENT_FIELDS)
    for name, value in fields.items():
        setattr(department, name, value)
    department.full_clean(exclude=["path", "depth", "numchild"])
    department.save()
    audit_record_changes(
        actor=actor, target=department, action="rbac.department.update", before=before
    )
    return department


@transaction.atomic
def department_move(*, actor, department_id: int, parent_id: int | None) -> Department:
    """Move a department (with everything below it) under another one, or to the top."""
    department = _locked(department_id)
    department_policy.require(actor, "change", department)
    old_parent = Department.objects.get_parent(department)
    if parent_id == (old_parent.pk if old_parent else None):
        return department
    try:
        if parent_id is None:
            Department.objects.move(
                department, Department.objects.get_first_root_node(), "last-sibling"
            )
        else:
            parent = Department.objects.get(pk=parent_id)
            Department.objects.move(department, parent, "last-child")
    except InvalidMoveToDescendant:
        raise ValidationError(
            {"parent": _("A department cannot be moved under itself or one of its own.")}
        ) from None
    department = Department.objects.get(pk=department_id)  # treebeard moved it in raw SQL
    audit_event_create(
        actor=actor,
        target=department,
        action="rbac.department.move",
        changes={"parent_id": [old_parent.pk if old_parent else None, parent_id]},
    )
    return department


@transaction.atomic
def department_delete(*, actor, department_id: int) -> None:
    """Delete an empty department; one with members or departments below it says why not."""
    department = _locked(department_id)
    department_policy.require(actor, "delete", department)
    if department.numchild:
        raise DomainError(
            _("“%(name)s” has departments below it: move or delete them first.")
            % {"name": department.label}
        )
    if department.members.exists():
        raise DomainError(
            _("“%(name)s” still has %(count)s users: move them to another department first.")
            % {"name": department.label, "count": department.members.count()}
        )
    audit_event_create(
        actor=actor,
        target=department,
        action="rbac.department.delete",
        data=snapshot(department, DEPARTMENT_FIELDS),
    )
    department.delete()


def ensure_no_supervisor_loop(user: User) -> None:
    """Refuse a supervisor who reports to the user, however indirectly (the database refuses
    the user himself): the same walk down the reporting line as the 本人及下属 data scope."""
    if user.supervisor_id is not None and user.supervisor_id in subordinate_ids(user.pk):
        raise ValidationError(
            {"supervisor": _("This supervisor reports to the user: that would be a loop.")}
        )


@transaction.atomic
def role_set_data_scopes(*, actor, role_id: int, scopes: dict[str, str]) -> Role:
    """Set a role's data scope per module ({module: scope}); audited as before/after."""
    role = Role.objects.select_for_update().get(pk=role_id)
    role_policy.require(actor, "change", role)
    invalid = set(scopes.values()) - set(DataScope.Scope.values)
    if set(scopes) - set(DataScope.Module.values) or invalid:
        raise ValidationError(_("Unknown module or data scope."))
    before = dict(role.data_scopes.values_list("module", "scope"))
    for module, scope in scopes.items():
        DataScope.objects.update_or_create(role=role, module=module, defaults={"scope": scope})
    after = dict(role.data_scopes.values_list("module", "scope"))
    if after != before:
        audit_event_create(
            actor=actor,
            target=role,
            action="rbac.role.set_data_scopes",
            changes={"data_scopes": [before, after]},
        )
    return role
