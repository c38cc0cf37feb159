"""Writes of the marketing app: every change of a chance or a plan item goes through these."""

from apps.marketing.services.chances import (
    sales_chance_assign,
    sales_chance_create,
    sales_chance_delete,
    sales_chance_mark_won,
    sales_chance_terminate,
    sales_chance_update,
)
from apps.marketing.services.plans import (
    sales_plan_create,
    sales_plan_delete,
    sales_plan_record_result,
    sales_plan_update,
)

__all__ = [
    "sales_chance_assign",
    "sales_chance_create",
    "sales_chance_delete",
    "sales_chance_mark_won",
    "sales_chance_terminate",
    "sales_chance_update",
    "sales_plan_create",
    "sales_plan_delete",
    "sales_plan_record_result",
    "sales_plan_update",
]
