"""Writes of the customers app. Other apps create or change customers only through these."""

from apps.customers.services.customers import (
    customer_child_delete,
    customer_child_save,
    customer_create_from_chance,
    customer_delete,
    customer_number_next,
    customer_update,
)

__all__ = [
    "customer_child_delete",
    "customer_child_save",
    "customer_create_from_chance",
    "customer_delete",
    "customer_number_next",
    "customer_update",
]
