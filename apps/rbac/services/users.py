"""User administration (SPEC §3.6). Disabling is the only "delete": users keep their history."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.rbac import roles
from apps.rbac.models import User
from apps.rbac.policies import user_policy
from apps.rbac.services.audit import (
    audit_event_create,
    audit_events_bulk_create,
    audit_record_changes,
    snapshot,
)
from apps.rbac.services.org import ensure_no_supervisor_loop
from crm import hooks
from crm.exceptions import DomainError
from crm.locking import atomic_retried, locked

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
    if user.is_active and fields.get("is_active") is False and user_holdings(user):
        raise RecordsRemain(
            _("%(user)s still owns records. Choose who takes them over before disabling him.")
            % {"user": user.display_name}
        )
    before = snapshot(user, EDITABLE_FIELDS)
    for name, value in fields.items():
        setattr(user, name, value)
    user.full_clean()
    ensure_no_supervisor_loop(user)
    user.save()
    _ensure_an_admin_remains()
    audit_record_changes(actor=actor, target=user, action="rbac.user.update", before=before)
    return user


class RecordsRemain(DomainError):
    """A user who still owns records is not simply disabled: someone must take them over."""


@dataclass(frozen=True)
class Holding:
    """
    Records a user owns that must go to a colleague when he leaves, registered by the app that
    owns them on the hook "rbac.user_holdings": `count(user)` how many he has,
    `transfer(actor=, user=, to_user=, reason=)` hands them over inside the caller's
    transaction (a few statements, never one per record) and returns how many moved.
    """

    label: Any
    count: Callable
    transfer: Callable


def user_holdings(user) -> list[tuple[Any, int]]:
    """(label, count) of every kind of record `user` still owns, the kinds he has none of left
    out: what the page shows before he is disabled."""
    found = [(h.label, h.count(user)) for h in hooks.values("rbac.user_holdings")]
    return [(label, count) for label, count in found if count]


def successors() -> QuerySet[User]:
    """Who may take over a leaving user's records: the active account managers."""
    from apps.rbac.selectors import active_users_with_role

    return active_users_with_role(roles.ACCOUNT_MANAGER)


def _hand_over(*, actor, user: User, to_user_id, reason: str) -> dict[str, int]:
    if to_user_id is None:
        raise ValidationError({"to_user": _("Choose who takes over his records.")})
    if int(to_user_id) == user.pk:
        raise ValidationError({"to_user": _("Choose someone other than the leaving user.")})
    to_user = successors().filter(pk=to_user_id).first()
    if to_user is None:
        raise ValidationError({"to_user": _("Choose an active account manager.")})
    moved = {}
    for name, holding in hooks.registry("rbac.user_holdings").items():
        if holding.count(user):
            moved[name] = holding.transfer(actor=actor, user=user, to_user=to_user, reason=reason)
    if user_holdings(user):  # something came in between: let the admin look again
        raise DomainError(_("New records reached the user meanwhile. Try again."))
    return moved


@atomic_retried
def user_hand_over(
    *, actor, user_id: int, to_user_id, reason: str = "", disable: bool = False
) -> dict[str, int]:
    """
    A leaving employee's customers (with their open chances, services and churn records), his
    open chances and his open services go to `to_user_id`, and with `disable` he is disabled,
    all in one transaction. Returns {holding name: records moved}.
    """
    user = locked(User, pk=user_id)
    user_policy.require(actor, "disable", user)
    if disable and user.pk == actor.pk:
        raise DomainError(_("You cannot disable your own account."))
    moved = _hand_over(actor=actor, user=user, to_user_id=to_user_id, reason=reason)
    if disable and user.is_active:
        _set_active(actor=actor, user=user, active=False)
    return moved


@transaction.atomic
def user_set_active(*, actor, user_id: int, active: bool) -> User:
    """Disable (the logical delete of SPEC §3.6; his sessions end) or re-enable a user. A user
    who still owns records is not disabled here (RecordsRemain): user_hand_over asks where
    they go."""
    user = locked(User, pk=user_id)
    user_policy.require(actor, "disable", user)
    if user.pk == actor.pk and not active:
        raise DomainError(_("You cannot disable your own account."))
    if user.is_active == active:
        return user
    if not active and user_holdings(user):
        raise RecordsRemain(
            _("%(user)s still owns records. Choose who takes them over before disabling him.")
            % {"user": user.display_name}
        )
    _set_active(actor=actor, user=user, active=active)
    return user


def _set_active(*, actor, user: User, active: bool) -> None:
    user.is_active = active
    user.save(update_fields=["is_active", "updated_at"])
    _ensure_an_admin_remains()
    audit_event_create(
        actor=actor,
        target=user,
        action="rbac.user.enable" if active else "rbac.user.disable",
        changes={"is_active": [not active, active]},
    )


def reassign_assignee(*, actor, queryset: QuerySet, to_user: User, action: str) -> int:
    """
    Give the rows of `queryset` (a model with an `assignee`, such as open chances or services)
    to `to_user`: locked in the order of their ids, one UPDATE, an audit event each in one
    INSERT (their histories say who passed them on). Returns how many moved.
    """
    rows = list(queryset.exclude(assignee=to_user).order_by("pk").select_for_update(of=("self",)))
    if not rows:
        return 0
    now = timezone.now()
    queryset.model._default_manager.filter(pk__in=[row.pk for row in rows]).update(
        assignee=to_user, updated_at=now
    )
    audit_events_bulk_create(
        actor=actor,
        model=queryset.model,
        action=action,
        rows=[(row.pk, row, {"assignee": [row.assignee_id, to_user.pk]}) for row in rows],
        at=now,
    )
    return len(rows)


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


def assignee_holding(label, open_rows: Callable[[], QuerySet], action: str) -> Holding:
    """The open rows (`open_rows()`, of a model with an `assignee`) a user is assigned as a
    Holding: handed over with reassign_assignee."""

    def transfer(*, actor, user, to_user, reason=""):
        rows = open_rows().filter(assignee=user)
        return reassign_assignee(actor=actor, queryset=rows, to_user=to_user, action=action)

    return Holding(label, lambda user: open_rows().filter(assignee=user).count(), transfer)
