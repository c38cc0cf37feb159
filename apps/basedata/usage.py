"""
Which business rows use a dictionary value. The apps that store dictionary values register a
check here from their AppConfig.ready(), since basedata must not import them.
"""

from collections.abc import Callable

USAGE_CHECKS: dict[str, list[Callable[[str], bool]]] = {}


def register_dict_usage(dict_type: str, is_used: Callable[[str], bool]) -> None:
    """is_used(value) -> True if a business row stores `value` of `dict_type`."""
    checks = USAGE_CHECKS.setdefault(dict_type, [])
    if is_used not in checks:
        checks.append(is_used)


def dict_value_in_use(dict_type: str, value: str) -> bool:
    return any(is_used(value) for is_used in USAGE_CHECKS.get(dict_type, []))
