"""Reads of the transfer (转移, issue 16): whom customers may go to, and who owned one when."""

from django.db.models import QuerySet
from django.http import Http404

from apps.customers.models import Customer, CustomerOwnership
from apps.rbac import roles
from apps.rbac.models import User
from apps.rbac.policies import customer_policy
from apps.rbac.selectors import active_users_with_role


def transfer_targets() -> QuerySet[User]:
    """Who may own customers: the active account managers (as on the customer form)."""
    return active_users_with_role(roles.ACCOUNT_MANAGER)


def customers_to_transfer(*, user, ids) -> list[Customer]:
    """
    The selected customers, all within the user's scope for "transfer" (else 404: a hidden row
    is not found, and a selection is all or nothing), with their account managers.
    """
    wanted = sorted({int(pk) for pk in ids})
    rows = customer_policy.scope(user, "transfer", Customer.objects.visible()).filter(pk__in=wanted)
    found = list(rows.select_related("manager").order_by("name", "pk"))
    if not wanted or len(found) != len(wanted):
        raise Http404
    return found


def ownership_history(*, customer: Customer, limit: int = 50) -> list[CustomerOwnership]:
    """归属记录: the customer's transfers, newest first, with the users' names (one query)."""
    return list(
        customer.ownerships.select_related("from_user", "to_user", "by").order_by("-at", "-pk")[
            :limit
        ]
    )
