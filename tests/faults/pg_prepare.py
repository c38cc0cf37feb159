"""
Prepares the private database in one Django process (run by `manage.py shell -c`, with the
server's environment): migrate, an account manager with a few customers, a sales manager, and
signed-in sessions for both, printed as JSON on the last line. Sessions are made directly
(as the tests' force_login does) so that no password has to be hashed.
"""

import json

from django.core.management import call_command
from django.test import Client

from apps.customers.models import Customer
from apps.customers.services import customer_number_next
from apps.marketing.services import sales_chance_create
from apps.rbac import roles
from apps.rbac.models import Role, User

BACKEND = "apps.rbac.backends.RoleRightsBackend"


def _user(username: str, role_code: str) -> User:
    role = Role.objects.get(code=role_code)
    return User.objects.create_user(username, None, role=role, full_name=username)


def prepare(
    *, account_manager_sessions: int, sales_manager_sessions: int, chances: int, prefix: str
) -> dict:
    call_command("migrate", interactive=False, verbosity=0)
    am1 = _user("am1", roles.ACCOUNT_MANAGER)
    manager = _user("manager", roles.SALES_MANAGER)
    customers = [
        Customer.objects.create(number=customer_number_next(), name=f"客户{i}", manager=am1).pk
        for i in range(3)
    ]
    # Chances in development, so the account managers have some to win from the start.
    for i in range(chances):
        name = f"{prefix}-chance-seed{i}"
        sales_chance_create(
            actor=manager,
            assignee=am1,
            source="pgfault",
            customer_name=name,
            title=name,
            rate=50,
            linkman=f"{name}-contact",
            description="prepared",
        )

    def sessions(user, count):
        keys = []
        for _ in range(count):
            client = Client()
            client.force_login(user, backend=BACKEND)
            keys.append(client.cookies["sessionid"].value)
        return keys

    return {
        "account_manager": am1.pk,
        "customers": customers,
        "sessions": {
            "am1": sessions(am1, account_manager_sessions),
            "manager": sessions(manager, sales_manager_sessions),
        },
    }


def main(
    account_manager_sessions: int, sales_manager_sessions: int, chances: int, prefix: str
) -> None:
    result = prepare(
        account_manager_sessions=account_manager_sessions,
        sales_manager_sessions=sales_manager_sessions,
        chances=chances,
        prefix=prefix,
    )
    print(json.dumps(result))
