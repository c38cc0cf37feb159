"""Forms of the user and role administration; services do the writing."""

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from apps.rbac.models import DataScope, Department, RecordShare, Right, Role, User
from crm.forms import BootstrapFormMixin, SubmitOnceMixin


class UserForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = [
            "username",
            "full_name",
            "email",
            "phone",
            "role",
            "department",
            "supervisor",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].queryset = Role.objects.filter(is_active=True)
        self.fields["role"].empty_label = _("(not assigned)")
        self.fields["department"].queryset = Department.objects.filter(is_active=True)
        supervisors = User.objects.filter(is_active=True)
        if self.instance.pk:
            supervisors = supervisors.exclude(pk=self.instance.pk)
        self.fields["supervisor"].queryset = supervisors


class UserCreateForm(SubmitOnceMixin, UserForm):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput,
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password confirmation"), strip=False, widget=forms.PasswordInput
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords do not match."))
        return data


class PasswordResetForm(BootstrapFormMixin, forms.Form):
    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput,
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password confirmation"), strip=False, widget=forms.PasswordInput
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords do not match."))
        return data


class RoleForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Role
        fields = ["name", "name_en", "description", "is_active"]


class RoleRightsForm(forms.Form):
    rights = forms.ModelMultipleChoiceField(
        queryset=Right.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )


class DepartmentForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Department
        fields = ["name", "name_en", "head", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["head"].queryset = User.objects.filter(is_active=True)


class DepartmentCreateForm(SubmitOnceMixin, DepartmentForm):
    parent = forms.ModelChoiceField(
        label=_("Parent department"),
        queryset=Department.objects.all(),
        required=False,
        empty_label=_("(top level)"),
    )

    class Meta(DepartmentForm.Meta):
        fields = ["parent", "name", "name_en", "head"]


class DepartmentMoveForm(BootstrapFormMixin, forms.Form):
    parent = forms.ModelChoiceField(
        label=_("New parent department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("(top level)"),
    )

    def __init__(self, *args, department: Department, **kwargs):
        super().__init__(*args, **kwargs)
        # Not under itself or its own (the service refuses that too, with a message).
        below = Department.objects.exclude(path__startswith=department.path)
        self.fields["parent"].queryset = below


class DataScopesForm(BootstrapFormMixin, forms.Form):
    """One data scope per module (数据权限)."""

    def __init__(self, *args, current: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for module, label in DataScope.Module.choices:
            self.fields[module] = forms.ChoiceField(
                label=label,
                choices=DataScope.Scope.choices,
                initial=current.get(module, DataScope.Scope.OWN),
            )


class ShareForm(BootstrapFormMixin, forms.Form):
    """协作: the colleague, read or write, until when. The service validates the choices."""

    user = forms.IntegerField(label=_("Colleague"), widget=forms.Select)
    access = forms.ChoiceField(label=_("Access"), choices=RecordShare.Access.choices)
    until = forms.DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, colleagues=(), kinds=("read", "write"), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["access"].choices = [
            (value, label) for value, label in RecordShare.Access.choices if value in kinds
        ]
        self.fields["user"].widget.choices = [
            ("", "---------"),
            *((u.pk, u.display_name) for u in colleagues),
        ]


class HandOverForm(BootstrapFormMixin, forms.Form):
    """A leaving employee's records: who takes them over, and whether he is disabled now."""

    to_user = forms.ModelChoiceField(
        label=_("Who takes them over"),
        queryset=None,
        error_messages={"invalid_choice": _("Choose an active account manager.")},
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=200, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    disable = forms.BooleanField(label=_("Disable the user afterwards"), required=False)
