"""
Open sales chances when customers or a leaving employee change hands (issue 16). A chance names
its customer by name only (it becomes a customer when won), so "the open chances of a customer"
are the chances in development with that customer name, assigned to its account manager.
"""

from collections import defaultdict

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.marketing.models import SalesChance
from apps.rbac.services.users import Holding, reassign_assignee

REASSIGN_ACTION = "marketing.chance.reassign"


def _open():
    return SalesChance.objects.filter(status=SalesChance.Status.DEVELOPING)


def reassign_for_customers(*, actor, moves, to_user) -> int:
    """The chances in development of the transferred customers, to the new account manager."""
    names = defaultdict(list)
    for move in moves:
        if move.from_user_id is not None:
            names[move.from_user_id].append(move.customer_name)
    if not names:
        return 0
    which = Q()
    for owner, customer_names in names.items():
        which |= Q(assignee_id=owner, customer_name__in=customer_names)
    return reassign_assignee(
        actor=actor, queryset=_open().filter(which), to_user=to_user, action=REASSIGN_ACTION
    )


def _count(user) -> int:
    return _open().filter(assignee=user).count()


def _transfer(*, actor, user, to_user, reason="") -> int:
    return reassign_assignee(
        actor=actor, queryset=_open().filter(assignee=user), to_user=to_user, action=REASSIGN_ACTION
    )


holding = Holding(_("Sales chances in development"), _count, _transfer)
