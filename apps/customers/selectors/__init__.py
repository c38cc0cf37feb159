"""Reads of the customers app; every one starts from the user's scope."""

from apps.customers.selectors.churn import (
    churn_get,
    churn_list,
    churn_measures,
    churn_scan_run_list,
    churn_scan_schedule,
    churn_warning_count,
    churn_warnings,
)
from apps.customers.selectors.customers import (
    activity_list,
    customer_get,
    customer_labels,
    customer_list,
    customer_tags,
    division_children,
    division_choices,
    linkman_list,
    order_get,
    order_lifetime_total,
    order_lines,
    order_list,
    tag_choices,
    tag_list,
    tag_names_sql,
)
from apps.customers.selectors.duplicates import DuplicateIndex, customer_duplicates
from apps.customers.selectors.transfer import (
    customers_to_transfer,
    ownership_history,
    transfer_targets,
)

__all__ = [
    "DuplicateIndex",
    "activity_list",
    "customer_duplicates",
    "customer_get",
    "customer_labels",
    "customer_list",
    "customer_tags",
    "customers_to_transfer",
    "division_children",
    "division_choices",
    "linkman_list",
    "order_get",
    "order_lifetime_total",
    "order_lines",
    "order_list",
    "ownership_history",
    "tag_choices",
    "tag_list",
    "tag_names_sql",
    "transfer_targets",
]
__all__ += [
    "churn_get",
    "churn_list",
    "churn_measures",
    "churn_scan_run_list",
    "churn_scan_schedule",
    "churn_warning_count",
    "churn_warnings",
]
