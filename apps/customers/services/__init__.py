"""Writes of the customers app. Other apps create or change customers only through these."""

from apps.customers.services.churn import (
    CHURN_SCAN_JOB,
    churn_confirm,
    churn_postpone,
    churn_scan_job,
    churn_scan_job_result_url,
    churn_scan_request,
)
from apps.customers.services.churn_scanner import churn_scan
from apps.customers.services.customers import (
    SimilarCustomers,
    customer_child_delete,
    customer_child_save,
    customer_create,
    customer_create_from_chance,
    customer_delete,
    customer_number_next,
    customer_update,
)
from apps.customers.services.tags import customer_tag, tag_save
from apps.customers.services.transfer import (
    MAX_SELECTION,
    customers_of,
    transfer_all_customers,
    transfer_customers,
)

__all__ = [
    "MAX_SELECTION",
    "SimilarCustomers",
    "customer_child_delete",
    "customer_child_save",
    "customer_create",
    "customer_create_from_chance",
    "customer_delete",
    "customer_number_next",
    "customer_tag",
    "customer_update",
    "customers_of",
    "tag_save",
    "transfer_all_customers",
    "transfer_customers",
]
__all__ += [
    "CHURN_SCAN_JOB",
    "churn_confirm",
    "churn_postpone",
    "churn_scan",
    "churn_scan_job",
    "churn_scan_job_result_url",
    "churn_scan_request",
]
