"""Who may open each marketing URL (GET), merged into tests/rbac/test_url_matrix.py.

The samples belong to other users: a chance created by another sales manager, a chance and a
plan item being developed by another account manager. So an account manager gets 404 where
the row is not his (it is hidden from him), 403 where his role lacks the feature.
"""

from tests.rbac.url_matrix import ADMIN, AM, ANON, EX, LOGIN, SM, only

NOT_HIS = {ANON: LOGIN, ADMIN: 403, SM: 200, AM: 404, EX: 403}

EXPECTED = {
    "marketing:chance-list": only(SM, AM),
    "marketing:chance-create": only(SM, AM),
    "marketing:chance-detail": only(SM, AM),
    "marketing:chance-update": NOT_HIS,  # the sales manager edits every unassigned chance
    "marketing:chance-delete": only(SM, AM, ok=405),  # POST only
    "marketing:chance-assign": only(SM),
    "marketing:chance-win": only(AM, ok=405),  # POST only
    "marketing:chance-terminate": only(AM, ok=405),  # POST only
    "marketing:plan-list": only(SM, AM),
    "marketing:plan-make": NOT_HIS,  # the sales manager may plan every chance
    "marketing:plan-execute": {**only(AM), AM: 404},  # the assignee only
    "marketing:planitem-update": NOT_HIS,
    "marketing:planitem-delete": only(SM, AM, ok=405),  # POST only
    "marketing:planitem-result": {**only(AM), AM: 404},
}

SAMPLES = {
    ("marketing:chance-", "pk"): lambda: _chance_pk(),
    ("marketing:plan-", "pk"): lambda: _developing_chance_pk(),
    ("marketing:planitem-", "pk"): lambda: _plan_item_pk(),
}


def _chance_pk():
    from tests.marketing.factories import SalesChanceFactory

    return SalesChanceFactory().pk


def _developing_chance_pk():
    from tests.marketing.factories import SalesChanceFactory

    return SalesChanceFactory(developing=True).pk


def _plan_item_pk():
    from tests.marketing.factories import SalesPlanFactory

    return SalesPlanFactory().pk
