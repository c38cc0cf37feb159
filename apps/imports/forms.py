"""Forms of the import pages; services do the work."""

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from apps.imports import files
from apps.imports.catalog import kinds_for
from crm.forms import BootstrapFormMixin, SubmitOnceMixin


class UploadForm(BootstrapFormMixin, SubmitOnceMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Data"))
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.key, k.label) for k in kinds_for(user)]
        self.fields["file"].help_text = _(
            "CSV (UTF-8 or GBK) or Excel .xlsx, at most %(size)s and %(rows)s rows, with the "
            "template's header row in Chinese or English."
        ) % {"size": filesizeformat(files.max_bytes()), "rows": files.max_rows()}
        self.fields["file"].widget.attrs["accept"] = ".csv,.xlsx"


class ApplyForm(forms.Form):
    skip_invalid = forms.BooleanField(
        label=_("Import the valid rows and skip the invalid ones"), required=False
    )


class ExportForm(forms.Form):
    format = forms.ChoiceField(choices=[("xlsx", "xlsx"), ("csv", "csv")])


class ListExportForm(ExportForm):
    url_name = forms.CharField(max_length=100)
    query = forms.CharField(max_length=2000, required=False)
