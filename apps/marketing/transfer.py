"""
Open sales chances when customers or a leaving employee change hands (issue 16). A chance names
its customer by name only (it becomes a customer when won), so "the open chances of a customer"
are the chances in development with that customer name, assigned to its account manager.
"""

from django.utils.translation import gettext_lazy as _

from apps.customers.services.transfer import reassign_with_customers
from apps.marketing.models import SalesChance
from apps.rbac.services.users import assignee_holding

REASSIGN_ACTION = "marketing.chance.reassign"


def _open():
    return SalesChance.objects.filter(status=SalesChance.Status.DEVELOPING)


def reassign_for_customers(*, actor, moves, to_user) -> int:
    """The chances in development of the transferred customers, to the new account manager."""
    return reassign_with_customers(
        actor=actor,
        queryset=_open(),
        moves=moves,
        field="customer_name",
        to_user=to_user,
        action=REASSIGN_ACTION,
    )


holding = assignee_holding(_("Sales chances in development"), _open, REASSIGN_ACTION)
