"""Forms of churn management (SPEC §3.3): plain forms whose data goes to one service each."""

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.forms import BootstrapFormMixin, SubmitOnceMixin


class ChurnPostponeForm(SubmitOnceMixin, BootstrapFormMixin, forms.Form):
    """Appends a measure: a double submission appends it once."""

    measure = forms.CharField(
        label=_("Additional postpone measure"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Enter the measure you are taking.")},
    )


class ChurnConfirmForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for the loss"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Enter the reason the customer was lost.")},
    )
