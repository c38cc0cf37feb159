from django.utils.functional import SimpleLazyObject

from apps.rbac.menu import menu_for_user
from crm.counts import page_counts


def menu(request):
    """The signed-in user's menu, built only if a template renders it; its badges are counted
    with the page's other numbers in one query (crm.counts.page_counts)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"menu": SimpleLazyObject(lambda: menu_for_user(user, badges=page_counts(request)))}
