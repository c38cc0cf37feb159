"""How the marketing app's audit keys read on history pages (see apps.rbac.history)."""

from django.utils.translation import gettext_lazy as _

from apps.rbac.history import Action

ACTIONS = {
    "marketing.chance.reassign": Action(
        _("{actor} passed the chance on to another account manager")
    ),
    "marketing.chance.assign": Action(
        _("{actor} assigned the chance"), details=["assignee", "assigned_at"]
    ),
    "marketing.chance.win": Action(
        _("{actor} marked the development successful"),
        details={"customer_number": _("customer number")},
    ),
    "marketing.chance.terminate": Action(_("{actor} terminated the development")),
    "marketing.plan.result": Action(_("{actor} recorded the result of a plan item")),
}
