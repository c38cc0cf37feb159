"""
The kinds of data a file may import, each with its resource (apps/*/resources.py): the hook
"imports.kind" (crm.hooks), which the apps owning the data fill from their AppConfig.ready(),
in menu order (`order`)::

    kind = ImportKind("products", _("Products"), ProductResource)
    hooks.register("imports.kind", kind, key=kind.key, order=50)

Who may import a kind is the resource's policy with the action "import" (apps.rbac.policies),
e.g. customers.import_all_customer, or customers.import_linkman for the linkmen of one's
customers.
"""

from dataclasses import dataclass
from functools import cached_property

from django.utils import translation

from crm import hooks

LANGUAGES = ("zh-hans", "en")


@dataclass(frozen=True)
class ImportKind:
    key: str
    label: object  # a lazy translation
    resource: type  # an apps.imports.resource_base.CrmResource

    def allowed(self, user) -> bool:
        """May `user` import this kind at all (rows are checked one by one later)?"""
        return self.resource.policy.can(user, "import")

    def headers(self, language: str | None = None) -> list[str]:
        """The template's header row in `language` (the active one by default)."""
        with translation.override(language or translation.get_language()):
            return [str(field.label) for field in self.resource.columns().values()]

    def column_label(self, key: str) -> str:
        field = self.resource.columns().get(key)
        return str(field.label) if field is not None else ""

    @cached_property
    def header_names(self) -> dict[str, str]:
        """{normalised header text: column key}: the key itself and both languages' labels."""
        names = {}
        for language in LANGUAGES:
            with translation.override(language):
                for key, field in self.resource.columns().items():
                    names.setdefault(normalise_header(str(field.label)), key)
        for key in self.resource.columns():
            names.setdefault(normalise_header(key), key)
        return names


def normalise_header(text) -> str:
    """Header text compared loosely: no case, no spaces, no "*" marking a required column."""
    cleaned = str(text or "").replace("\ufeff", "").replace("*", "").replace("＊", "")
    return "".join(cleaned.split()).casefold()


KINDS = hooks.registry("imports.kind")


def kinds_for(user) -> list[ImportKind]:
    """The kinds `user` may import, in menu order."""
    return [kind for kind in KINDS.values() if kind.allowed(user)]


def kind_label(key: str):
    kind = KINDS.get(key)
    return kind.label if kind else key
