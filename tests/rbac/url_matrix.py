"""
The expected answer of every URL the project serves to a GET from each principal.

Each test package may hold a `url_matrix.py` with EXPECTED ({url name: {principal: answer}})
and SAMPLES ({(url name prefix, argument): function returning a value}); the matrix test merges
them all. A URL name missing from every EXPECTED fails tests/rbac/test_url_matrix.py: a new
page cannot ship without saying who may open it. Django admin's own pages are represented by
two samples (its index and the data dictionary); the admin checks the same role rights through
has_perm.
"""

from apps.rbac.models import Role

ANON, ADMIN, SM, AM, EX = "anonymous", "admin", "sales_manager", "account_manager", "executive"
PRINCIPALS = [ANON, ADMIN, SM, AM, EX]

LOGIN = "login"  # 302 to the login page


def only(*allowed, ok=200, denied=403, anon=LOGIN):
    """Signed-in roles in `allowed` get `ok`, the others `denied`; anonymous goes to login."""
    return {ANON: anon, **{p: ok if p in allowed else denied for p in PRINCIPALS[1:]}}


EVERYONE = only(ADMIN, SM, AM, EX)

EXPECTED = {
    "home": EVERYONE,
    "login": {ANON: 200, ADMIN: 302, SM: 302, AM: 302, EX: 302},
    "logout": {ANON: LOGIN, ADMIN: 405, SM: 405, AM: 405, EX: 405},  # POST only
    "password_change": EVERYONE,
    "password_change_done": EVERYONE,
    "set_language": dict.fromkeys(PRINCIPALS, 405),
    "favicon": dict.fromkeys(PRINCIPALS, 200),
    "rbac:user-list": only(ADMIN),
    "rbac:user-create": only(ADMIN),
    "rbac:user-update": only(ADMIN),
    "rbac:user-password": only(ADMIN),
    "rbac:user-set-active": only(ADMIN, ok=405),
    "rbac:user-hand-over": only(ADMIN),
    "rbac:role-list": only(ADMIN),
    "rbac:role-create": only(ADMIN),
    "rbac:role-update": only(ADMIN),
    "rbac:role-rights": only(ADMIN),
    "rbac:role-data-scopes": only(ADMIN),
    "rbac:audit-list": only(ADMIN),
    "rbac:department-list": only(ADMIN),
    "rbac:department-create": only(ADMIN),
    "rbac:department-update": only(ADMIN),
    "rbac:department-move": only(ADMIN),
    "rbac:department-delete": only(ADMIN, ok=405),  # POST only
    "rbac:share-create": only(SM, AM, ok=405),  # POST only; the role must see customers
    # POST only; the sample shares a colleague's customer, which an account manager cannot see
    "rbac:share-delete": {ANON: LOGIN, ADMIN: 403, SM: 405, AM: 404, EX: 403},
    "rbac:why": only(ADMIN),
    "admin:index": only(ADMIN, denied=302, anon=302),
    "admin:basedata_dictitem_changelist": only(ADMIN, denied=302, anon=302),
}

# Imported lazily by the matrix test, so factories may be used here.
SAMPLES = {
    ("rbac:user-", "pk"): lambda: _user_pk(),
    ("rbac:role-", "pk"): lambda: Role.objects.get(code="executive").pk,
    ("rbac:department-", "pk"): lambda: _department_pk(),
    ("rbac:share-create", "kind"): lambda: "customer",
    ("rbac:share-create", "pk"): lambda: _customer_pk(),
    ("rbac:share-delete", "pk"): lambda: _share_pk(),
}


def _customer_pk():
    from tests.factories import CustomerFactory

    return CustomerFactory().pk


def _share_pk():
    from tests.factories import CustomerFactory, UserFactory, share

    return share(CustomerFactory(), UserFactory(role="account_manager")).pk


def _department_pk():
    from apps.rbac.models import Department

    return Department.objects.add_root({"name": "样本部门"}).pk


def _user_pk():
    from tests.factories import UserFactory

    return UserFactory(role="account_manager").pk
