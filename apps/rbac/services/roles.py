"""Roles and their rights, and the idempotent sync of the built-in defaults."""

from django.db import transaction

from apps.rbac import roles as defaults
from apps.rbac.models import Right, Role, RoleRight
from apps.rbac.policies import role_policy
from apps.rbac.services.audit import audit_event_create, audit_record_changes, snapshot
from apps.rbac.services.users import _ensure_an_admin_remains
from crm.locking import locked

ROLE_FIELDS = ["name", "name_en", "description", "is_active"]


@transaction.atomic
def role_create(*, actor, **fields) -> Role:
    """Create a role without rights; rights are granted with role_set_rights."""
    role_policy.require(actor, "add")
    role = Role(**fields)
    role.full_clean()
    role.save()
    audit_event_create(
        actor=actor, target=role, action="rbac.role.create", data=snapshot(role, ROLE_FIELDS)
    )
    return role


@transaction.atomic
def role_update(*, actor, role_id: int, **fields) -> Role:
    """Rename, describe, disable or enable a role; the last admin role cannot be disabled."""
    role = locked(Role, pk=role_id)
    role_policy.require(actor, "change", role)
    before = snapshot(role, ROLE_FIELDS)
    for name, value in fields.items():
        setattr(role, name, value)
    role.full_clean()
    role.save()
    _ensure_an_admin_remains()
    audit_record_changes(actor=actor, target=role, action="rbac.role.update", before=before)
    return role


def with_ancestors(codes) -> set[str]:
    """Checking a child checks its parents, so a granted page is always reachable in the menu."""
    parents = dict(Right.objects.values_list("code", "parent_id"))
    result = set()
    for code in codes:
        while code and code not in result:
            result.add(code)
            code = parents.get(code)
    return result


@transaction.atomic
def role_set_rights(*, actor, role_id: int, right_codes) -> Role:
    """Replace a role's rights (with their parents added); audited as added/removed codes."""
    role = locked(Role, pk=role_id)
    role_policy.require(actor, "change", role)
    wanted = with_ancestors(right_codes)
    current = set(role.rights.values_list("code", flat=True))
    RoleRight.objects.filter(role=role, right_id__in=current - wanted).delete()
    RoleRight.objects.bulk_create(
        [RoleRight(role=role, right_id=code) for code in sorted(wanted - current)]
    )
    _ensure_an_admin_remains()
    audit_event_create(
        actor=actor,
        target=role,
        action="rbac.role.set_rights",
        changes={"rights": [sorted(current), sorted(wanted)]},
    )
    return role


@transaction.atomic
def rbac_sync_defaults() -> dict:
    """Write the built-in rights and roles; existing roles only gain rights that are new."""
    existing = set(Right.objects.values_list("code", flat=True))
    for order, d in enumerate(defaults.RIGHTS):
        Right.objects.update_or_create(
            code=d.code,
            defaults={
                "parent_id": d.parent,
                "type": d.type,
                "text": d.text,
                "text_en": d.text_en,
                "url_name": d.url_name,
                "permission": d.permission,
                "icon": d.icon,
                "sort_order": order,
            },
        )
    new_rights = {d.code for d in defaults.RIGHTS} - existing
    created_roles = 0
    for d in defaults.ROLES:
        role, created = Role.objects.get_or_create(
            code=d.code,
            defaults={
                "name": d.name,
                "name_en": d.name_en,
                "description": d.description,
            },
        )
        # A new page comes with its folders, even if the role did not have them yet.
        grant = set(d.rights) if created else with_ancestors(set(d.rights) & new_rights)
        RoleRight.objects.bulk_create(
            [RoleRight(role=role, right_id=c) for c in sorted(grant)],
            ignore_conflicts=True,
        )
        created_roles += created
    return {"new_rights": len(new_rights), "new_roles": created_roles}
