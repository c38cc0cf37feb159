"""Reads of notifications. A user only ever sees his own (a personal inbox has no role rule)."""

from django.db.models import QuerySet

from apps.notifications.models import Notification


def notification_list(*, user) -> QuerySet[Notification]:
    """The user's notifications, newest first."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")


def notification_unread(user) -> QuerySet[Notification]:
    """The user's unread notifications (the bell counts them, on a partial index)."""
    return Notification.objects.unread().filter(recipient_id=user.pk)


def notification_unread_count(*, user) -> int:
    """How many of the user's notifications are unread: one COUNT on a partial index."""
    return notification_unread(user).count()
