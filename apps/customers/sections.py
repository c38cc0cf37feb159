"""
Sections that other apps add to the customer page (e.g. the service app's open services): the
hook "customers.section" (crm.hooks), keyed by the section's template, filled from their
AppConfig.ready(), since the customers app cannot import the apps that depend on it.
"""

from django.template.loader import render_to_string

from crm import hooks


def customer_sections(*, request, customer) -> list[str]:
    """Each registered section rendered with its own context (escaped by its template)."""
    return [
        render_to_string(template, context(user=request.user, customer=customer), request)
        for template, context in hooks.registry("customers.section").items()
    ]
