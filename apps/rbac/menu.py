"""
The left menu: the folders and pages of the user's role rights (SPEC §1.1).

The menu's shape and labels depend only on the role and the language: computed once per role,
language and access version (crm.memo; any change of rights, roles or scopes moves the
version, apps.rbac.models.version). The badges ("服务处理 (3)", the hook "menu.badge") are the
user's own and counted on each page, all of them and the bell in one query (crm.counts).
"""

from dataclasses import dataclass, field, replace

from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language

from apps.rbac.backends import access_version
from apps.rbac.models import Right
from crm import hooks
from crm.counts import count_all
from crm.memo import Memo

_menus = Memo("rbac.menu", size=256)


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


def _menu_shape(user) -> tuple[MenuItem, ...]:
    """Folders with their visible pages, in menu order, without badges; empty folders are left
    out. Shared by every user of the role: never changed after it is built."""
    folders: dict[str, MenuItem] = {}
    pages: list[tuple[str, MenuItem]] = []
    for right in _rights_for(user).order_by("sort_order"):
        if right.type == Right.Type.FOLDER:
            folders[right.code] = MenuItem(right.code, str(right.label), right.icon)
        elif (url := _url(right)) is not None:
            pages.append((right.parent_id, MenuItem(right.code, str(right.label), url=url)))
    for parent, page in pages:
        if parent in folders:
            folders[parent].children.append(page)
    return tuple(folder for folder in folders.values() if folder.children)


def menu_shape(user) -> tuple[MenuItem, ...]:
    key = ("superuser" if user.is_superuser else user.role_id, get_language())
    return _menus.get(key, lambda: _menu_shape(user), version=access_version(user))


def badge_counts(user, codes) -> dict[str, int]:
    """{right code: count} of the "menu.badge" hooks of these pages, in one query: a hook
    returns a QuerySet (counted together with the others) or an int."""
    counters = {code: hooks.get("menu.badge", code) for code in codes}
    values = {code: count(user) for code, count in counters.items() if count}
    querysets = {code: v for code, v in values.items() if isinstance(v, QuerySet)}
    counted = dict(zip(querysets, count_all(querysets.values()), strict=True))
    return {code: counted.get(code, value) for code, value in values.items()}


def menu_for_user(user, badges: dict | None = None) -> list[MenuItem]:
    """The user's menu: his role's folders and pages, with his badges (`badges`: {right code:
    count} counted already, crm.counts.page_counts; else counted here)."""
    shape = menu_shape(user)
    if badges is None:
        badges = badge_counts(user, [page.code for folder in shape for page in folder.children])
    return [
        replace(
            folder,
            children=[
                replace(page, badge=badges.get(page.code) or None) for page in folder.children
            ],
        )
        for folder in shape
    ]
