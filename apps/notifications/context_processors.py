from django.utils.functional import SimpleLazyObject

from crm.counts import page_counts


def unread_count(request):
    """The bell's number: counted with the menu badges in one query (crm.counts), only for a
    signed-in user, only if rendered."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "notifications_unread": SimpleLazyObject(
            lambda: page_counts(request)["notifications_unread"]
        )
    }
