"""
Open services when customers or a leaving employee change hands (issue 16): the tickets of the
transferred customers that their account manager was to handle (assigned, or handled and
waiting for feedback, which may send them back to him) go to the new account manager.
"""

from collections import defaultdict

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.rbac.services.users import Holding, reassign_assignee
from apps.service.models import ServiceTicket

REASSIGN_ACTION = "service.ticket.reassign"
OPEN = (
    ServiceTicket.Status.ASSIGNED,
    ServiceTicket.Status.HANDLED,
    ServiceTicket.Status.FEEDBACK,
)


def _open():
    return ServiceTicket.objects.filter(status__in=OPEN)


def reassign_for_customers(*, actor, moves, to_user) -> int:
    """The open services of the transferred customers assigned to their account manager."""
    customers = defaultdict(list)
    for move in moves:
        if move.from_user_id is not None:
            customers[move.from_user_id].append(move.customer_id)
    if not customers:
        return 0
    which = Q()
    for owner, customer_ids in customers.items():
        which |= Q(assignee_id=owner, customer_id__in=customer_ids)
    return reassign_assignee(
        actor=actor, queryset=_open().filter(which), to_user=to_user, action=REASSIGN_ACTION
    )


def _count(user) -> int:
    return _open().filter(assignee=user).count()


def _transfer(*, actor, user, to_user, reason="") -> int:
    return reassign_assignee(
        actor=actor, queryset=_open().filter(assignee=user), to_user=to_user, action=REASSIGN_ACTION
    )


holding = Holding(_("Open services"), _count, _transfer)
