"""
The kinds of data a file may import, each with its resource (apps/*/resources.py). Who may
import a kind is the resource's policy with the action "import" (apps.rbac.policies), e.g.
customers.import_all_customer, or customers.import_linkman for the linkmen of one's customers.
"""

from dataclasses import dataclass
from functools import cached_property

from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

LANGUAGES = ("zh-hans", "en")


@dataclass(frozen=True)
class ImportKind:
    key: str
    label: object  # a lazy translation
    resource_path: str

    @cached_property
    def resource(self):
        """The resource class (imported on first use: apps import their models lazily)."""
        return import_string(self.resource_path)

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


KINDS: dict[str, ImportKind] = {
    kind.key: kind
    for kind in [
        ImportKind("customers", _("Customers"), "apps.customers.resources.CustomerResource"),
        ImportKind("linkmen", _("Linkmen"), "apps.customers.resources.LinkmanResource"),
        ImportKind("activities", _("Activities"), "apps.customers.resources.ActivityResource"),
        ImportKind(
            "orders", _("Orders with their lines"), "apps.customers.resources.OrderLineResource"
        ),
        ImportKind("products", _("Products"), "apps.basedata.resources.ProductResource"),
        ImportKind("stock", _("Stock"), "apps.basedata.resources.StorageResource"),
        ImportKind("dictionary", _("Dictionary items"), "apps.basedata.resources.DictItemResource"),
    ]
}


def kinds_for(user) -> list[ImportKind]:
    """The kinds `user` may import, in menu order."""
    return [kind for kind in KINDS.values() if kind.allowed(user)]


def kind_label(key: str):
    kind = KINDS.get(key)
    return kind.label if kind else key
