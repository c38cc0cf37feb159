"""
Sections that other apps add to the customer page (e.g. the service app's open services).
The customers app cannot import those apps (they depend on it), so they register here from
their AppConfig.ready().
"""

from collections.abc import Callable
from typing import NamedTuple


class CustomerSection(NamedTuple):
    template: str
    context: Callable  # context(user=..., customer=...) -> dict for the template


SECTIONS: list[CustomerSection] = []


def register_customer_section(template: str, context: Callable) -> None:
    if all(section.template != template for section in SECTIONS):
        SECTIONS.append(CustomerSection(template, context))


def customer_sections(*, user, customer) -> list[dict]:
    """Each registered section as {"template": ..., **its context}."""
    return [{"template": s.template, **s.context(user=user, customer=customer)}
            for s in SECTIONS]
