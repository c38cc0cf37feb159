"""How the service app's audit keys read on history pages (see apps.rbac.history)."""

from django.utils.translation import gettext_lazy as _

from apps.rbac.history import Action

ACTIONS = {
    "service.ticket.reassign": Action(
        _("{actor} passed the service on to another account manager")
    ),
    "service.ticket.assign": Action(_("{actor} assigned the service"), details=["assignee"]),
    "service.ticket.handle": Action(
        _("{actor} recorded the handling"), details={"round": _("round")}
    ),
    "service.ticket.feedback": Action(
        _("{actor} recorded the customer's feedback"), details=["satisfaction"]
    ),
}


def value_labels() -> dict:
    """The dictionary labels of the service type (one query)."""
    from apps.service.selectors import service_type_choices

    return {"service.serviceticket": {"type": dict(service_type_choices())}}
