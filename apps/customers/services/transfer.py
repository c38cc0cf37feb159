"""
转移 (issue 16): a manager moves customers, one, a selection or every customer of a leaving
employee, to another account manager in one step, with their open records as he chooses.

One transaction: the target user is held (he cannot be disabled meanwhile), the customers are
locked in the order of their ids, the policy is checked again on each locked row, then every
change is one statement whatever the number of customers: the account managers, the open churn
records, the open chances and services (through the hook "customers.transfer", since those apps
depend on this one), an ownership record and an audit event per customer.

A form says which owner it expects for each customer; a customer whose owner changed since (a
colleague transferred it first) refuses the whole transfer and says who moved it where.
"""

from collections import defaultdict
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.customers.models import Churn, Customer, CustomerOwnership
from apps.customers.selectors.transfer import transfer_targets
from apps.rbac.models import User
from apps.rbac.policies import customer_policy
from apps.rbac.services.audit import audit_events_bulk_create
from apps.rbac.services.users import reassign_assignee
from crm import hooks
from crm.exceptions import ConcurrentUpdate, DomainError
from crm.locking import atomic_retried, record_gone

# The most customers one transfer from the list moves (a leaving employee's are not counted).
MAX_SELECTION = 500
TRANSFER_ACTION = "customers.customer.transfer"


class Move(NamedTuple):
    """One customer changing hands, as the hook "customers.transfer" receives it."""

    customer_id: int
    customer_name: str
    from_user_id: int | None


class TransferResult(NamedTuple):
    to_user: User
    customers: int
    # {"chances": n, "services": n, "churns": n}: the open records that moved with them
    moved: dict[str, int]


def _held_target(to_user_id) -> User:
    """The target account manager, held until the end (FOR NO KEY UPDATE: he cannot be disabled
    meanwhile), or a clear error on the form's field."""
    target = User.objects.select_for_update(no_key=True, of=("self",)).filter(pk=to_user_id).first()
    if target is None or not target.is_active:
        raise ValidationError({"to_user": _("Choose an active account manager.")})
    if not transfer_targets().filter(pk=target.pk).exists():
        raise ValidationError(
            {
                "to_user": _("%(user)s is not an account manager and cannot own customers.")
                % {"user": target.display_name}
            }
        )
    return target


def _locked_customers(ids: list[int]) -> list[Customer]:
    """The customers, locked in the order of their ids (the same order in every transfer, so
    two transfers over overlapping selections wait for each other instead of deadlocking)."""
    rows = list(
        Customer.objects.visible().filter(pk__in=ids).order_by("pk").select_for_update(of=("self",))
    )
    if len(rows) != len(ids):
        raise record_gone(Customer)
    return rows


def _refuse_stale(rows: list[Customer], expected_owners: dict) -> None:
    """ConcurrentUpdate naming who moved a customer since the form was loaded; nothing changed."""
    stale = [row for row in rows if expected_owners.get(row.pk) != row.manager_id]
    if not stale:
        return
    row = stale[0]
    last = (
        CustomerOwnership.objects.filter(customer=row)
        .select_related("by", "to_user")
        .order_by("-at", "-pk")
        .first()
    )
    current = User.objects.filter(pk=row.manager_id).first() if row.manager_id is not None else None
    if last is not None and last.to_user_id == row.manager_id:
        message = _(
            "%(customer)s has already been transferred by %(by)s to %(to)s. "
            "Nothing was changed; reload the page to see its account manager now."
        ) % {
            "customer": row.name,
            "by": last.by.display_name if last.by else _("system"),
            "to": last.to_user.display_name,
        }
    else:
        message = _(
            "The account manager of %(customer)s has changed to %(to)s since you opened the "
            "page. Nothing was changed; reload the page and try again."
        ) % {"customer": row.name, "to": current.display_name if current else "—"}
    raise ConcurrentUpdate(message)


@atomic_retried
def transfer_customers(
    *,
    actor,
    customer_ids,
    to_user,
    with_chances: bool = False,
    with_services: bool = False,
    with_churns: bool = False,
    reason: str = "",
    expected_owners: dict | None = None,
    limit: int | None = MAX_SELECTION,
) -> TransferResult:
    """
    Move the customers `customer_ids` to `to_user` (a user or his id). `expected_owners`
    ({customer id: account manager id or None}) is what the form showed: a customer whose owner
    changed since is refused. All or nothing: a customer outside the actor's scope for
    "transfer" is a PermissionDenied, a missing one RecordGone, bad input a ValidationError.
    """
    customer_policy.require(actor, "transfer")
    ids = sorted({int(pk) for pk in customer_ids})
    if not ids:
        raise DomainError(_("Select at least one customer to transfer."))
    if limit is not None and len(ids) > limit:
        raise DomainError(
            _("At most %(limit)d customers can be transferred at once; you selected %(count)d.")
            % {"limit": limit, "count": len(ids)}
        )
    reason = (reason or "").strip()
    if len(reason) > CustomerOwnership._meta.get_field("reason").max_length:
        raise ValidationError({"reason": _("The reason is too long (200 characters at most).")})
    target = _held_target(getattr(to_user, "pk", to_user))
    rows = _locked_customers(ids)
    if customer_policy.allowed_ids(actor, "transfer", ids) != set(ids):
        raise PermissionDenied
    if expected_owners is not None:
        _refuse_stale(rows, {int(k): v for k, v in expected_owners.items()})
    moves = [Move(row.pk, row.name, row.manager_id) for row in rows if row.manager_id != target.pk]
    if not moves:
        raise ValidationError(
            {
                "to_user": _("%(user)s already manages the selected customers.")
                % {"user": target.display_name}
            }
        )
    now = timezone.now()
    moved_ids = [move.customer_id for move in moves]
    Customer.objects.filter(pk__in=moved_ids).update(manager=target, updated_at=now)
    moved = {}
    if with_churns:
        moved["churns"] = (
            Churn.objects.open()
            .filter(customer_id__in=moved_ids)
            .update(manager=target, updated_at=now)
        )
    chosen = {"chances": with_chances, "services": with_services}
    for kind, reassign in hooks.registry("customers.transfer").items():
        if chosen.get(kind):
            moved[kind] = reassign(actor=actor, moves=moves, to_user=target)
    CustomerOwnership.objects.bulk_create(
        [
            CustomerOwnership(
                customer_id=move.customer_id,
                from_user_id=move.from_user_id,
                to_user=target,
                by=actor,
                at=now,
                reason=reason,
            )
            for move in moves
        ]
    )
    _audit(actor=actor, moves=moves, target=target, reason=reason, moved=moved, now=now)
    return TransferResult(target, len(moves), moved)


def _audit(*, actor, moves, target, reason, moved, now) -> None:
    """An audit event per customer (its history tells the transfer), in one INSERT."""
    audit_events_bulk_create(
        actor=actor,
        model=Customer,
        action=TRANSFER_ACTION,
        rows=[
            (m.customer_id, m.customer_name, {"manager": [m.from_user_id, target.pk]})
            for m in moves
        ],
        data={"reason": reason, "moved": moved, "customers": len(moves)},
        at=now,
    )


def reassign_with_customers(*, actor, queryset, moves, field: str, to_user, action: str) -> int:
    """
    For the apps on the hook "customers.transfer": the rows of `queryset` (open chances,
    services: a model with an `assignee`) of the moved customers that their previous account
    manager was assigned, to `to_user`. `field` names the row's customer as a Move does:
    "customer_id", or "customer_name" for a chance, which knows its customer by name only.
    """
    wanted = defaultdict(list)
    for move in moves:
        if move.from_user_id is not None:
            wanted[move.from_user_id].append(getattr(move, field))
    if not wanted:
        return 0
    which = Q()
    for owner, values in wanted.items():
        which |= Q(assignee_id=owner, **{f"{field}__in": values})
    return reassign_assignee(
        actor=actor, queryset=queryset.filter(which), to_user=to_user, action=action
    )


def customers_of(user) -> QuerySet[Customer]:
    """The customers `user` manages (not logically deleted): what leaves with him."""
    return Customer.objects.visible().filter(manager=user)


def transfer_all_customers(*, actor, user, to_user, reason: str = "") -> TransferResult | None:
    """Every customer of a leaving employee, with all their open records; None if he has none."""
    ids = list(customers_of(user).values_list("pk", flat=True))
    if not ids:
        return None
    return transfer_customers(
        actor=actor,
        customer_ids=ids,
        to_user=to_user,
        with_chances=True,
        with_services=True,
        with_churns=True,
        reason=reason,
        expected_owners=dict.fromkeys(ids, user.pk),
        limit=None,
    )
