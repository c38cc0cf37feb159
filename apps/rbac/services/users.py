"""User administration (SPEC §3.6). Disabling is the only "delete": users keep their history."""

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from apps.rbac.models import User
from apps.rbac.policies import user_policy
from apps.rbac.services.audit import audit_event_create, audit_record_changes, snapshot
from apps.rbac.services.org import ensure_no_supervisor_loop
from crm.exceptions import DomainError
from crm.locking import locked

ADMIN_PERMISSION = ("rbac", "change_user")
EDITABLE_FIELDS = [
    "username",
    "full_name",
    "email",
    "phone",
    "role",
    "department",
    "supervisor",
    "is_active",
]


def active_admin_count() -> int:
    """Users who could still administer users: active, with an active role granting it."""
    app_label, codename = ADMIN_PERMISSION
    return (
        User.objects.filter(
            Q(is_superuser=True)
            | Q(role__is_active=True, role__rights__permission=f"{app_label}.{codename}"),
            is_active=True,
        )
        .distinct()
        .count()
    )


def _ensure_an_admin_remains() -> None:
    if active_admin_count() == 0:
        raise DomainError(_("This would leave no active system administrator."))


@transaction.atomic
def user_create(*, actor, username: str, password: str, **fields) -> User:
    """Create a user with a validated password; the creation is audited."""
    user_policy.require(actor, "add")
    user = User(username=username, **fields)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_event_create(
        actor=actor, target=user, action="rbac.user.create", data=snapshot(user, EDITABLE_FIELDS)
    )
    return user


@transaction.atomic
def user_update(*, actor, user_id: int, **fields) -> User:
    """Change a user's name, e-mail, role or state; an admin cannot lock himself out."""
    user = locked(User, pk=user_id)
    user_policy.require(actor, "change", user)
    if user.pk == actor.pk and fields.get("is_active") is False:
        raise DomainError(_("You cannot disable your own account."))
    before = snapshot(user, EDITABLE_FIELDS)
    for name, value in fields.items():
        setattr(user, name, value)
    user.full_clean()
    ensure_no_supervisor_loop(user)
    user.save()
    _ensure_an_admin_remains()
    audit_record_changes(actor=actor, target=user, action="rbac.user.update", before=before)
    return user


@transaction.atomic
def user_set_active(*, actor, user_id: int, active: bool) -> User:
    """Disable (the logical delete of SPEC §3.6; his sessions end) or re-enable a user."""
    user = locked(User, pk=user_id)
    user_policy.require(actor, "disable", user)
    if user.pk == actor.pk and not active:
        raise DomainError(_("You cannot disable your own account."))
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active", "updated_at"])
    _ensure_an_admin_remains()
    audit_event_create(
        actor=actor,
        target=user,
        action="rbac.user.enable" if active else "rbac.user.disable",
        changes={"is_active": [not active, active]},
    )
    return user


@transaction.atomic
def user_set_password(*, actor, user_id: int, password: str) -> User:
    """Reset a user's password (his other sessions end, since the session hash changes)."""
    user = locked(User, pk=user_id)
    user_policy.require(actor, "change", user)
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password", "updated_at"])
    audit_event_create(actor=actor, target=user, action="rbac.user.reset_password")
    return user


def user_set_language(*, user: User, language: str) -> None:
    """Remember the user's interface language for his next login, on any device."""
    if user.is_authenticated and user.language != language:
        User.objects.filter(pk=user.pk).update(language=language)
