"""How the customers app's audit keys read on history pages (see apps.rbac.history)."""

from django.utils.translation import gettext_lazy as _

from apps.rbac.history import Action

ACTIONS = {
    "customers.customer.transfer": Action(
        _("{actor} transferred the customer"), details={"reason": _("reason")}
    ),
    "customers.customer.lost": Action(_("{actor} marked the customer as lost")),
    "customers.churn.warn": Action(
        _("{actor} warned that the customer may be lost"), details=["last_order_date"]
    ),
    "customers.churn.postpone": Action(
        _("{actor} postponed the churn"), details={"measure": _("measure")}
    ),
    "customers.churn.confirm": Action(_("{actor} confirmed the churn"), details=["reason"]),
    "customers.churn.recover": Action(
        _("{actor} closed the warning: the customer ordered again"), details=["recovered_date"]
    ),
    "customers.churn_scan.request": Action(_("{actor} ran the churn scan now")),
    "customers.churn_scan.catch_up": Action(_("{actor} ran a missed nightly churn scan")),
    "customers.customer.tag": Action(
        _("{actor} tagged the customer"), details={"tag_name": _("tag")}
    ),
    "customers.customer.untag": Action(
        _("{actor} removed a tag from the customer"), details={"tag_name": _("tag")}
    ),
    "customers.customer.link_chance": Action(
        _("{actor} won a sales chance of this existing customer: it was linked, not created again"),
        details={"from_chance": _("sales chance")},
    ),
}


def value_labels() -> dict:
    """The dictionary labels of the coded customer fields (one query)."""
    from apps.customers.selectors import customer_labels

    return {"customers.customer": customer_labels()}
