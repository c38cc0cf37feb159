"""Back office for the system admin. Permissions come from role rights, like everywhere else."""

from django.contrib import admin

from apps.rbac.models import AuditEvent, Right, Role


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that the admin site may show but never change (append-only or owned elsewhere)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Right)
class RightAdmin(ReadOnlyAdmin):
    list_display = ["code", "text", "text_en", "type", "parent", "url_name", "permission"]
    list_filter = ["type"]
    search_fields = ["code", "text", "text_en", "permission"]


@admin.register(Role)
class RoleAdmin(ReadOnlyAdmin):
    list_display = ["name", "name_en", "code", "is_active"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor", "action", "content_type", "object_id", "object_repr"]
    list_filter = ["action", "content_type"]
    list_select_related = ["actor", "content_type"]
    search_fields = ["object_repr", "object_id", "action"]
    date_hierarchy = "created_at"
