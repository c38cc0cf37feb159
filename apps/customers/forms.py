"""Forms of the customer pages; services do the writing."""

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from apps.basedata.models import DictItem
from apps.customers.models import Activity, Customer, Division, Linkman, Tag
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


INVOICE_FIELDS = [
    "invoice_tax_no",
    "invoice_bank",
    "invoice_account",
    "invoice_address",
    "invoice_phone",
]


def division_select(level: int, child: str | None) -> forms.Select:
    """A division select; choosing a province (city) reloads the cities (districts) by htmx."""
    attrs = {"data-level": str(level)}
    if child:
        attrs.update(
            {
                "data-hx-get": reverse_lazy("customers:division-options"),
                "data-hx-target": f"#id_{child}",
                "data-hx-trigger": "change",
                "data-hx-swap": "innerHTML",
            }
        )
    return forms.Select(attrs=attrs)


class DivisionFieldsMixin:
    """Province → city → district from cst_division (GB/T 2260), each within its parent."""

    def setup_divisions(self) -> None:
        data = self.data if self.is_bound else {}
        instance = getattr(self, "instance", None)
        province = data.get("province") or getattr(instance, "province_id", None)
        city = data.get("city") or getattr(instance, "city_id", None)
        levels = (
            ("province", Division.objects.filter(level=1), "city"),
            ("city", Division.objects.filter(level=2, parent_id=province or "-"), "district"),
            ("district", Division.objects.filter(level=3, parent_id=city or "-"), None),
        )
        for level, (name, queryset, child) in enumerate(levels, start=1):
            self.fields[name] = forms.ModelChoiceField(
                label=Customer._meta.get_field(name).verbose_name,
                queryset=queryset,
                required=False,
                widget=division_select(level, child),
            )


class CustomerForm(DivisionFieldsMixin, BootstrapFormMixin, forms.ModelForm):
    """The edit form of SPEC §3.2: selects from the dictionary, the number read-only."""

    loaded_at = forms.CharField(widget=forms.HiddenInput)

    class Meta:
        model = Customer
        fields = [
            "name",
            "uscc",
            "province",
            "city",
            "district",
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
            *INVOICE_FIELDS,
        ]
        widgets = {**CONTACT_WIDGETS, "invoice_phone": PhoneInput}
        # Red stars of the prototype (SPEC §3.2); the region is the old free-text one, or the
        # province chosen from the divisions.
        required = [
            "name",
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
        if self.instance.updated_at is not None:  # None: a new customer (CustomerCreateForm)
            self.fields["loaded_at"].initial = self.instance.updated_at.isoformat()
        dictionary = DictItem.objects
        self.fields["region"] = forms.ChoiceField(
            label=_("region"),
            required=False,
            choices=[("", "---------"), *dictionary.choices(DictItem.REGION)],
        )
        self.setup_divisions()
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
        if "region" in self.fields:  # the old free-text region, until a province is chosen
            self.fields["region"].required = not (
                self.instance.province_id or (self.is_bound and self.data.get("province"))
            )
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

    def clean_uscc(self) -> str:
        from apps.customers.identity import normalise_uscc

        return normalise_uscc(self.cleaned_data.get("uscc", ""))

    def clean(self):
        data = super().clean()
        if not data.get("province") and not data.get("region") and "region" in self.fields:
            self.add_error("province", _("Choose the province (or a region)."))
        if data.get("district") and not data.get("city"):
            self.add_error("city", _("Choose the city of the district."))
        return data


class CustomerCreateForm(SubmitOnceMixin, CustomerForm):
    """新建客户: the edit form's fields; the duplicate check may ask to confirm a similar name."""

    confirm_similar = forms.BooleanField(
        label=_("This is another customer than the similar ones shown"), required=False
    )

    class Meta(CustomerForm.Meta):
        required = ["name", "manager", "level", "province", "city", "address", "tel"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["loaded_at"]
        del self.fields["region"]
        if user is not None and not self.is_bound:
            manager = self.fields["manager"].queryset.filter(pk=user.pk).first()
            self.initial.setdefault("manager", manager)


class TagForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Tag
        fields = ["name_zh", "name_en", "colour"]


class CustomerTagForm(BootstrapFormMixin, forms.Form):
    """Tag or untag one customer, or the customers the list's filter finds."""

    tag = forms.ModelChoiceField(label=_("tag"), queryset=Tag.objects.all())
    add = forms.TypedChoiceField(
        label=_("action"),
        coerce=lambda value: value == "1",
        choices=[("1", _("Add the tag")), ("0", _("Remove the tag"))],
        initial="1",
    )


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
