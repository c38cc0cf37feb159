from django.contrib import admin

from apps.jobs.models import Job
from apps.rbac.admin import ReadOnlyAdmin


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    """Read-only: jobs change only through their worker (apps.jobs.services)."""

    list_display = ["created_at", "kind", "status", "created_by", "attempts", "finished_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["created_by"]
    search_fields = ["kind", "created_by__username"]
    date_hierarchy = "created_at"
