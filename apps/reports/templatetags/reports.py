"""Template helpers of the report pages: formatted table cells and figures."""

from decimal import Decimal

from django import template
from django.urls import reverse

register = template.Library()


def figure(value, kind: str = "text") -> str:
    """A number as the reports print it: thousands separators, money with two decimals."""
    if value in (None, ""):
        return "—"
    if kind == "money":
        return f"{Decimal(str(value)):,.2f}"
    if kind == "int":
        return f"{int(value):,}"
    if kind == "percent":
        return f"{Decimal(str(value)):.1f}%"
    return str(value)


@register.simple_tag
def report_cell(row, column) -> str:
    return figure(column.value(row), column.kind)


@register.filter
def money(value) -> str:
    return figure(value, "money")


@register.filter
def count(value) -> str:
    return figure(value, "int")


@register.filter
def percent(value) -> str:
    return figure(value, "percent")


@register.simple_tag
def chart_url(snapshot, name: str, fmt: str = "svg") -> str:
    url = reverse(f"reports:{snapshot.report}-chart", args=[snapshot.pk, name])
    return f"{url}?format=png" if fmt == "png" else url
