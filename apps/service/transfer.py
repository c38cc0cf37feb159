"""
Open services when customers or a leaving employee change hands (issue 16): the tickets of the
transferred customers that their account manager was to handle (assigned, or handled and
waiting for feedback, which may send them back to him) go to the new account manager.
"""

from django.utils.translation import gettext_lazy as _

from apps.customers.services.transfer import reassign_with_customers
from apps.rbac.services.users import assignee_holding
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
    return reassign_with_customers(
        actor=actor,
        queryset=_open(),
        moves=moves,
        field="customer_id",
        to_user=to_user,
        action=REASSIGN_ACTION,
    )


holding = assignee_holding(_("Open services"), _open, REASSIGN_ACTION)
