"""Form building blocks shared by every app: Bootstrap classes on every widget."""

import uuid

import django_filters
from django import forms


def _css_class(widget: forms.Widget) -> str | None:
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        return None
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.Select):
        return "form-select"
    return "form-control"


class BootstrapFormMixin:
    """Adds Bootstrap's classes to every widget, so templates render fields plainly."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()

    def style_fields(self) -> None:
        """Call again after replacing fields in a subclass's __init__."""
        for field in self.fields.values():
            css = _css_class(field.widget)
            if css and css not in field.widget.attrs.get("class", ""):
                field.widget.attrs["class"] = f"{field.widget.attrs.get('class', '')} {css}".strip()
            if isinstance(field, forms.DateField) and not isinstance(field, forms.DateTimeField):
                field.widget.input_type = "date"


class BootstrapFilterSet(django_filters.FilterSet):
    """A FilterSet whose form carries Bootstrap's classes."""

    def get_form_class(self):
        base = super().get_form_class()
        return type(base.__name__, (BootstrapFormMixin, base), {})


class SubmitOnceMixin(forms.Form):
    """
    For create forms: a hidden one-time token. crm.views.DomainErrorMixin claims it in the
    transaction of the create, so a double submission creates one record.
    """

    submit_token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
