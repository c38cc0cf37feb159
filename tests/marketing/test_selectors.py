"""Which chances each role sees (SPEC §3.1 row scope) and the menu badges."""

import pytest

from apps.marketing import selectors
from apps.rbac.models import Role
from tests.factories import UserFactory
from tests.marketing.factories import SalesChanceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def chances(account_manager):
    return {
        "unassigned": SalesChanceFactory(),
        "mine": SalesChanceFactory(developing=True, assignee=account_manager),
        "my_won": SalesChanceFactory(won=True, assignee=account_manager),
        "colleagues": SalesChanceFactory(developing=True),
    }


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("account_manager", {"mine", "my_won"}),
        ("sales_manager", {"mine", "my_won", "colleagues"}),
        ("executive", set()),
        ("admin", set()),
    ],
)
def test_plan_list_scope_per_role(chances, account_manager, user_of, role, expected):
    user = account_manager if role == "account_manager" else user_of(role)

    rows = set(selectors.plan_chance_list(user=user))

    assert rows == {chances[name] for name in expected}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("account_manager", {"unassigned", "mine", "my_won"}),
        ("sales_manager", {"unassigned", "mine", "my_won", "colleagues"}),
        ("executive", set()),
    ],
)
def test_chances_a_user_may_open(chances, account_manager, user_of, role, expected):
    user = account_manager if role == "account_manager" else user_of(role)

    rows = set(selectors.chance_visible_list(user=user))

    assert rows == {chances[name] for name in expected}


def test_assignee_choices_leave_out_disabled_users_and_disabled_roles():
    active = UserFactory(role="account_manager")
    UserFactory(role="account_manager", is_active=False)
    Role.objects.filter(code="account_manager").update(is_active=False)

    assert list(selectors.account_manager_choices()) == []
    Role.objects.filter(code="account_manager").update(is_active=True)
    assert list(selectors.account_manager_choices()) == [active]


def test_menu_badges_count_what_waits_for_the_user(chances, account_manager, sales_manager):
    assert selectors.chance_unassigned(sales_manager).count() == 1
    assert selectors.chance_unassigned(account_manager).count() == 0  # he does not assign
    assert selectors.plan_developing(account_manager).count() == 1
