"""The demo users (apps.demo.logins lists them) created in the database."""

from apps.demo.generator.common import ACCOUNT_MANAGERS, DemoStaff
from apps.demo.logins import DEMO_PASSWORD, DEMO_USERS, DemoUser
from apps.rbac.models import Role, User


def _user_create(spec: DemoUser, role: Role) -> User:
    user = User(
        username=spec.username,
        full_name=spec.full_name,
        role=role,
        email=f"{spec.username}@example.com",
    )
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def demo_users_ensure() -> tuple[DemoStaff, int]:
    """Create the missing demo users; an existing user of the same name is left as it is.

    Returns the staff and how many users were created. Roles come from rbac_sync_defaults,
    which runs after every migrate.
    """
    role_by_code = {r.code: r for r in Role.objects.filter(code__isnull=False)}
    missing_roles = {u.role_code for u in DEMO_USERS} - set(role_by_code)
    if missing_roles:
        raise Role.DoesNotExist(
            f"roles {sorted(missing_roles)} are missing; run `manage.py migrate` first"
        )
    existing = {
        u.username: u for u in User.objects.filter(username__in=[d.username for d in DEMO_USERS])
    }
    users, created = {}, 0
    for spec in DEMO_USERS:
        if spec.username not in existing:
            existing[spec.username] = _user_create(spec, role_by_code[spec.role_code])
            created += 1
        users[spec.username] = existing[spec.username]
    staff = DemoStaff(
        admin=users["admin"],
        manager=users["manager"],
        account_managers=[users[f"am{i}"] for i in range(1, ACCOUNT_MANAGERS + 1)],
        executive=users["exec"],
    )
    return staff, created
