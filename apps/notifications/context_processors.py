from django.utils.functional import SimpleLazyObject

from apps.notifications.selectors import notification_unread_count


def unread_count(request):
    """The bell's number: one COUNT query, only for a signed-in user, only if rendered."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notifications_unread": SimpleLazyObject(lambda: notification_unread_count(user=user))}
