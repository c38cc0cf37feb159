"""The URL matrices of every test package (tests/<package>/url_matrix.py), merged into one."""

import importlib
import pkgutil

import tests


def merged(attribute: str) -> dict:
    """EXPECTED or SAMPLES of every tests/<package>/url_matrix.py, merged."""
    result = {}
    for package in pkgutil.iter_modules(tests.__path__):
        if not package.ispkg:
            continue  # a test module (importing it here could import this module again)
        try:
            module = importlib.import_module(f"tests.{package.name}.url_matrix")
        except ModuleNotFoundError:
            continue
        result.update(getattr(module, attribute, {}))
    return result


def list_page_names() -> list[str]:
    """The URL names of every list page the project serves: its view is a list (a ListView,
    crm.lists.ListPageView) or uses the list layout (crm.lists.ListLayoutMixin)."""
    from django.views.generic.list import MultipleObjectMixin

    from bench.pages import served
    from crm.lists import ListLayoutMixin

    lists = ListLayoutMixin | MultipleObjectMixin
    return sorted(
        name
        for name, (callback, _arguments) in served({}).items()
        if issubclass(getattr(callback, "view_class", object), lists)
    )
