"""Forms of the marketing screens (SPEC §3.1, §7). Cleaned data goes to one service each."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.marketing.models import SalesChance, SalesPlan
from apps.marketing.selectors import account_manager_choices
from crm.forms import BootstrapFormMixin, SubmitOnceMixin

RATE_ERRORS = {
    "required": _("Enter the success rate."),
    "invalid": _("The success rate must be a number."),
    "min_value": _("The success rate must be between 0 and 100."),
    "max_value": _("The success rate must be between 0 and 100."),
}
ASSIGNEE_ERRORS = {
    "required": _("Choose the account manager."),
    "invalid_choice": _("Choose an active account manager."),
}
DATE_ERRORS = {"invalid": _("Enter a date as yyyy-mm-dd.")}


class IsoDateField(forms.DateField):
    """A date typed or picked as yyyy-mm-dd (SPEC §7), in every language."""

    widget = forms.DateInput(format="%Y-%m-%d")

    def __init__(self, **kwargs):
        super().__init__(input_formats=["%Y-%m-%d"], error_messages=DATE_ERRORS, **kwargs)


class AccountManagerField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class SalesChanceForm(BootstrapFormMixin, forms.ModelForm):
    """Create or edit the fields the creator types (SPEC §3.1 steps 1 and 2)."""

    rate = forms.IntegerField(
        label=_("Success rate (%)"), min_value=0, max_value=100, error_messages=RATE_ERRORS
    )

    class Meta:
        model = SalesChance
        fields = ["source", "customer_name", "rate", "title", "linkman", "tel", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}


class SalesChanceCreateForm(SubmitOnceMixin, SalesChanceForm):
    """
    A new chance; a double submission creates one. Users who may assign (the sales manager)
    may also pick the account manager right away; the chance then starts in development
    (SPEC §8).
    """

    assignee = AccountManagerField(
        label=_("Assign to"),
        queryset=account_manager_choices(),
        required=False,
        error_messages=ASSIGNEE_ERRORS,
    )
    assigned_on = IsoDateField(label=_("Assigned on"), required=False)

    def __init__(self, *args, can_assign: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_assign:
            del self.fields["assignee"], self.fields["assigned_on"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("assigned_on") and not cleaned.get("assignee"):
            self.add_error("assignee", ASSIGNEE_ERRORS["required"])
        return cleaned


class SalesChanceAssignForm(BootstrapFormMixin, forms.Form):
    """Assign an unassigned chance (SPEC §3.1 step 4): both fields required."""

    assignee = AccountManagerField(
        label=_("Assign to"), queryset=account_manager_choices(), error_messages=ASSIGNEE_ERRORS
    )
    assigned_on = IsoDateField(label=_("Assigned on"), initial=timezone.localdate)


class PlanItemForm(BootstrapFormMixin, forms.ModelForm):
    """A new plan item: date and what to do."""

    date = IsoDateField(label=_("Date"))

    class Meta:
        model = SalesPlan
        fields = ["date", "todo"]


class PlanTodoForm(BootstrapFormMixin, forms.Form):
    """Reword an existing item (its date is fixed)."""

    todo = forms.CharField(label=_("Plan item"), max_length=500)


class PlanResultForm(BootstrapFormMixin, forms.Form):
    """Record what an item achieved."""

    result = forms.CharField(label=_("Result"), max_length=500)
