"""
The demo logins: one user per role plus four account managers, sharing one password.

Plain data without Django imports, so that `make run`'s launcher prints the very users that
seed_demo creates (apps.demo.generator.users) before Django is set up.
"""

import unicodedata
from typing import NamedTuple

from apps.rbac import roles

DEMO_PASSWORD = "crm-demo-2026"  # noqa: S105  (a published demo login, not a secret)


class DemoUser(NamedTuple):
    username: str
    full_name: str
    role_code: str


DEMO_USERS = [
    DemoUser("admin", "刘志强", roles.ADMIN),
    DemoUser("manager", "张伟", roles.SALES_MANAGER),
    DemoUser("am1", "李娜", roles.ACCOUNT_MANAGER),
    DemoUser("am2", "王磊", roles.ACCOUNT_MANAGER),
    DemoUser("am3", "陈静", roles.ACCOUNT_MANAGER),
    DemoUser("am4", "赵勇", roles.ACCOUNT_MANAGER),
    DemoUser("exec", "孙立新", roles.EXECUTIVE),
]


def demo_login_lines() -> list[str]:
    """The login table for a terminal: a heading, then role, username and name of every user."""
    role_names = {role.code: f"{role.name} / {role.name_en}" for role in roles.ROLES}
    lines = [f"Demo logins (role, username, name), password {DEMO_PASSWORD}:"]
    for user in DEMO_USERS:
        role = _pad(role_names[user.role_code], 34)
        lines.append(f"  {role} {user.username:<8} {user.full_name}")
    return lines


def _pad(text: str, width: int) -> str:
    """Left-justify for a terminal, where a Chinese character takes two columns."""
    shown = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - shown)
