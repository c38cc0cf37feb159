"""The left menu: the folders and pages of the user's role rights (SPEC §1.1)."""

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse

from apps.rbac.models import Right
from crm import hooks


@dataclass
class MenuItem:
    code: str
    label: str
    icon: str = ""
    url: str = ""
    badge: int | None = None
    children: list["MenuItem"] = field(default_factory=list)


def _rights_for(user):
    rights = Right.objects.filter(type__in=[Right.Type.FOLDER, Right.Type.DOCUMENT])
    if user.is_superuser:
        return rights
    if not user.role_id:
        return rights.none()
    return rights.filter(roles=user.role_id, roles__is_active=True)


def _url(right: Right) -> str | None:
    try:
        return reverse(right.url_name)
    except NoReverseMatch:
        return None  # a page of a module that this installation does not serve


def menu_for_user(user) -> list[MenuItem]:
    """Folders with their visible pages, in menu order; empty folders are left out."""
    folders: dict[str, MenuItem] = {}
    pages: list[tuple[str, MenuItem]] = []
    for right in _rights_for(user).order_by("sort_order"):
        if right.type == Right.Type.FOLDER:
            folders[right.code] = MenuItem(right.code, right.label, right.icon)
        elif (url := _url(right)) is not None:
            # A count of what waits for the user, e.g. "服务处理 (3)": the hook "menu.badge".
            count = hooks.get("menu.badge", right.code)
            badge = count(user) if count else None
            pages.append(
                (right.parent_id, MenuItem(right.code, right.label, url=url, badge=badge or None))
            )
    for parent, page in pages:
        if parent in folders:
            folders[parent].children.append(page)
    return [folder for folder in folders.values() if folder.children]
