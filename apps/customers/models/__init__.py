"""The customers app's models: customer records with their history, and churn."""

from apps.customers.models.churn import Churn, ChurnMeasure, ChurnScanRun
from apps.customers.models.customers import (
    Activity,
    Customer,
    CustomerNumberSequence,
    CustomerOwnership,
    Linkman,
    Order,
    OrderLine,
)
from apps.customers.models.tags import CustomerTag, Division, Tag

__all__ = [
    "Activity",
    "Churn",
    "ChurnMeasure",
    "ChurnScanRun",
    "Customer",
    "CustomerNumberSequence",
    "CustomerOwnership",
    "CustomerTag",
    "Division",
    "Linkman",
    "Order",
    "OrderLine",
    "Tag",
]
