"""
Expected answers of tests/security/test_scope_matrix.py, as data (issue 16).

For every URL naming a record of a module with a data scope, per role (AM account manager,
SM sales manager), a grid: one line per data scope of the role in the URL's module, one
"GET/POST" cell per relation of the record's owner to the acting user, in this order:

    own          the acting user's own record
    subordinate  his direct subordinate's (by supervisor; in another department)
    indirect     his subordinate's subordinate's (in another department)
    same_dept    a colleague's in his department
    child_dept   a colleague's in a department below his
    other_dept   a colleague's in another department
    shared       another department's record, shared with him (read-only)

A grid given as one cell means that answer everywhere (the role's right decides alone).

Reading guide (the issue, SPEC §4 and the page of the data scope): 本人 reaches "own";
本人及下属 own + subordinate + indirect; 本部门 own + same_dept; 本部门及下级部门 own + same_dept +
child_dept; 全部 everything. Outside the scope a record is hidden (404) or, where the page
needs only the feature right to refuse, forbidden (403); a shared record is readable, never
writable. Personal duties never widen: developing a chance (win, terminate, execute its plan,
record results) belongs to its assignee, handling a ticket to its assignee, its feedback to its
creator; making and rewording a plan follows the scope. A right to see
every record (the sales manager's 查看所有…) still sees every record, whatever the scope.
Chances are readable by everyone with the chance right (the chance pool, SPEC §3.1).
"""

from tests.rbac.url_matrix import AM, SM

SCOPES = ["own", "subordinates", "department", "department_tree", "all"]
RELATIONS = ["own", "subordinate", "indirect", "same_dept", "child_dept", "other_dept", "shared"]


def expected_grid(name: str, role: str) -> dict[str, list[str]]:
    """{scope: ["GET/POST" per relation]} from the table below."""
    text = SCOPE_EXPECTED[name][role].strip()
    if "\n" not in text and " " not in text:
        return {scope: [text] * len(RELATIONS) for scope in SCOPES}
    grid = {}
    for line in text.splitlines():
        scope, *cells = line.split()
        grid[scope] = cells
    return grid


SCOPE_EXPECTED = {
    "customers:activity-create": {
        AM: """
            own             200/302 404/404 404/404 404/404 404/404 404/404 403/403
            subordinates    200/302 200/302 200/302 404/404 404/404 404/404 403/403
            department      200/302 404/404 404/404 200/302 404/404 404/404 403/403
            department_tree 200/302 404/404 404/404 200/302 200/302 404/404 403/403
            all             200/302 200/302 200/302 200/302 200/302 200/302 200/302
        """,
        SM: "403/403",
    },
    "customers:activity-delete": {
        AM: """
            own             405/302 405/404 405/404 405/404 405/404 405/404 405/403
            subordinates    405/302 405/302 405/302 405/404 405/404 405/404 405/403
            department      405/302 405/404 405/404 405/302 405/404 405/404 405/403
            department_tree 405/302 405/404 405/404 405/302 405/302 405/404 405/403
            all             405/302 405/302 405/302 405/302 405/302 405/302 405/302
        """,
        SM: "403/403",
    },
    "customers:activity-list": {
        AM: """
            own             200/405 404/404 404/404 404/404 404/404 404/404 200/405
            subordinates    200/405 200/405 200/405 404/404 404/404 404/404 200/405
            department      200/405 404/404 404/404 200/405 404/404 404/404 200/405
            department_tree 200/405 404/404 404/404 200/405 200/405 404/404 200/405
            all             200/405 200/405 200/405 200/405 200/405 200/405 200/405
        """,
        SM: "200/405",
    },
    "customers:activity-update": {
        AM: """
            own             200/302 404/404 404/404 404/404 404/404 404/404 403/403
            subordinates    200/302 200/302 200/302 404/404 404/404 404/404 403/403
            department      200/302 404/404 404/404 200/302 404/404 404/404 403/403
            department_tree 200/302 404/404 404/404 200/302 200/302 404/404 403/403
            all             200/302 200/302 200/302 200/302 200/302 200/302 200/302
        """,
        SM: "403/403",
    },
    "customers:churn-confirm": {
        AM: """
            own             200/302 404/404 404/404 404/404 404/404 404/404 404/404
            subordinates    200/302 200/302 200/302 404/404 404/404 404/404 404/404
            department      200/302 404/404 404/404 200/302 404/404 404/404 404/404
            department_tree 200/302 404/404 404/404 200/302 200/302 404/404 404/404
            all             200/302 200/302 200/302 200/302 200/302 200/302 200/302
        """,
        SM: "403/403",
    },
    "customers:churn-detail": {
        AM: """
            own             200/405 404/405 404/405 404/405 404/405 404/405 200/405
            subordinates    200/405 200/405 200/405 404/405 404/405 404/405 200/405
            department      200/405 404/405 404/405 200/405 404/405 404/405 200/405
            department_tree 200/405 404/405 404/405 200/405 200/405 404/405 200/405
            all             200/405 200/405 200/405 200/405 200/405 200/405 200/405
        """,
        SM: "200/405",
    },
    "customers:churn-postpone": {
        AM: """
            own             200/302 404/404 404/404 404/404 404/404 404/404 404/404
            subordinates    200/302 200/302 200/302 404/404 404/404 404/404 404/404
            department      200/302 404/404 404/404 200/302 404/404 404/404 404/404
            department_tree 200/302 404/404 404/404 200/302 200/302 404/404 404/404
            all             200/302 200/302 200/302 200/302 200/302 200/302 200/302
        """,
        SM: "403/403",
    },
    "customers:customer-delete": {
        AM: """
            own             200/302 404/404 404/404 404/404 404/404 404/404 403/403
            subordinates    200/302 200/302 200/302 404/404 404/404 404/404 403/403
            department      200/302 404/404 404/404 200/302 404/404 404/404 403/403
            department_tree 200/302 404/404 404/404 200/302 200/302 404/404 403/403
            all             200/302 200/302 200/302 200/302 200/302 200/302 200/302
        """,
        SM: "403/403",
    },
    "customers:customer-detail": {
        AM: """
            own             200/405 404/404 404/404 404/404 404/404 404/404 200/405
            subordinates    200/405 200/405 200/405 404/404 404/404 404/404 200/405
            department      200/405 404/404 404/404 200/405 404/404 404/404 200/405
            department_tree 200/405 404/404 404/404 200/405 200/405 404/404 200/405
            all             200/405 200/405 200/405 200/405 200/405 200/405 200/405
        """,
        SM: "200/405",
    },
    # 转移: the account manager has no right to transfer; the sales manager transfers every
    # customer (转移所有客户), whatever his scope
    "customers:customer-transfer-one": {
        AM: "403/403",
        SM: "200/200",
    },
    # 标签: tagging a customer is changing it (POST only); the tags themselves are the admin's
    "customers:customer-tag": {
        AM: """
            own             405/302 404/404 404/404 404/404 404/404 404/404 404/404
            subordinates    405/302 405/302 405/302 404/404 404/404 404/404 404/404
            department      405/302 404/404 404/404 405/302 404/404 404/404 404/404
            department_tree 405/302 404/404 404/404 405/302 405/302 404/404 404/404
            all             405/302 405/302 405/302 405/302 405/302 405/302 405/302
        """,
        SM: "403/403",
    },
    "customers:customer-update": {
        AM: """
            own             200/200 404/404 404/404 404/404 404/404 404/404 403/403
            subordinates    200/200 200/200 200/200 404/404 404/404 404/404 403/403
            department      200/200 404/404 404/404 200/200 404/404 404/404 403/403
            department_tree 200/200 404/404 404/404 200/200 200/200 404/404 403/403
            all             200/200 200/200 200/200 200/200 200/200 200/200 200/200
        """,
        SM: "403/403",
    },
    "customers:linkman-create": {
        AM: """
            own             200/302 404/404 404/404 404/404 404/404 404/404 403/403
            subordinates    200/302 200/302 200/302 404/404 404/404 404/404 403/403
            department      200/302 404/404 404/404 200/302 404/404 404/404 403/403
            department_tree 200/302 404/404 404/404 200/302 200/302 404/404 403/403
            all             200/302 200/302 200/302 200/302 200/302 200/302 200/302
        """,
        SM: "403/403",
    },
    "customers:linkman-delete": {
        AM: """
            own             405/302 405/404 405/404 405/404 405/404 405/404 405/403
            subordinates    405/302 405/302 405/302 405/404 405/404 405/404 405/403
            department      405/302 405/404 405/404 405/302 405/404 405/404 405/403
            department_tree 405/302 405/404 405/404 405/302 405/302 405/404 405/403
            all             405/302 405/302 405/302 405/302 405/302 405/302 405/302
        """,
        SM: "403/403",
    },
    "customers:linkman-list": {
        AM: """
            own             200/405 404/404 404/404 404/404 404/404 404/404 200/405
            subordinates    200/405 200/405 200/405 404/404 404/404 404/404 200/405
            department      200/405 404/404 404/404 200/405 404/404 404/404 200/405
            department_tree 200/405 404/404 404/404 200/405 200/405 404/404 200/405
            all             200/405 200/405 200/405 200/405 200/405 200/405 200/405
        """,
        SM: "200/405",
    },
    "customers:linkman-update": {
        AM: """
            own             200/302 404/404 404/404 404/404 404/404 404/404 403/403
            subordinates    200/302 200/302 200/302 404/404 404/404 404/404 403/403
            department      200/302 404/404 404/404 200/302 404/404 404/404 403/403
            department_tree 200/302 404/404 404/404 200/302 200/302 404/404 403/403
            all             200/302 200/302 200/302 200/302 200/302 200/302 200/302
        """,
        SM: "403/403",
    },
    "customers:order-detail": {
        AM: """
            own             200/405 404/405 404/405 404/405 404/405 404/405 200/405
            subordinates    200/405 200/405 200/405 404/405 404/405 404/405 200/405
            department      200/405 404/405 404/405 200/405 404/405 404/405 200/405
            department_tree 200/405 404/405 404/405 200/405 200/405 404/405 200/405
            all             200/405 200/405 200/405 200/405 200/405 200/405 200/405
        """,
        SM: "200/405",
    },
    "customers:order-list": {
        AM: """
            own             200/405 404/404 404/404 404/404 404/404 404/404 200/405
            subordinates    200/405 200/405 200/405 404/404 404/404 404/404 200/405
            department      200/405 404/404 404/404 200/405 404/404 404/404 200/405
            department_tree 200/405 404/404 404/404 200/405 200/405 404/404 200/405
            all             200/405 200/405 200/405 200/405 200/405 200/405 200/405
        """,
        SM: "200/405",
    },
    "marketing:chance-assign": {
        AM: "403/403",
        SM: "200/200",
    },
    "marketing:chance-delete": {
        AM: """
            own             405/302 405/404 405/404 405/404 405/404 405/404 405/404
            subordinates    405/302 405/302 405/302 405/404 405/404 405/404 405/404
            department      405/302 405/404 405/404 405/302 405/404 405/404 405/404
            department_tree 405/302 405/404 405/404 405/302 405/302 405/404 405/404
            all             405/302 405/302 405/302 405/302 405/302 405/302 405/302
        """,
        SM: """
            own             405/302 405/404 405/404 405/404 405/404 405/404 405/404
            subordinates    405/302 405/302 405/302 405/404 405/404 405/404 405/404
            department      405/302 405/404 405/404 405/302 405/404 405/404 405/404
            department_tree 405/302 405/404 405/404 405/302 405/302 405/404 405/404
            all             405/302 405/302 405/302 405/302 405/302 405/302 405/302
        """,
    },
    "marketing:chance-detail": {
        AM: "200/405",
        SM: "200/405",
    },
    "marketing:chance-terminate": {
        AM: """
            own             405/302 405/404 405/404 405/404 405/404 405/404 405/404
            subordinates    405/302 405/404 405/404 405/404 405/404 405/404 405/404
            department      405/302 405/404 405/404 405/404 405/404 405/404 405/404
            department_tree 405/302 405/404 405/404 405/404 405/404 405/404 405/404
            all             405/302 405/404 405/404 405/404 405/404 405/404 405/404
        """,
        SM: "403/403",
    },
    "marketing:chance-update": {
        AM: """
            own             200/302 404/404 404/404 404/404 404/404 404/404 404/404
            subordinates    200/302 200/302 200/302 404/404 404/404 404/404 404/404
            department      200/302 404/404 404/404 200/302 404/404 404/404 404/404
            department_tree 200/302 404/404 404/404 200/302 200/302 404/404 404/404
            all             200/302 200/302 200/302 200/302 200/302 200/302 200/302
        """,
        SM: "200/302",
    },
    "marketing:chance-win": {
        AM: """
            own             405/302 405/404 405/404 405/404 405/404 405/404 405/404
            subordinates    405/302 405/404 405/404 405/404 405/404 405/404 405/404
            department      405/302 405/404 405/404 405/404 405/404 405/404 405/404
            department_tree 405/302 405/404 405/404 405/404 405/404 405/404 405/404
            all             405/302 405/404 405/404 405/404 405/404 405/404 405/404
        """,
        SM: "403/403",
    },
    "marketing:plan-execute": {
        AM: """
            own             200/405 404/405 404/405 404/405 404/405 404/405 404/405
            subordinates    200/405 404/405 404/405 404/405 404/405 404/405 404/405
            department      200/405 404/405 404/405 404/405 404/405 404/405 404/405
            department_tree 200/405 404/405 404/405 404/405 404/405 404/405 404/405
            all             200/405 404/405 404/405 404/405 404/405 404/405 404/405
        """,
        SM: "403/403",
    },
    "marketing:plan-make": {
        AM: """
            own             200/302 404/404 404/404 404/404 404/404 404/404 404/404
            subordinates    200/302 200/302 200/302 404/404 404/404 404/404 404/404
            department      200/302 404/404 404/404 200/302 404/404 404/404 404/404
            department_tree 200/302 404/404 404/404 200/302 200/302 404/404 404/404
            all             200/302 200/302 200/302 200/302 200/302 200/302 200/302
        """,
        SM: "200/302",
    },
    "marketing:planitem-delete": {
        AM: """
            own             405/302 405/404 405/404 405/404 405/404 405/404 405/404
            subordinates    405/302 405/302 405/302 405/404 405/404 405/404 405/404
            department      405/302 405/404 405/404 405/302 405/404 405/404 405/404
            department_tree 405/302 405/404 405/404 405/302 405/302 405/404 405/404
            all             405/302 405/302 405/302 405/302 405/302 405/302 405/302
        """,
        SM: "405/302",
    },
    "marketing:planitem-result": {
        AM: """
            own             200/302 404/404 404/404 404/404 404/404 404/404 404/404
            subordinates    200/302 404/404 404/404 404/404 404/404 404/404 404/404
            department      200/302 404/404 404/404 404/404 404/404 404/404 404/404
            department_tree 200/302 404/404 404/404 404/404 404/404 404/404 404/404
            all             200/302 404/404 404/404 404/404 404/404 404/404 404/404
        """,
        SM: "403/403",
    },
    "marketing:planitem-update": {
        AM: """
            own             200/302 404/404 404/404 404/404 404/404 404/404 404/404
            subordinates    200/302 200/302 200/302 404/404 404/404 404/404 404/404
            department      200/302 404/404 404/404 200/302 404/404 404/404 404/404
            department_tree 200/302 404/404 404/404 200/302 200/302 404/404 404/404
            all             200/302 200/302 200/302 200/302 200/302 200/302 200/302
        """,
        SM: "200/302",
    },
    "service:ticket-assign": {
        AM: "403/403",
        SM: "200/302",
    },
    "service:ticket-delete": {
        AM: "403/403",
        SM: "405/302",
    },
    "service:ticket-detail": {
        AM: """
            own             200/405 404/405 404/405 404/405 404/405 404/405 200/405
            subordinates    200/405 200/405 200/405 404/405 404/405 404/405 200/405
            department      200/405 404/405 404/405 200/405 404/405 404/405 200/405
            department_tree 200/405 404/405 404/405 200/405 200/405 404/405 200/405
            all             200/405 200/405 200/405 200/405 200/405 200/405 200/405
        """,
        SM: "200/405",
    },
    "service:ticket-feedback": {
        AM: """
            own             200/200 404/404 404/404 404/404 404/404 404/404 404/404
            subordinates    200/200 404/404 404/404 404/404 404/404 404/404 404/404
            department      200/200 404/404 404/404 404/404 404/404 404/404 404/404
            department_tree 200/200 404/404 404/404 404/404 404/404 404/404 404/404
            all             200/200 404/404 404/404 404/404 404/404 404/404 404/404
        """,
        SM: "403/403",
    },
    "service:ticket-handle": {
        AM: """
            own             200/302 404/404 404/404 404/404 404/404 404/404 404/404
            subordinates    200/302 404/404 404/404 404/404 404/404 404/404 404/404
            department      200/302 404/404 404/404 404/404 404/404 404/404 404/404
            department_tree 200/302 404/404 404/404 404/404 404/404 404/404 404/404
            all             200/302 404/404 404/404 404/404 404/404 404/404 404/404
        """,
        SM: "403/403",
    },
}
