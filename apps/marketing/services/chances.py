"""
Sales chance writes (SPEC §3.1): create, edit and delete while unassigned; the transitions
assign (1 → 2), win (2 → 3, creates the customer) and terminate (2 → 4).

Every function locks the chance row, asks the policy on the locked row, and writes its audit
record in the same transaction, so a refused or failed call leaves nothing behind.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.customers.models import Customer
from apps.customers.services import customer_create_from_chance
from apps.marketing.models import SalesChance
from apps.marketing.selectors import account_manager_choices
from apps.rbac.models import User
from apps.rbac.policies import sales_chance_policy
from apps.rbac.services import audit_event_create, audit_record_changes, snapshot
from crm.exceptions import InvalidTransition
from crm.locking import locked
from crm.workflow import transition

S = SalesChance.Status
# What the creator types (SPEC §3.1 step 2); creator, dates, assignee and status are the server's.
EDITABLE_FIELDS = ["source", "customer_name", "title", "rate", "linkman", "tel", "description"]


def lock_chance(chance_id: int) -> SalesChance:
    """The chance row, locked until the end of the caller's transaction."""
    return locked(SalesChance, pk=chance_id)


def _require_unassigned(chance: SalesChance, message: str) -> None:
    if chance.status != S.UNASSIGNED:
        raise InvalidTransition(message)


@transaction.atomic
def sales_chance_create(
    *, actor, assignee: User | None = None, assigned_on: datetime.date | None = None, **fields
) -> SalesChance:
    """
    Record a new chance in state 1; the creator is the actor. With an assignee (sales manager
    only, SPEC §8) it is assigned in the same transaction and starts in state 2.
    """
    sales_chance_policy.require(actor, "add")
    chance = SalesChance(created_by=actor, **{k: fields[k] for k in EDITABLE_FIELDS if k in fields})
    chance.full_clean()
    chance.save()
    audit_event_create(
        actor=actor,
        target=chance,
        action="marketing.chance.create",
        to_status=chance.status,
        data=snapshot(chance, EDITABLE_FIELDS),
    )
    if assignee is not None:
        chance = sales_chance_assign(
            actor=actor, chance_id=chance.pk, assignee=assignee, assigned_on=assigned_on
        )
    return chance


@transaction.atomic
def sales_chance_update(*, actor, chance_id: int, **fields) -> SalesChance:
    """Edit an unassigned chance: its creator, or whoever may edit every chance (SPEC §8)."""
    chance = lock_chance(chance_id)
    sales_chance_policy.require(actor, "change", chance)
    _require_unassigned(chance, _("Only unassigned chances can be edited."))
    names = [name for name in EDITABLE_FIELDS if name in fields]
    before = snapshot(chance, names)
    for name in names:
        setattr(chance, name, fields[name])
    chance.full_clean()
    chance.save(update_fields=[*names, "updated_at"])
    audit_record_changes(
        actor=actor, target=chance, action="marketing.chance.update", before=before
    )
    return chance


@transaction.atomic
def sales_chance_delete(*, actor, chance_id: int) -> None:
    """Delete an unassigned chance, only by its creator (SPEC §3.1 step 3); plans go with it."""
    chance = lock_chance(chance_id)
    sales_chance_policy.require(actor, "delete", chance)
    _require_unassigned(chance, _("Only unassigned chances can be deleted."))
    audit_event_create(
        actor=actor,
        target=chance,
        action="marketing.chance.delete",
        from_status=chance.status,
        data=snapshot(chance, EDITABLE_FIELDS),
    )
    chance.delete()


def _assigned_at(chance: SalesChance, day: datetime.date | None) -> datetime.datetime:
    """The assignment time: now for today (the default), the start of an earlier day else."""
    today = timezone.localdate()
    if day is None or day == today:
        return timezone.now()
    if day > today:
        raise ValidationError({"assigned_on": _("The assignment date cannot be in the future.")})
    if day < timezone.localdate(chance.created_at):
        raise ValidationError(
            {"assigned_on": _("The assignment date cannot be before the chance was created.")}
        )
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@transaction.atomic
def sales_chance_assign(
    *, actor, chance_id: int, assignee: User, assigned_on: datetime.date | None = None
) -> SalesChance:
    """
    Assign an unassigned chance to an active account manager (sales manager only): state
    1 → 2. Of two managers assigning at once, the second one waits for the lock and is told.
    """
    chance = lock_chance(chance_id)
    sales_chance_policy.require(actor, "assign", chance)
    if chance.status != S.UNASSIGNED:
        raise InvalidTransition(
            _("This chance has already been assigned to %(name)s.")
            % {"name": chance.assignee.display_name if chance.assignee_id else "—"}
        )
    if not account_manager_choices().filter(pk=assignee.pk).exists():
        raise ValidationError({"assignee": _("Choose an active account manager.")})
    chance.assigned_at = _assigned_at(chance, assigned_on)
    old = transition(chance, to=S.DEVELOPING)
    chance.assignee = assignee
    chance.full_clean()
    chance.save(update_fields=["status", "assignee", "assigned_at", "updated_at"])
    audit_event_create(
        actor=actor,
        target=chance,
        action="marketing.chance.assign",
        from_status=old,
        to_status=chance.status,
        data={
            "assignee": assignee.pk,
            "assignee_name": assignee.display_name,
            "assigned_at": chance.assigned_at.isoformat(),
        },
    )
    return chance


def _close(*, actor, chance_id: int, to: int) -> tuple[SalesChance, int]:
    """Move a developing chance to an archived state; only its assignee may (SPEC §3.1)."""
    chance = lock_chance(chance_id)
    sales_chance_policy.require(actor, "develop", chance)
    old = transition(chance, to=to)
    chance.full_clean()
    chance.save(update_fields=["status", "updated_at"])
    return chance, old


@transaction.atomic
def sales_chance_mark_won(*, actor, chance_id: int) -> Customer:
    """
    Development succeeded (2 → 3): the customers app creates the customer and its linkman in
    this transaction, while the chance stays locked. Returns the new customer.
    """
    chance, old = _close(actor=actor, chance_id=chance_id, to=S.WON)
    customer = customer_create_from_chance(chance=chance, actor=actor)
    audit_event_create(
        actor=actor,
        target=chance,
        action="marketing.chance.win",
        from_status=old,
        to_status=chance.status,
        data={
            "customer": customer.pk,
            "customer_number": customer.number,
            **({"linked": True} if customer.linked_match else {}),
        },
    )
    return customer


@transaction.atomic
def sales_chance_terminate(*, actor, chance_id: int) -> SalesChance:
    """Development failed (2 → 4): the chance is archived, nothing else changes."""
    chance, old = _close(actor=actor, chance_id=chance_id, to=S.LOST)
    audit_event_create(
        actor=actor,
        target=chance,
        action="marketing.chance.terminate",
        from_status=old,
        to_status=chance.status,
    )
    return chance
