"""Reads of the customers app; every one starts from the user's scope."""

from apps.customers.selectors.customers import (
    activity_list,
    customer_get,
    customer_labels,
    customer_list,
    linkman_list,
    order_get,
    order_lifetime_total,
    order_lines,
    order_list,
)

__all__ = [
    "activity_list",
    "customer_get",
    "customer_labels",
    "customer_list",
    "linkman_list",
    "order_get",
    "order_lifetime_total",
    "order_lines",
    "order_list",
]
