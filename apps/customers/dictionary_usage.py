"""Tells the data dictionary which customer fields store its values (see basedata.usage)."""

from apps.basedata.models import DictItem
from crm import hooks

CODED_FIELDS = {
    DictItem.REGION: "region",
    DictItem.LEVEL: "level",
    DictItem.SATISFACTION: "satisfaction",
    DictItem.CREDIT: "credit",
}


def _checker(field: str):
    def is_used(value: str) -> bool:
        from apps.customers.models import Customer

        if field != "region" and not value.isdigit():
            return False  # the integer fields cannot hold a non-numeric value
        return Customer.objects.filter(**{field: value}).exists()

    return is_used


def register() -> None:
    for dict_type, field in CODED_FIELDS.items():
        hooks.register("basedata.dict_usage", _checker(field), key=dict_type)
