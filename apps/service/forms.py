"""Forms of the service pages. They parse input; the services decide and write."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.customers.selectors import customer_list
from apps.service import selectors
from apps.service.models import ServiceRound, ServiceTicket
from crm.forms import BootstrapFormMixin, SubmitOnceMixin

STARS = [(n, "☆" * n) for n in range(1, 6)]


class TicketCreateForm(SubmitOnceMixin, BootstrapFormMixin, forms.ModelForm):
    """
    服务创建: the customer is validated against the user's own customer scope; a double
    submission creates one ticket.
    """

    type = forms.ChoiceField(label=_("Service type"))

    class Meta:
        model = ServiceTicket
        fields = ["type", "title", "customer", "request"]
        widgets = {"request": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", "---------"), *selectors.service_type_choices()]
        # Only used to validate the posted id: the page offers customers through a search.
        self.fields["customer"].queryset = customer_list(user=user)
        self.fields["customer"].widget = forms.HiddenInput()


class TicketAssignForm(BootstrapFormMixin, forms.Form):
    assignee = forms.ModelChoiceField(
        label=pgettext_lazy("service", "Assigned to"), queryset=selectors.account_manager_list()
    )


class TicketHandleForm(BootstrapFormMixin, forms.Form):
    handling = forms.CharField(
        label=_("Handling"),
        max_length=ServiceRound._meta.get_field("handling").max_length,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class TicketFeedbackForm(BootstrapFormMixin, forms.Form):
    result = forms.CharField(
        label=pgettext_lazy("service", "Result"),
        max_length=ServiceRound._meta.get_field("result").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    satisfaction = forms.TypedChoiceField(
        label=_("Satisfaction"), choices=STARS, coerce=int, widget=forms.RadioSelect
    )
