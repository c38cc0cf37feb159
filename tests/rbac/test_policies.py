"""The one permission mechanism: role × action × (own / other / granted row)."""

import pytest

from apps.customers.models import Customer
from apps.rbac.models import RecordShare
from apps.rbac.policies import customer_policy, user_policy
from tests.factories import CustomerFactory, UserFactory, share

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(account_manager):
    """An account manager, his customer, a colleague's customer, and one shared with him."""
    colleague = UserFactory(role="account_manager")
    shared = CustomerFactory(manager=colleague)
    share(shared, account_manager, "read")
    return {
        "own": CustomerFactory(manager=account_manager),
        "other": CustomerFactory(manager=colleague),
        "granted": shared,
    }


@pytest.mark.parametrize(
    ("role", "action", "expected"),
    [
        ("account_manager", "view", {"own": True, "other": False, "granted": True}),
        ("account_manager", "change", {"own": True, "other": False, "granted": False}),
        ("sales_manager", "view", {"own": True, "other": True, "granted": True}),
        ("sales_manager", "change", {"own": False, "other": False, "granted": False}),
        ("executive", "view", {"own": False, "other": False, "granted": False}),
        ("admin", "view", {"own": False, "other": False, "granted": False}),
    ],
)
def test_can_and_scope_agree_on_every_row(rows, account_manager, user_of, role, action, expected):
    user = account_manager if role == "account_manager" else user_of(role)

    decided = {name: customer_policy.can(user, action, row) for name, row in rows.items()}
    scoped = set(customer_policy.scope(user, action, Customer.objects.all()))

    assert decided == expected
    assert scoped == {row for name, row in rows.items() if expected[name]}


def test_model_level_can_follows_the_role_rights(account_manager, executive):
    assert customer_policy.can(account_manager, "change")
    assert not customer_policy.can(executive, "change")


def test_disabled_users_get_nothing(rows, account_manager):
    account_manager.is_active = False

    assert not customer_policy.can(account_manager, "view", rows["own"])
    assert not customer_policy.scope(account_manager, "view", Customer.objects.all()).exists()


def test_a_superuser_gets_everything(rows):
    root = UserFactory(is_superuser=True)

    assert all(customer_policy.can(root, "change", row) for row in rows.values())


def test_a_disabled_role_grants_nothing(admin_user):
    admin_user.role.is_active = False
    admin_user.role.save()
    admin_user = type(admin_user).objects.get(pk=admin_user.pk)  # drop the permission cache

    assert not user_policy.can(admin_user, "view")


def test_django_admin_reads_the_same_rights(admin_user, sales_manager):
    assert admin_user.is_staff
    assert admin_user.has_perm("basedata.change_dictitem")
    assert not sales_manager.is_staff


def test_a_removed_share_hides_the_row_again(rows, account_manager):
    RecordShare.objects.of(rows["granted"]).delete()

    assert not customer_policy.can(account_manager, "view", rows["granted"])


# Models every user of the feature reads in full, on purpose; any other model's "view" must
# have a row rule, so that a new policy without one fails here instead of leaking rows.
VIEW_WITHOUT_ROW_RULE = {
    "rbac.User": "the system admin's user list",
    "rbac.Role": "the system admin's role list",
    "rbac.AuditEvent": "the system admin's audit log",
    "rbac.Department": "the system admin's department tree",
    "basedata.DictItem": "reference data",
    "basedata.Product": "the product catalogue",
    "basedata.Storage": "stock levels",
    "customers.ChurnScanRun": "the admin's scan log",
    "customers.Tag": "the admin's tags: labels, no customer data",
    "marketing.SalesChance": "the chance pool is open to every account manager (SPEC §4)",
    "reports.Report": "company-wide figures",
    "reports.Dashboard": "company-wide figures",
}


def test_every_policy_scopes_view_by_row_or_says_why_not():
    from apps.rbac import policies

    unscoped = {
        policy.model_label
        for policy in vars(policies).values()
        if isinstance(policy, policies.Policy) and not policy.has_row_rule("view")
    }

    assert unscoped == set(VIEW_WITHOUT_ROW_RULE), (
        "a policy lets everyone with the feature read every row: give it a view owner_field "
        "or, if that is intended, name it in VIEW_WITHOUT_ROW_RULE with the reason"
    )
