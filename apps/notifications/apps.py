from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "apps.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from apps.notifications.selectors import notification_unread
        from crm import hooks

        # The bell's number, counted with the menu badges (crm.counts.page_counts).
        hooks.register("frame.count", notification_unread, key="notifications_unread")
