"""The import history list, declared once (crm.lists)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.imports import selectors
from apps.imports.catalog import kind_label
from apps.imports.filters import ImportBatchFilter
from apps.imports.models import ImportBatch
from apps.rbac.policies import import_batch_policy
from crm.exports import column, user_name
from crm.lists import FACT, STATUS, TITLE, ListDefinition, col

batches = ListDefinition(
    policy=import_batch_policy,
    selector=selectors.import_batch_list,
    filterset_class=ImportBatchFilter,
    columns=(
        col("created_at", _("Time"), sort="created_at", phone=FACT),
        col("kind", _("Data"), sort="kind", phone=FACT),
        col("file", _("File"), phone=TITLE),
        col("created_by", _("Imported by")),
        col("status", _("Status"), sort="status", phone=STATUS),
        col("rows", _("Rows"), sort="rows", phone=FACT),
        col("new", pgettext_lazy("import count", "New")),
        col("updated", pgettext_lazy("import count", "Updated")),
        col("unchanged", pgettext_lazy("import count", "Unchanged")),
        col("invalid", pgettext_lazy("import count", "Invalid")),
    ),
    sort_fields={
        "created_at": "created_at",
        "kind": "kind",
        "status": "status",
        "rows": "rows_total",
    },
    default_sort="-created_at",
    export_filename="imports",
    export_columns=(
        column(_("time"), "created_at"),
        column(_("Data"), "kind", format=kind_label),
        column(_("file name"), "original_name"),
        column(_("status"), "status", choices=ImportBatch.Status),
        column(_("imported by"), user_name("created_by")),
        column(pgettext_lazy("import count", "rows"), "rows_total"),
        column(pgettext_lazy("import count", "new"), "rows_new"),
        column(pgettext_lazy("import count", "updated"), "rows_updated"),
        column(pgettext_lazy("import count", "unchanged"), "rows_unchanged"),
        column(pgettext_lazy("import count", "invalid"), "rows_invalid"),
    ),
    page_actions=("add",),
)
