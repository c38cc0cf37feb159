"""Reads of the rbac app: users, roles, the rights tree and the audit trail."""

from typing import NamedTuple

from django.db.models import Count, QuerySet
from django.db.models.expressions import RawSQL

from apps.rbac.history import HistoryEntry, describe
from apps.rbac.models import AuditEvent, Department, RecordShare, Right, Role, User
from apps.rbac.policies import (
    audit_policy,
    department_policy,
    role_policy,
    sharing_policy,
    user_policy,
)
from crm.memo import Memo

_user_choices = Memo("rbac.user_choices", size=64)


def user_list(*, user) -> QuerySet[User]:
    """Users the actor may see, with their role."""
    return user_policy.scope(user, "view").select_related("role", "department").order_by("username")


def role_list(*, user) -> QuerySet[Role]:
    return (
        role_policy.scope(user, "view")
        .annotate(
            user_count=Count("users", distinct=True), right_count=Count("rights", distinct=True)
        )
        .order_by("pk")
    )


def rights_tree() -> list[tuple[Right, int]]:
    """Every right with its depth, parents first, for the checkbox tree."""
    rights = list(Right.objects.order_by("sort_order"))
    depth: dict[str, int] = {}
    for right in rights:
        depth[right.code] = depth.get(right.parent_id, -1) + 1 if right.parent_id else 0
    return [(right, depth[right.code]) for right in rights]


def audit_event_list(*, user) -> QuerySet[AuditEvent]:
    """The audit trail the actor may read, newest first."""
    return (
        audit_policy.scope(user, "view")
        .select_related("actor", "content_type")
        .order_by("-created_at", "-pk")
    )


def record_history(
    *, target, newest_first: bool = True, limit: int | None = None
) -> list[HistoryEntry]:
    """
    The history of one record as sentences in the active language (apps.rbac.history): who,
    when, what changed, with the labels and values the pages show. Queries do not grow with
    the number of events.
    """
    order = ("-created_at", "-pk") if newest_first else ("created_at", "pk")
    events = (
        AuditEvent.objects.for_object(target)
        .select_related("actor", "content_type")
        .order_by(*order)
    )
    return describe(events[:limit]) if limit else describe(events)


def active_users_with_role(role_code: str) -> QuerySet[User]:
    """Active users whose active role is `role_code`, e.g. the account managers to assign."""
    return User.objects.filter(is_active=True, role__code=role_code, role__is_active=True).order_by(
        "full_name", "username"
    )


# A department's path of names from the top (总公司/华东区/上海分公司), in SQL: its ancestors are
# the departments whose tree path begins its own.
DEPARTMENT_NAMES = RawSQL(
    "(SELECT string_agg(a.name, '/' ORDER BY a.path) FROM sys_department a "
    "WHERE starts_with(sys_department.path, a.path))",
    (),
)


def active_user_choices(role_code: str) -> list[tuple[str, str]]:
    """(pk, name) of active_users_with_role, for a filter's select: kept per access version
    in a request (crm.memo; a user's name, role or active flag moves it), so a list page
    reads none."""
    return list(
        _user_choices.get(
            role_code,
            lambda: tuple(
                (str(user.pk), user.display_name) for user in active_users_with_role(role_code)
            ),
        )
    )


def department_tree(*, user) -> QuerySet[Department]:
    """The department tree in display order (parents before children), with head and size."""
    return (
        department_policy.scope(user, "view")
        .select_related("head")
        .annotate(member_count=Count("members"))
        .order_by("path")
    )


def record_shares(*, record) -> QuerySet[RecordShare]:
    """Who a record is shared with (expired shares too, marked by the page), oldest first."""
    return RecordShare.objects.of(record).select_related("user", "created_by")


class UserChoice(NamedTuple):
    pk: int
    display_name: str


# Every active user, kept per access version (crm.memo: a new, renamed or disabled user moves
# it), so a record page's sharing form reads none.
_active_users = Memo("rbac.active_users", size=4)


def share_colleagues(*, record, actor) -> list[UserChoice]:
    """The active colleagues a record may be shared with: not the actor, not its owners."""
    policy = sharing_policy(record)
    excluded = {actor.pk, *(policy.owner_ids_of(record) if policy else ())}
    return [
        user for user in _active_users.get("all", _read_active_users) if user.pk not in excluded
    ]


def _read_active_users() -> tuple[UserChoice, ...]:
    users = User.objects.filter(is_active=True).order_by("username")
    return tuple(
        UserChoice(u.pk, u.display_name) for u in users.only("pk", "full_name", "username")
    )
