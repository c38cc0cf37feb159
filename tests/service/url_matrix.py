"""Who may open each service page (merged into tests/rbac/test_url_matrix.py)."""

from tests.rbac.url_matrix import AM, SM, only

EXPECTED = {
    "service:ticket-create": only(AM),
    "service:customer-search": only(AM),
    "service:ticket-assign-list": only(SM),
    "service:ticket-handle-list": only(AM),
    "service:ticket-feedback-list": only(AM),
    "service:ticket-archive-list": only(SM, AM),
    # The sample ticket is about another account manager's customer, made and handled by others.
    "service:ticket-detail": {**only(SM, AM), AM: 404},
    "service:ticket-assign": only(SM),
    "service:ticket-delete": only(SM, ok=405),  # POST only
    "service:ticket-handle": only(AM, ok=404),
    "service:ticket-feedback": only(AM, ok=404),
}

SAMPLES = {
    ("service:ticket-", "pk"): lambda: _ticket_pk(),
}


def _ticket_pk():
    from tests.service.factories import ServiceTicketFactory

    return ServiceTicketFactory().pk
