from django.contrib import admin

from apps.imports.models import ImportBatch
from apps.rbac.admin import ReadOnlyAdmin


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    """Read-only: imports change only through their services (apps.imports.services)."""

    list_display = ["created_at", "kind", "original_name", "status", "created_by", "rows_total"]
    list_filter = ["status", "kind"]
    list_select_related = ["created_by"]
    search_fields = ["original_name", "created_by__username"]
    date_hierarchy = "created_at"
