"""crm.hooks, the one plug-in mechanism: what the apps registered, order, and a wrong name."""

import pytest

from apps.basedata.models import DictItem
from crm import hooks


@pytest.fixture
def scratch():
    """Entries the test adds to real points, removed afterwards."""
    added = []
    yield added
    for name, key in added:
        hooks.unregister(name, key=key)


def test_the_apps_register_their_plug_ins_at_start():
    assert {"L0101", "L0102", "L0202", "L0302", "L0303", "L0304"} <= set(
        hooks.registry("menu.badge")
    )
    assert list(hooks.registry("customers.section")) == [
        "customers/_identity_section.html",
        "service/_customer_services.html",
        "partials/sharing.html",
        "customers/_ownership_history.html",
    ]
    assert hooks.values("errors.explain")
    assert list(hooks.registry("customers.transfer")) == ["chances", "services"]
    assert list(hooks.registry("rbac.user_holdings")) == ["customers", "chances", "services"]
    for dict_type in ("REGION", "LEVEL", "SATISFACTION", "CREDIT", "SERVICE_TYPE"):
        assert hooks.values("basedata.dict_usage", getattr(DictItem, dict_type)), dict_type
    assert hooks.values("imports.in_use", "basedata.dictitem")
    assert {"customers.churn_scan", "reports.compute", "imports.apply"} <= set(
        hooks.registry("jobs.kind")
    )
    assert list(hooks.registry("imports.kind")) == [
        "customers",
        "linkmen",
        "activities",
        "orders",
        "products",
        "stock",
        "dictionary",
        "departments",
        "users",
    ]


def test_an_unknown_hook_name_fails_at_once_and_names_the_points():
    with pytest.raises(hooks.UnknownHook) as error:
        hooks.register("menu.badges", lambda user: 1, key="L0101")

    assert "'menu.badges'" in str(error.value)
    assert ", menu.badge," in str(error.value)  # in the list of points
    with pytest.raises(hooks.UnknownHook):
        hooks.values("no.such.point")
    with pytest.raises(hooks.UnknownHook):
        hooks.registry("no.such.point")


def test_values_come_in_order_then_in_registration_order(scratch):
    def first(value):
        return False

    def second(value):
        return False

    def third(value):
        return False

    scratch.append(("basedata.dict_usage", "TEST_TYPE"))
    hooks.register("basedata.dict_usage", second, key="TEST_TYPE")
    hooks.register("basedata.dict_usage", third, key="TEST_TYPE")
    hooks.register("basedata.dict_usage", first, key="TEST_TYPE", order=-1)
    hooks.register("basedata.dict_usage", third, key="TEST_TYPE")  # again: kept once

    assert hooks.values("basedata.dict_usage", "TEST_TYPE") == [first, second, third]


def test_one_per_key_points_keep_the_latest_registration(scratch):
    scratch.append(("menu.badge", "L9999"))
    hooks.register("menu.badge", lambda user: 1, key="L9999")
    hooks.register("menu.badge", lambda user: 2, key="L9999")

    assert hooks.get("menu.badge", "L9999")(None) == 2
    assert hooks.registry("menu.badge")["L9999"](None) == 2
    assert hooks.get("menu.badge", "L0000") is None
    with pytest.raises(KeyError):
        hooks.registry("menu.badge")["L0000"]
