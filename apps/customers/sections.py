"""
Sections that other apps add to the customer page (e.g. the service app's open services).
The customers app cannot import those apps (they depend on it), so they register here from
their AppConfig.ready().
"""

from collections.abc import Callable
from typing import NamedTuple

from django.template.loader import render_to_string


class CustomerSection(NamedTuple):
    template: str
    context: Callable  # context(user=..., customer=...) -> dict for the template


SECTIONS: list[CustomerSection] = []


def register_customer_section(template: str, context: Callable) -> None:
    if all(section.template != template for section in SECTIONS):
        SECTIONS.append(CustomerSection(template, context))


def customer_sections(*, request, customer) -> list[str]:
    """Each registered section rendered with its own context (escaped by its template)."""
    return [
        render_to_string(s.template, s.context(user=request.user, customer=customer), request)
        for s in SECTIONS
    ]
