"""
The reports' filter forms (GET). Every field is optional; a bad value (a year that is not a
number, a reversed date range) becomes a message on the form instead of an error page.
`params()` gives the filters in the canonical form that keys the stored snapshots.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

YEAR = re.compile(r"[0-9]{4}")
INDENT = "\u3000"  # a department's depth in the filter's list, one ideographic space a level


def clean_year(raw: str) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    if not YEAR.fullmatch(raw):
        raise ValidationError(
            _("The year must be a number of four digits, such as 2024."), code="year"
        )
    year = int(raw)
    if not 1900 <= year <= 2999:
        raise ValidationError(_("The year must be between 1900 and 2999."), code="year")
    return year


class ReportFilterForm(forms.Form):
    """Every report filters by department (a department and those below it, issue 16): the
    choices are the departments the reader's reports reach (apps.reports.scope)."""

    department = forms.TypedChoiceField(
        label=_("Department"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={
            "invalid_choice": _("Choose one of the departments in the list."),
        },
    )

    def __init__(self, *args, years=(), departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", _("All departments"))] + [
            (str(d.pk), INDENT * (d.depth - 1) + d.label) for d in departments
        ]
        if "year" in self.fields:
            self.fields["year"].widget.choices = [("", _("All years"))] + [
                (str(y), str(y)) for y in years
            ]
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean_year(self):
        return clean_year(self.cleaned_data.get("year"))

    def params(self) -> dict:
        """The report's own filters, then the department if one is chosen (the key of the
        stored snapshots: a filter left empty keeps the key it always had)."""
        params = self.report_params()
        if self.cleaned_data["department"] is not None:
            params["department"] = self.cleaned_data["department"]
        return params

    def report_params(self) -> dict:
        raise NotImplementedError


class ContributionFilterForm(ReportFilterForm):
    year = forms.CharField(label=_("Year"), required=False, widget=forms.Select)
    name = forms.CharField(label=_("Customer name"), required=False, max_length=100)

    def report_params(self) -> dict:
        return {"year": self.cleaned_data["year"], "name": self.cleaned_data["name"]}


class CompositionFilterForm(ReportFilterForm):
    BY = [
        ("level", _("By level")),
        ("credit", _("By credit")),
        ("satisfaction", _("By satisfaction")),
        ("department", _("By department")),
    ]

    by = forms.ChoiceField(
        label=pgettext_lazy("composition", "Report by"), choices=BY, required=False
    )

    def report_params(self) -> dict:
        return {"by": self.cleaned_data["by"] or "level"}


class ServiceFilterForm(ReportFilterForm):
    year = forms.CharField(label=_("Year"), required=False, widget=forms.Select)
    date_from = forms.DateField(
        label=_("Created from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Created until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise ValidationError(_("The start date must not be after the end date."))
        if data.get("year") and (start or end):
            raise ValidationError(_("Choose either a year or a date range, not both."))
        return data

    def report_params(self) -> dict:
        data = self.cleaned_data
        return {
            "year": data["year"],
            "date_from": data["date_from"].isoformat() if data["date_from"] else None,
            "date_to": data["date_to"].isoformat() if data["date_to"] else None,
        }


class ChurnFilterForm(ReportFilterForm):
    customer = forms.CharField(label=_("Customer"), required=False, max_length=100)
    manager = forms.CharField(label=_("Account manager"), required=False, max_length=50)
    by = forms.ChoiceField(
        label=pgettext_lazy("churn", "Group by"),
        choices=[("manager", _("By account manager")), ("department", _("By department"))],
        required=False,
    )

    def report_params(self) -> dict:
        params = {
            "customer": self.cleaned_data["customer"],
            "manager": self.cleaned_data["manager"],
        }
        if self.cleaned_data["by"] == "department":
            params["by"] = "department"
        return params


FORMS = {
    "contribution": ContributionFilterForm,
    "composition": CompositionFilterForm,
    "service": ServiceFilterForm,
    "churn": ChurnFilterForm,
}
