"""
How far a user's reports reach (issue 16). Reports were company-wide (SPEC §4), and stay so for
a role that sees every row of a module or has no data scope set for it (the executive). A
role given a data scope (apps.rbac.policies) sees in its reports what that scope lets it see,
never more: the owners are resolved once, in the request, and become part of the report's
filters, so each scope has its own snapshot and a job computes exactly what the page asked.

The department filter (a department and everything below it) and the per-department grouping
read the department of the row's owner (the customer's account manager).
"""

from typing import NamedTuple

from django.db.models import QuerySet
from django.utils.translation import get_language

from apps.rbac.backends import DATA_SCOPE_PREFIX
from apps.rbac.models import Department
from apps.rbac.policies import customer_policy, data_scope_owner_ids, service_ticket_policy
from crm.memo import Memo

# The module whose data scope rules each report's rows, and the policy whose "see every row"
# right lifts it. The dashboard reads both modules.
MODULE_POLICIES = {"customers": customer_policy, "service": service_ticket_policy}
REPORT_MODULES = {
    "contribution": ("customers",),
    "composition": ("customers",),
    "churn": ("customers",),
    "service": ("service",),
    "dashboard": ("customers", "service"),
}
OWNER_PARAMS = {"customers": "owners", "service": "service_owners"}
SCOPE_PARAMS = tuple(OWNER_PARAMS.values())


def report_reach(user, module: str) -> list[int] | None:
    """The users whose rows `user`'s reports count in `module`; None for every row."""
    if user.is_superuser or user.has_perm(MODULE_POLICIES[module].permission_all("view")):
        return None
    prefix = f"{DATA_SCOPE_PREFIX}{module}."
    if not any(p.startswith(prefix) for p in user.get_all_permissions()):
        return None  # no data scope set for the role: reports stay company-wide
    return data_scope_owner_ids(user, module)


def scope_params(user, report: str) -> dict:
    """The owners part of a report's filters, for the snapshot key and the job: nothing for a
    company-wide reader (his key is the one reports always had)."""
    reach = {module: report_reach(user, module) for module in REPORT_MODULES.get(report, ())}
    return {OWNER_PARAMS[m]: owners for m, owners in reach.items() if owners is not None}


def covers(user, report: str, params: dict) -> bool:
    """Does `user` reach every row counted with these filters (a stored chart's snapshot)?
    Figures without owners (company-wide) are covered only by a company-wide reader."""
    for module in REPORT_MODULES.get(report, ()):
        reach = report_reach(user, module)
        if reach is None:
            continue
        counted = params.get(OWNER_PARAMS[module])
        if counted is None or not set(counted) <= set(reach):
            return False
    return True


class DepartmentChoice(NamedTuple):
    pk: int
    depth: int
    label: str


# The filter's departments per tree path and language, kept per access version (crm.memo: a
# department's change moves it), so a report page reads none.
_department_choices = Memo("reports.department_choices", size=256)


def department_choices(user) -> tuple[DepartmentChoice, ...]:
    """The departments the filter offers: every one to a company-wide reader, else his
    department and those below it (the filter narrows, the scope still applies)."""
    if report_reach(user, "customers") is None and report_reach(user, "service") is None:
        below = ""
    elif not user.department_id:
        return ()
    else:
        below = user.department.path
    return _department_choices.get((below, get_language()), lambda: _departments_below(below))


def _departments_below(path: str) -> tuple[DepartmentChoice, ...]:
    departments = Department.objects.filter(is_active=True, path__startswith=path)
    return tuple(DepartmentChoice(d.pk, d.depth, d.label) for d in departments.order_by("path"))


def department_path(department_id: int | None) -> str | None:
    """The tree path of the filter's department (one query); None if there is none."""
    if not department_id:
        return None
    return Department.objects.filter(pk=department_id).values_list("path", flat=True).first()


def owned(rows: QuerySet, owner: str, *, owners: list[int] | None, department: int | None = None):
    """`rows` whose owner (a path such as "customer__manager") is one of `owners` (None: any)
    and sits in `department` or below it (None: anywhere). In SQL: an IN list and a LIKE on
    the department's path, whatever the size of the tree."""
    if owners is not None:
        rows = rows.filter(**{f"{owner}__in": owners})
    if not department:
        return rows
    # A department deleted since the filters were stored holds no row: a path no department
    # has (treebeard's paths are 0-9 and A-Z), still one SQL statement for the builders.
    path = department_path(department) or "-"
    return rows.filter(**{f"{owner}__department__path__startswith": path})
