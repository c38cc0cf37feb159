from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from crm import hooks


class BasedataConfig(AppConfig):
    name = "apps.basedata"
    label = "basedata"
    verbose_name = _("Base data")

    def ready(self) -> None:
        _register_imports()


def _dict_item_in_use(item) -> bool:
    from apps.basedata.usage import dict_value_in_use

    return dict_value_in_use(item.type, item.value)


def _register_imports() -> None:
    """The kinds of data a file may import (after the customers' in the menu)."""
    from apps.basedata import resources
    from apps.imports.catalog import ImportKind

    for order, kind in enumerate(
        [
            ImportKind("products", _("Products"), resources.ProductResource),
            ImportKind("stock", _("Stock"), resources.StorageResource),
            ImportKind("dictionary", _("Dictionary items"), resources.DictItemResource),
        ],
        start=50,
    ):
        hooks.register("imports.kind", kind, key=kind.key, order=order)
    # A dictionary value that business rows store cannot be taken away by undoing its import.
    hooks.register("imports.in_use", _dict_item_in_use, key="basedata.dictitem")
