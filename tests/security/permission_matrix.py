"""
Expected answers of tests/security/test_object_matrix.py, as data.

OBJECT_EXPECTED: for every URL naming one row, and for that row as the principal's OWN,
ANOTHER user's (a colleague of the role that owns such rows) or another user's SHARED with the
principal by a read-only share (协作, tests.factories.share), the answer to a GET and to a POST
with the page's own form, written "GET/POST": a status code, or "login" for the redirect to the
login page. POST_EXPECTED: the answer to a POST on every other URL.

Reading guide (SPEC §4 and apps/rbac/policies.py): an account manager acts on the customers he
manages; a read-only share lets him read a colleague's row and what hangs from it (200 on the
read pages) and never write it (403/404 on the write pages); the sales manager reads every
customer and plans every chance; unassigned chances are readable by every account manager (the
chance pool), a ticket by the account manager who created it, handles it or manages its
customer; jobs and notifications are strictly personal (404 for anyone else, the system admin
included); the system admin sees every import. 405 is a GET on a POST-only URL or a POST on a
read-only page. Sharing a record (rbac:share-create with an empty form: back to the record with
the form's errors, 302) is for its owner or a role that sees every such record.
"""

from tests.rbac.url_matrix import ADMIN, AM, ANON, EX, SM

RELATIONS = ["own", "other", "shared"]


def _code(text: str):
    return text if text == "login" else int(text)


def answers(**cells):
    """answers(admin="403/403", ...) -> {principal: (GET answer, POST answer)}."""
    names = {"anon": ANON, "admin": ADMIN, "sm": SM, "am": AM, "ex": EX}
    return {
        names[key]: tuple(_code(part) for part in value.split("/")) for key, value in cells.items()
    }


def post(**cells):
    """post(anon="login", admin=403, ...) -> {principal: POST answer}."""
    names = {"anon": ANON, "admin": ADMIN, "sm": SM, "am": AM, "ex": EX}
    return {names[key]: value for key, value in cells.items()}


OBJECT_EXPECTED = {
    "customers:activity-create": {
        "own": answers(admin="403/403", sm="403/403", am="200/302", ex="403/403"),
        "other": answers(
            anon="login/login", admin="403/403", sm="403/403", am="404/404", ex="403/403"
        ),
        "shared": answers(admin="403/403", sm="403/403", am="403/403", ex="403/403"),
    },
    "customers:activity-delete": {
        "own": answers(admin="403/403", sm="403/403", am="405/302", ex="403/403"),
        "other": answers(
            anon="login/login", admin="403/403", sm="403/403", am="405/404", ex="403/403"
        ),
        "shared": answers(admin="403/403", sm="403/403", am="405/403", ex="403/403"),
    },
    "customers:activity-list": {
        "own": answers(admin="403/403", sm="200/405", am="200/405", ex="403/403"),
        "other": answers(
            anon="login/login", admin="403/403", sm="200/405", am="404/404", ex="403/403"
        ),
        "shared": answers(admin="403/403", sm="200/405", am="200/405", ex="403/403"),
    },
    "customers:activity-update": {
        "own": answers(admin="403/403", sm="403/403", am="200/302", ex="403/403"),
        "other": answers(
            anon="login/login", admin="403/403", sm="403/403", am="404/404", ex="403/403"
        ),
        "shared": answers(admin="403/403", sm="403/403", am="403/403", ex="403/403"),
    },
    "customers:churn-confirm": {
        "own": answers(admin="403/403", sm="403/403", am="200/302", ex="403/403"),
        "other": answers(
            anon="login/login", admin="403/403", sm="403/403", am="404/404", ex="403/403"
        ),
        "shared": answers(admin="403/403", sm="403/403", am="404/404", ex="403/403"),
    },
    "customers:churn-detail": {
        "own": answers(admin="403/403", sm="200/405", am="200/405", ex="403/403"),
        "other": answers(
            anon="login/login", admin="403/403", sm="200/405", am="404/405", ex="403/403"
        ),
        "shared": answers(admin="403/403", sm="200/405", am="200/405", ex="403/403"),
    },
    "customers:churn-postpone": {
        "own": answers(admin="403/403", sm="403/403", am="200/302", ex="403/403"),
        "other": answers(
            anon="login/login", admin="403/403", sm="403/403", am="404/404", ex="403/403"
        ),
        "shared": answers(admin="403/403", sm="403/403", am="404/404", ex="403/403"),
    },
    "customers:customer-delete": {
        "own": answers(admin="403/403", sm="403/403", am="200/302", ex="403/403"),
        "other": answers(
            anon="login/login", admin="403/403", sm="403/403", am="404/404", ex="403/403"
        ),
        "shared": answers(admin="403/403", sm="403/403", am="403/403", ex="403/403"),
    },
    "customers:customer-detail": {
        "own": answers(admin="403/403", sm="200/405", am="200/405", ex="403/403"),
        "other": answers(
            anon="login/login", admin="403/403", sm="200/405", am="404/404", ex="403/403"
        ),
        "shared": answers(admin="403/403", sm="200/405", am="200/405", ex="403/403"),
    },
    "customers:customer-tag": {
        "own": answers(admin="403/403", sm="403/403", am="405/302", ex="403/403"),
        "other": answers(
            anon="login/login", admin="403/403", sm="403/403", am="404/404", ex="403/403"
        ),
        "shared": answers(admin="403/403", sm="403/403", am="404/404", ex="403/403"),
    },
    "customers:tag-update": {
        "own": answers(admin="200/302", sm="403/403", am="403/403", ex="403/403"),
        "other": answers(
            anon="login/login", admin="200/302", sm="403/403", am="403/403", ex="403/403"
        ),
    },
    "customers:customer-update": {
        "own": answers(admin="403/403", sm="403/403", am="200/200", ex="403/403"),
        "other": answers(
            anon="login/login", admin="403/403", sm="403/403", am="404/404", ex="403/403"
        ),
        "shared": answers(admin="403/403", sm="403/403", am="403/403", ex="403/403"),
    },
    # 转移: the sales manager transfers any customer (转移所有客户); the page's own form, sent
    # as it comes, lacks the new account manager and is shown again (200)
    "customers:customer-transfer-one": {
        "own": answers(admin="403/403", sm="200/200", am="403/403", ex="403/403"),
        "other": answers(
            anon="login/login", admin="403/403", sm="200/200", am="403/403", ex="403/403"
        ),
        "shared": answers(admin="403/403", sm="200/200", am="403/403", ex="403/403"),
    },
    "customers:linkman-create": {
        "own": answers(admin="403/403", sm="403/403", am="200/302", ex="403/403"),
        "other": answers(
            anon="login/login", admin="403/403", sm="403/403", am="404/404", ex="403/403"
        ),
        "shared": answers(admin="403/403", sm="403/403", am="403/403", ex="403/403"),
    },
    "customers:linkman-delete": {
        "own": answers(admin="403/403", sm="403/403", am="405/302", ex="403/403"),
        "other": answers(
            anon="login/login", admin="403/403", sm="403/403", am="405/404", ex="403/403"
        ),
        "shared": answers(admin="403/403", sm="403/403", am="405/403", ex="403/403"),
    },
    "customers:linkman-list": {
        "own": answers(admin="403/403", sm="200/405", am="200/405", ex="403/403"),
        "other": answers(
            anon="login/login", admin="403/403", sm="200/405", am="404/404", ex="403/403"
        ),
        "shared": answers(admin="403/403", sm="200/405", am="200/405", ex="403/403"),
    },
    "customers:linkman-update": {
        "own": answers(admin="403/403", sm="403/403", am="200/302", ex="403/403"),
        "other": answers(
            anon="login/login", admin="403/403", sm="403/403", am="404/404", ex="403/403"
        ),
        "shared": answers(admin="403/403", sm="403/403", am="403/403", ex="403/403"),
    },
    "customers:order-detail": {
        "own": answers(admin="403/403", sm="200/405", am="200/405", ex="403/403"),
        "other": answers(
            anon="login/login", admin="403/403", sm="200/405", am="404/405", ex="403/403"
        ),
        "shared": answers(admin="403/403", sm="200/405", am="200/405", ex="403/403"),
    },
    "customers:order-list": {
        "own": answers(admin="403/403", sm="200/405", am="200/405", ex="403/403"),
        "other": answers(
            anon="login/login", admin="403/403", sm="200/405", am="404/404", ex="403/403"
        ),
        "shared": answers(admin="403/403", sm="200/405", am="200/405", ex="403/403"),
    },
    "imports:batch-apply": {
        "own": answers(admin="405/302", sm="405/302", am="405/403", ex="403/403"),
        "other": answers(
            anon="login/login", admin="405/404", sm="405/404", am="405/404", ex="403/403"
        ),
        "shared": answers(admin="405/404", sm="405/404", am="405/404", ex="403/403"),
    },
    "imports:batch-detail": {
        "own": answers(admin="200/405", sm="200/405", am="200/405", ex="403/403"),
        "other": answers(
            anon="login/login", admin="200/405", sm="404/405", am="404/405", ex="403/403"
        ),
        "shared": answers(admin="200/405", sm="200/405", am="200/405", ex="403/403"),
    },
    "imports:batch-errors": {
        "own": answers(admin="404/405", sm="404/405", am="404/405", ex="403/403"),
        "other": answers(
            anon="login/login", admin="404/405", sm="404/405", am="404/405", ex="403/403"
        ),
        "shared": answers(admin="404/405", sm="404/405", am="404/405", ex="403/403"),
    },
    "imports:batch-file": {
        "own": answers(admin="404/405", sm="404/405", am="404/405", ex="403/403"),
        "other": answers(
            anon="login/login", admin="404/405", sm="404/405", am="404/405", ex="403/403"
        ),
        "shared": answers(admin="404/405", sm="404/405", am="404/405", ex="403/403"),
    },
    "imports:batch-undo": {
        "own": answers(admin="405/302", sm="405/302", am="405/302", ex="403/403"),
        "other": answers(
            anon="login/login", admin="405/302", sm="405/404", am="405/404", ex="403/403"
        ),
        "shared": answers(admin="405/302", sm="405/404", am="405/404", ex="403/403"),
    },
    "jobs:job-detail": {
        "own": answers(admin="200/405", sm="200/405", am="200/405", ex="200/405"),
        "other": answers(
            anon="login/login", admin="404/405", sm="404/405", am="404/405", ex="404/405"
        ),
    },
    "jobs:job-download": {
        "own": answers(admin="200/405", sm="200/405", am="200/405", ex="200/405"),
        "other": answers(
            anon="login/login", admin="404/405", sm="404/405", am="404/405", ex="404/405"
        ),
    },
    "marketing:chance-assign": {
        "own": answers(admin="403/403", sm="200/200", am="403/403", ex="403/403"),
        "other": answers(
            anon="login/login", admin="403/403", sm="200/200", am="403/403", ex="403/403"
        ),
        "shared": answers(admin="403/403", sm="200/200", am="403/403", ex="403/403"),
    },
    "marketing:chance-delete": {
        "own": answers(admin="403/403", sm="405/302", am="405/302", ex="403/403"),
        "other": answers(
            anon="login/login", admin="403/403", sm="405/404", am="405/404", ex="403/403"
        ),
        "shared": answers(admin="403/403", sm="405/404", am="405/404", ex="403/403"),
    },
    "marketing:chance-detail": {
        "own": answers(admin="403/403", sm="200/405", am="200/405", ex="403/403"),
        "other": answers(
            anon="login/login", admin="403/403", sm="200/405", am="200/405", ex="403/403"
        ),
        "shared": answers(admin="403/403", sm="200/405", am="200/405", ex="403/403"),
    },
    "marketing:chance-terminate": {
        "own": answers(admin="403/403", sm="403/403", am="405/302", ex="403/403"),
        "other": answers(
            anon="login/login", admin="403/403", sm="403/403", am="405/404", ex="403/403"
        ),
        "shared": answers(admin="403/403", sm="403/403", am="405/404", ex="403/403"),
    },
    "marketing:chance-update": {
        "own": answers(admin="403/403", sm="200/302", am="200/302", ex="403/403"),
        "other": answers(
            anon="login/login", admin="403/403", sm="200/302", am="404/404", ex="403/403"
        ),
        "shared": answers(admin="403/403", sm="200/302", am="404/404", ex="403/403"),
    },
    "marketing:chance-win": {
        "own": answers(admin="403/403", sm="403/403", am="405/302", ex="403/403"),
        "other": answers(
            anon="login/login", admin="403/403", sm="403/403", am="405/404", ex="403/403"
        ),
        "shared": answers(admin="403/403", sm="403/403", am="405/404", ex="403/403"),
    },
    "marketing:plan-execute": {
        "own": answers(admin="403/403", sm="403/403", am="200/405", ex="403/403"),
        "other": answers(
            anon="login/login", admin="403/403", sm="403/403", am="404/405", ex="403/403"
        ),
        "shared": answers(admin="403/403", sm="403/403", am="404/405", ex="403/403"),
    },
    "marketing:plan-make": {
        "own": answers(admin="403/403", sm="200/302", am="200/302", ex="403/403"),
        "other": answers(
            anon="login/login", admin="403/403", sm="200/302", am="404/404", ex="403/403"
        ),
        "shared": answers(admin="403/403", sm="200/302", am="404/404", ex="403/403"),
    },
    "marketing:planitem-delete": {
        "own": answers(admin="403/403", sm="405/302", am="405/302", ex="403/403"),
        "other": answers(
            anon="login/login", admin="403/403", sm="405/302", am="405/404", ex="403/403"
        ),
        "shared": answers(admin="403/403", sm="405/302", am="405/404", ex="403/403"),
    },
    "marketing:planitem-result": {
        "own": answers(admin="403/403", sm="403/403", am="200/302", ex="403/403"),
        "other": answers(
            anon="login/login", admin="403/403", sm="403/403", am="404/404", ex="403/403"
        ),
        "shared": answers(admin="403/403", sm="403/403", am="404/404", ex="403/403"),
    },
    "marketing:planitem-update": {
        "own": answers(admin="403/403", sm="200/302", am="200/302", ex="403/403"),
        "other": answers(
            anon="login/login", admin="403/403", sm="200/302", am="404/404", ex="403/403"
        ),
        "shared": answers(admin="403/403", sm="200/302", am="404/404", ex="403/403"),
    },
    "notifications:notification-read": {
        "own": answers(admin="405/302", sm="405/302", am="405/302", ex="405/302"),
        "other": answers(
            anon="login/login", admin="405/404", sm="405/404", am="405/404", ex="405/404"
        ),
    },
    "rbac:department-delete": {
        "own": answers(admin="405/302", sm="403/403", am="403/403", ex="403/403"),
        "other": answers(
            anon="login/login", admin="405/302", sm="403/403", am="403/403", ex="403/403"
        ),
    },
    "rbac:department-move": {
        "own": answers(admin="200/302", sm="403/403", am="403/403", ex="403/403"),
        "other": answers(
            anon="login/login", admin="200/302", sm="403/403", am="403/403", ex="403/403"
        ),
    },
    "rbac:department-update": {
        "own": answers(admin="200/302", sm="403/403", am="403/403", ex="403/403"),
        "other": answers(
            anon="login/login", admin="200/302", sm="403/403", am="403/403", ex="403/403"
        ),
    },
    "rbac:role-data-scopes": {
        "own": answers(admin="200/302", sm="403/403", am="403/403", ex="403/403"),
        "other": answers(
            anon="login/login", admin="200/302", sm="403/403", am="403/403", ex="403/403"
        ),
    },
    "rbac:role-rights": {
        "own": answers(admin="200/302", sm="403/403", am="403/403", ex="403/403"),
        "other": answers(
            anon="login/login", admin="200/302", sm="403/403", am="403/403", ex="403/403"
        ),
    },
    "rbac:role-update": {
        "own": answers(admin="200/302", sm="403/403", am="403/403", ex="403/403"),
        "other": answers(
            anon="login/login", admin="200/302", sm="403/403", am="403/403", ex="403/403"
        ),
    },
    "rbac:user-hand-over": {
        "own": answers(admin="200/200", sm="403/403", am="403/403", ex="403/403"),
        "other": answers(
            anon="login/login", admin="200/200", sm="403/403", am="403/403", ex="403/403"
        ),
        "shared": answers(admin="200/200", sm="403/403", am="403/403", ex="403/403"),
    },
    "rbac:user-password": {
        "own": answers(admin="200/302", sm="403/403", am="403/403", ex="403/403"),
        "other": answers(
            anon="login/login", admin="200/302", sm="403/403", am="403/403", ex="403/403"
        ),
        "shared": answers(admin="200/302", sm="403/403", am="403/403", ex="403/403"),
    },
    "rbac:user-set-active": {
        "own": answers(admin="405/302", sm="403/403", am="403/403", ex="403/403"),
        "other": answers(
            anon="login/login", admin="405/302", sm="403/403", am="403/403", ex="403/403"
        ),
        "shared": answers(admin="405/302", sm="403/403", am="403/403", ex="403/403"),
    },
    "rbac:share-create": {
        "own": answers(admin="403/403", sm="405/302", am="405/302", ex="403/403"),
        "other": answers(
            anon="login/login", admin="403/403", sm="405/302", am="405/404", ex="403/403"
        ),
        "shared": answers(admin="403/403", sm="405/302", am="405/403", ex="403/403"),
    },
    "rbac:share-delete": {
        "own": answers(admin="403/403", sm="405/302", am="405/302", ex="403/403"),
        "other": answers(
            anon="login/login", admin="403/403", sm="405/302", am="404/404", ex="403/403"
        ),
    },
    "rbac:user-update": {
        "own": answers(admin="200/302", sm="403/403", am="403/403", ex="403/403"),
        "other": answers(
            anon="login/login", admin="200/302", sm="403/403", am="403/403", ex="403/403"
        ),
        "shared": answers(admin="200/302", sm="403/403", am="403/403", ex="403/403"),
    },
    "reports:churn-chart": {
        "own": answers(admin="403/403", sm="200/405", am="403/403", ex="200/405"),
        "other": answers(
            anon="login/login", admin="403/403", sm="200/405", am="403/403", ex="200/405"
        ),
    },
    "reports:composition-chart": {
        "own": answers(admin="403/403", sm="200/405", am="403/403", ex="200/405"),
        "other": answers(
            anon="login/login", admin="403/403", sm="200/405", am="403/403", ex="200/405"
        ),
    },
    "reports:contribution-chart": {
        "own": answers(admin="403/403", sm="200/405", am="403/403", ex="200/405"),
        "other": answers(
            anon="login/login", admin="403/403", sm="200/405", am="403/403", ex="200/405"
        ),
    },
    "reports:dashboard-chart": {
        "own": answers(admin="403/403", sm="200/405", am="403/403", ex="200/405"),
        "other": answers(
            anon="login/login", admin="403/403", sm="200/405", am="403/403", ex="200/405"
        ),
    },
    "reports:service-chart": {
        "own": answers(admin="403/403", sm="200/405", am="403/403", ex="200/405"),
        "other": answers(
            anon="login/login", admin="403/403", sm="200/405", am="403/403", ex="200/405"
        ),
    },
    "service:ticket-assign": {
        "own": answers(admin="403/403", sm="200/200", am="403/403", ex="403/403"),
        "other": answers(
            anon="login/login", admin="403/403", sm="200/302", am="403/403", ex="403/403"
        ),
        "shared": answers(admin="403/403", sm="200/302", am="403/403", ex="403/403"),
    },
    "service:ticket-delete": {
        "own": answers(admin="403/403", sm="405/302", am="403/403", ex="403/403"),
        "other": answers(
            anon="login/login", admin="403/403", sm="405/302", am="403/403", ex="403/403"
        ),
        "shared": answers(admin="403/403", sm="405/302", am="403/403", ex="403/403"),
    },
    "service:ticket-detail": {
        "own": answers(admin="403/403", sm="200/405", am="200/405", ex="403/403"),
        "other": answers(
            anon="login/login", admin="403/403", sm="200/405", am="404/405", ex="403/403"
        ),
        "shared": answers(admin="403/403", sm="200/405", am="200/405", ex="403/403"),
    },
    "service:ticket-feedback": {
        "own": answers(admin="403/403", sm="403/403", am="200/200", ex="403/403"),
        "other": answers(
            anon="login/login", admin="403/403", sm="403/403", am="404/404", ex="403/403"
        ),
        "shared": answers(admin="403/403", sm="403/403", am="404/404", ex="403/403"),
    },
    "service:ticket-handle": {
        "own": answers(admin="403/403", sm="403/403", am="200/302", ex="403/403"),
        "other": answers(
            anon="login/login", admin="403/403", sm="403/403", am="404/404", ex="403/403"
        ),
        "shared": answers(admin="403/403", sm="403/403", am="404/404", ex="403/403"),
    },
}

POST_EXPECTED = {
    "rbac:why": post(anon="login", admin=405, sm=403, am=403, ex=403),
    "admin:basedata_dictitem_changelist": post(anon="login", admin=200, sm=302, am=302, ex=302),
    "admin:index": post(anon=302, admin=200, sm=302, am=302, ex=302),
    "basedata:product-list": post(anon="login", admin=403, sm=403, am=405, ex=403),
    "basedata:storage-list": post(anon="login", admin=403, sm=403, am=405, ex=403),
    "customers:churn-list": post(anon="login", admin=403, sm=405, am=405, ex=403),
    "customers:churn-scan": post(anon="login", admin=302, sm=403, am=403, ex=403),
    "customers:customer-list": post(anon="login", admin=403, sm=405, am=405, ex=403),
    "customers:customer-transfer": post(anon="login", admin=403, sm=302, am=403, ex=403),
    "customers:customer-create": post(anon="login", admin=403, sm=200, am=200, ex=403),
    "customers:customer-bulk-tag": post(anon="login", admin=403, sm=403, am=200, ex=403),
    "customers:division-options": post(anon="login", admin=403, sm=405, am=405, ex=403),
    "customers:tag-list": post(anon="login", admin=405, sm=403, am=403, ex=403),
    "customers:tag-create": post(anon="login", admin=302, sm=403, am=403, ex=403),
    "favicon": post(anon=405, admin=405, sm=405, am=405, ex=405),
    "home": post(anon="login", admin=405, sm=405, am=405, ex=405),
    "imports:batch-create": post(anon="login", admin=200, sm=200, am=200, ex=403),
    "imports:batch-list": post(anon="login", admin=405, sm=405, am=405, ex=403),
    "imports:kind-export": post(anon="login", admin=404, sm=404, am=404, ex=403),
    "imports:list-export": post(anon="login", admin=404, sm=404, am=404, ex=404),
    "imports:template": post(anon="login", admin=405, sm=405, am=405, ex=403),
    "jobs:job-list": post(anon="login", admin=405, sm=405, am=405, ex=405),
    "login": post(anon=200, admin=302, sm=302, am=302, ex=302),
    "logout": post(anon="login", admin="login", sm="login", am="login", ex="login"),
    "marketing:chance-create": post(anon="login", admin=403, sm=200, am=302, ex=403),
    "marketing:chance-list": post(anon="login", admin=403, sm=405, am=405, ex=403),
    "marketing:plan-list": post(anon="login", admin=403, sm=405, am=405, ex=403),
    "notifications:notification-list": post(anon="login", admin=405, sm=405, am=405, ex=405),
    "notifications:notification-read-all": post(anon="login", admin=302, sm=302, am=302, ex=302),
    "password_change": post(anon="login", admin=200, sm=200, am=200, ex=200),
    "password_change_done": post(anon="login", admin=405, sm=405, am=405, ex=405),
    "rbac:audit-list": post(anon="login", admin=405, sm=403, am=403, ex=403),
    "rbac:department-create": post(anon="login", admin=302, sm=403, am=403, ex=403),
    "rbac:department-list": post(anon="login", admin=405, sm=403, am=403, ex=403),
    "rbac:role-create": post(anon="login", admin=302, sm=403, am=403, ex=403),
    "rbac:role-list": post(anon="login", admin=405, sm=403, am=403, ex=403),
    "rbac:user-create": post(anon="login", admin=302, sm=403, am=403, ex=403),
    "rbac:user-list": post(anon="login", admin=405, sm=403, am=403, ex=403),
    "reports:churn": post(anon="login", admin=403, sm=302, am=403, ex=302),
    "reports:composition": post(anon="login", admin=403, sm=302, am=403, ex=302),
    "reports:contribution": post(anon="login", admin=403, sm=302, am=403, ex=302),
    "reports:dashboard": post(anon="login", admin=403, sm=302, am=403, ex=302),
    "reports:service": post(anon="login", admin=403, sm=302, am=403, ex=302),
    "service:customer-search": post(anon="login", admin=403, sm=403, am=405, ex=403),
    "service:ticket-archive-list": post(anon="login", admin=403, sm=405, am=405, ex=403),
    "service:ticket-assign-list": post(anon="login", admin=403, sm=405, am=403, ex=403),
    "service:ticket-create": post(anon="login", admin=403, sm=403, am=200, ex=403),
    "service:ticket-feedback-list": post(anon="login", admin=403, sm=403, am=405, ex=403),
    "service:ticket-handle-list": post(anon="login", admin=403, sm=403, am=405, ex=403),
    "set_language": post(anon=302, admin=302, sm=302, am=302, ex=302),
}
