"""The URL matrices of every test package (tests/<package>/url_matrix.py), merged into one."""

import importlib
import pkgutil

import tests


def merged(attribute: str) -> dict:
    """EXPECTED or SAMPLES of every tests/<package>/url_matrix.py, merged."""
    result = {}
    for package in pkgutil.iter_modules(tests.__path__):
        if not package.ispkg:  # tests/<module>.url_matrix would import the module itself
            continue
        try:
            module = importlib.import_module(f"tests.{package.name}.url_matrix")
        except ModuleNotFoundError:
            continue
        result.update(getattr(module, attribute, {}))
    return result
