"""Reads of the customers app; every one starts from the user's scope."""

from django.db.models import QuerySet

from apps.customers.models import Customer
from apps.rbac.policies import customer_policy


def customer_list(*, user, action: str = "view") -> QuerySet[Customer]:
    """Customers `user` may see (not logically deleted), with their account manager."""
    return customer_policy.scope(user, action, Customer.objects.visible()).select_related(
        "manager"
    )
