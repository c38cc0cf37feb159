import django_filters
from django.utils.translation import gettext_lazy as _

from apps.imports.catalog import KINDS
from apps.imports.models import ImportBatch
from crm.forms import BootstrapFilterSet


class ImportBatchFilter(BootstrapFilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("Data"), choices=lambda: [(k.key, k.label) for k in KINDS.values()]
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ImportBatch.Status.choices)
    original_name = django_filters.CharFilter(label=_("File name"), lookup_expr="icontains")

    class Meta:
        model = ImportBatch
        fields = ["kind", "status", "original_name"]
