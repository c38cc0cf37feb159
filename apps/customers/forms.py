"""Forms of the customer pages; services do the writing."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.basedata.models import DictItem
from apps.customers.models import Activity, Customer, Linkman
from apps.rbac import roles
from apps.rbac.selectors import active_users_with_role
from crm.forms import BootstrapFormMixin, SubmitOnceMixin

NOT_SPECIFIED = [("", _("Not specified"))]


class PhoneInput(forms.TextInput):
    """A phone or fax number: phones offer their dial pad (crm.validators checks the format)."""

    input_type = "tel"


CONTACT_WIDGETS = {
    "zip": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    "tel": PhoneInput,
    "fax": PhoneInput,
    "mobile": PhoneInput,
    "website": forms.TextInput(attrs={"inputmode": "url"}),
}


class CustomerForm(BootstrapFormMixin, forms.ModelForm):
    """The edit form of SPEC §3.2: selects from the dictionary, the number read-only."""

    loaded_at = forms.CharField(widget=forms.HiddenInput)

    class Meta:
        model = Customer
        fields = [
            "name",
            "region",
            "manager",
            "level",
            "satisfaction",
            "credit",
            "address",
            "zip",
            "tel",
            "fax",
            "website",
            "chieftain",
            "bank",
            "bank_account",
            "licence_no",
            "bankroll",
            "turnover",
            "local_tax_no",
            "national_tax_no",
        ]
        widgets = CONTACT_WIDGETS
        # Red stars of the prototype (SPEC §3.2).
        required = [
            "name",
            "region",
            "manager",
            "level",
            "address",
            "zip",
            "tel",
            "fax",
            "website",
            "chieftain",
            "bank",
            "bank_account",
        ]
        # Optional in SPEC §3.2 (no red star); an empty amount is stored as 0.
        zero_when_empty = ["bankroll", "turnover"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["loaded_at"].initial = self.instance.updated_at.isoformat()
        dictionary = DictItem.objects
        self.fields["region"] = forms.ChoiceField(
            label=_("region"), choices=[("", "---------"), *dictionary.choices(DictItem.REGION)]
        )
        self.fields["level"] = forms.TypedChoiceField(
            label=_("level"), coerce=int, choices=dictionary.choices(DictItem.LEVEL)
        )
        for name, dict_type in (
            ("satisfaction", DictItem.SATISFACTION),
            ("credit", DictItem.CREDIT),
        ):
            self.fields[name] = forms.TypedChoiceField(
                label=Customer._meta.get_field(name).verbose_name,
                coerce=int,
                required=False,
                empty_value=None,
                choices=NOT_SPECIFIED + dictionary.choices(dict_type),
            )
        self.fields["manager"].queryset = active_users_with_role(roles.ACCOUNT_MANAGER)
        for name in self.Meta.required:
            self.fields[name].required = True
        for name in self.Meta.zero_when_empty:
            self.fields[name].required = False
        self.style_fields()

    def _zero_when_empty(self, name: str) -> int:
        value = self.cleaned_data.get(name)
        return 0 if value is None else value

    def clean_bankroll(self) -> int:
        return self._zero_when_empty("bankroll")

    def clean_turnover(self) -> int:
        return self._zero_when_empty("turnover")


class LinkmanForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Linkman
        fields = ["name", "sex", "position", "tel", "mobile", "memo"]
        widgets = {**CONTACT_WIDGETS, "sex": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].required = True  # 职位* in SPEC §3.2


class ActivityForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Activity
        fields = ["date", "place", "title", "remark", "description"]
        widgets = {
            "date": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "description": forms.Textarea(attrs={"rows": 4}),
        }


class LinkmanCreateForm(SubmitOnceMixin, LinkmanForm):
    pass


class ActivityCreateForm(SubmitOnceMixin, ActivityForm):
    pass


class TransferForm(BootstrapFormMixin, SubmitOnceMixin, forms.Form):
    """
    转移: the new account manager, which open records go with the customers, and why. For each
    customer a hidden field carries the account manager the page showed (`owner_<pk>`): a
    customer someone else moved meanwhile is refused rather than taken from him.
    """

    to_user = forms.ModelChoiceField(
        label=_("New account manager"),
        queryset=None,
        error_messages={"invalid_choice": _("Choose an active account manager.")},
    )
    with_chances = forms.BooleanField(
        label=_("Their sales chances in development go too"), required=False, initial=True
    )
    with_services = forms.BooleanField(
        label=_("Their open services go too"), required=False, initial=True
    )
    with_churns = forms.BooleanField(
        label=_("Their open churn records go too"), required=False, initial=True
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=200, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, customers, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.customers = customers
        self.fields["to_user"].queryset = targets
        for customer in customers:
            self.fields[f"owner_{customer.pk}"] = forms.IntegerField(
                required=False, widget=forms.HiddenInput, initial=customer.manager_id
            )

    def expected_owners(self) -> dict:
        return {c.pk: self.cleaned_data.get(f"owner_{c.pk}") for c in self.customers}
