from django.contrib import admin

from apps.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: notifications are written by the jobs that send them."""

    list_display = ["created_at", "recipient", "title", "read_at"]
    list_select_related = ["recipient"]
    list_filter = ["read_at"]
    search_fields = ["title", "recipient__username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
