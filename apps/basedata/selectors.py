"""Reads of the base data: products and stock of the sales system."""

from django.db.models import QuerySet

from apps.basedata.models import Product, Storage
from apps.rbac.policies import product_policy, storage_policy


def product_list(*, user) -> QuerySet[Product]:
    return product_policy.scope(user, "view")


def storage_list(*, user) -> QuerySet[Storage]:
    """Stock rows with their product (shown as name-model-batch)."""
    return storage_policy.scope(user, "view").select_related("product")
