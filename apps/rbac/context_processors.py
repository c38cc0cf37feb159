from django.utils.functional import SimpleLazyObject

from apps.rbac.menu import menu_for_user


def menu(request):
    """The signed-in user's menu, built only if a template renders it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"menu": SimpleLazyObject(lambda: menu_for_user(user))}
