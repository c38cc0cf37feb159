"""
Which business rows use a dictionary value: the hook "basedata.dict_usage" (crm.hooks), keyed by
the dictionary type, which the apps that store dictionary values fill from their
AppConfig.ready(), since basedata must not import them.
"""

from crm import hooks


def dict_value_in_use(dict_type: str, value: str) -> bool:
    return any(is_used(value) for is_used in hooks.values("basedata.dict_usage", dict_type))
