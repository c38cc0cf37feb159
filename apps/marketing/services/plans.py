"""
Development plan writes (SPEC §3.1 steps 5 and 6): plan items are added, reworded and deleted
("make plan") and their results recorded ("execute plan") only while the chance is being
developed. The date of an existing item is fixed, so no function here changes it.

Each function locks the chance row as well, so a plan cannot change under a win or a
termination that is being decided at the same moment.
"""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from apps.marketing.models import SalesChance, SalesPlan
from apps.marketing.services.chances import lock_chance
from apps.rbac.policies import sales_chance_policy, sales_plan_policy
from apps.rbac.services import audit_event_create, audit_record_changes, snapshot
from crm.exceptions import InvalidTransition
from crm.locking import atomic_retried, locked_with_parent


def _require_developing(chance: SalesChance) -> None:
    if chance.status != SalesChance.Status.DEVELOPING:
        raise InvalidTransition(
            _("This chance is archived: its plan can no longer be changed.")
            if chance.is_closed
            else _("This chance has not been assigned yet: it has no plan.")
        )


def _lock_item(plan_id: int) -> SalesPlan:
    """The plan item and its chance, both locked until the end of the transaction."""
    return locked_with_parent(SalesPlan, "chance", pk=plan_id)  # the chance first (crm.locking)


@transaction.atomic
def sales_plan_create(*, actor, chance_id: int, date: datetime.date, todo: str) -> SalesPlan:
    """Add a dated item to the plan of a developing chance: its assignee or the sales manager."""
    chance = lock_chance(chance_id)
    item = SalesPlan(chance=chance, date=date, todo=todo)
    sales_plan_policy.require(actor, "change", item)
    _require_developing(chance)
    item.full_clean()
    item.save()
    audit_event_create(
        actor=actor,
        target=item,
        action="marketing.plan.create",
        data=snapshot(item, ["chance", "date", "todo"]),
    )
    return item


@atomic_retried
def sales_plan_update(*, actor, plan_id: int, todo: str) -> SalesPlan:
    """Reword a plan item; its date stays as it was planned."""
    item = _lock_item(plan_id)
    sales_plan_policy.require(actor, "change", item)
    _require_developing(item.chance)
    before = snapshot(item, ["todo"])
    item.todo = todo
    item.full_clean()
    item.save(update_fields=["todo", "updated_at"])
    audit_record_changes(actor=actor, target=item, action="marketing.plan.update", before=before)
    return item


@atomic_retried
def sales_plan_delete(*, actor, plan_id: int) -> None:
    """Remove a plan item from the plan of a developing chance."""
    item = _lock_item(plan_id)
    sales_plan_policy.require(actor, "change", item)
    _require_developing(item.chance)
    audit_event_create(
        actor=actor,
        target=item,
        action="marketing.plan.delete",
        data=snapshot(item, ["chance", "date", "todo", "result"]),
    )
    item.delete()


@atomic_retried
def sales_plan_record_result(*, actor, plan_id: int, result: str) -> SalesPlan:
    """Record what an item achieved ("execute plan"): only the chance's assignee."""
    item = _lock_item(plan_id)
    sales_chance_policy.require(actor, "develop", item.chance)
    _require_developing(item.chance)
    before = snapshot(item, ["result"])
    item.result = result
    item.full_clean()
    item.save(update_fields=["result", "updated_at"])
    audit_record_changes(actor=actor, target=item, action="marketing.plan.result", before=before)
    return item
