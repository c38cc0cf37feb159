"""
Which pages the benchmark opens, as whom: derived from the URL resolver and the URL matrices of
the tests (tests/*/url_matrix.py say, for every URL name, which role may open it), so a new page
cannot be forgotten (tests/bench/test_runner.py checks it).

Every URL that answers a GET is measured as each role whose matrix answer is 200, or 404 (the
matrix's sample object belongs to someone else: the role opens its own objects). A list page is
measured four ways: first page, filtered, a deep page, and its CSV export. A URL with arguments
gets them from SAMPLERS: a function of the signed-in user that returns an object he may see in
the benchmark data (or None when the data holds none; the page is then reported as skipped).
"""

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

ADMIN, SM, AM, EX = "admin", "sales_manager", "account_manager", "executive"
# The department head (bench.generate's bench_head1, scope 本部门及下级部门): not a role of
# the URL matrices, measured on the pages of DEPARTMENT_HEAD_PAGES only.
DH = "department_head"
ROLES = [ADMIN, SM, AM, EX, DH]
DEPARTMENT_HEAD_PAGES = (
    "customers:customer-list",
    "reports:dashboard",
    "reports:contribution",
    "reports:composition",
    "reports:service",
    "reports:churn",
)
# His reports grouped by department too (the grouping of issue 16).
BY_DEPARTMENT = {"reports:composition": "by=department", "reports:churn": "by=department"}

# A filter per list page: what a user types to find one company, a trade name of the generated
# data ("智泰": 1,234 of the million customers; bench.generate's company names).
SEARCH = "智泰"
FILTERS = {
    "rbac:user-list": "username=am",
    "rbac:audit-list": "action=rbac",
    "rbac:department-list": "name=区",
    "basedata:product-list": "name=1",
    "basedata:storage-list": "warehouse=1",
    "customers:customer-list": f"name={SEARCH}",
    "customers:churn-list": f"customer={SEARCH}",
    "marketing:chance-list": f"customer_name={SEARCH}",
    "marketing:plan-list": f"customer_name={SEARCH}",
    "service:ticket-assign-list": f"customer={SEARCH}",
    "service:ticket-handle-list": f"customer={SEARCH}",
    "service:ticket-feedback-list": f"customer={SEARCH}",
    "service:ticket-archive-list": f"customer={SEARCH}",
    "imports:batch-list": "original_name=xlsx",
    "service:customer-search": f"q={SEARCH}",
}
# Deep page: the first of these page numbers that exists (offset 10,000 rows at 10 a page).
DEEP_PAGES = (1000, 100, 10, 2)
# When a role's whole list is over the export limit (10,000 rows), the export is filtered: the
# first of these that fits (customer numbers KB0000001xxxx: exactly 10,000 customers), else its
# FILTERS entry.
EXPORT_FILTERS = {
    "customers:customer-list": ["number=KB0000001"],
    "customers:churn-list": ["status=3"],
}
# Page kinds the load run mixes (exports, forms and the admin are left to the page run), and
# pages of those kinds it leaves out: confirmations and pages nobody opens repeatedly.
LOAD_KINDS = {"home", "list", "filtered", "detail", "report", "search"}
NOT_IN_LOAD = ("-delete", "password_change_done", "customers:churn-scan", "jobs:", "imports:")
# Pages that open on a selection made on a list (?ids=…); without one they go back to the list.
# The same page on one record is measured under its own name.
ON_A_SELECTION = {"customers:customer-transfer": "customers:customer-transfer-one"}
# Only these query strings make a URL with no filter a "search" (the service picker).
SEARCHES = {"service:customer-search"}


@dataclass
class Page:
    name: str  # URL name
    kind: str  # home list filtered deep export detail form report chart search admin
    role: str
    username: str
    url: str
    notes: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return (
            self.name
            if self.kind in ("list", "detail", "form", "report", "home", "admin", "chart")
            else f"{self.name} [{self.kind}]"
        )


def url_matrix() -> dict:
    """EXPECTED of every tests/<package>/url_matrix.py, merged (as the matrix test does)."""
    from tests.url_matrices import merged

    return merged("EXPECTED")


def served(expected: dict) -> dict:
    """{URL name: (view callback, argument names)} of every page the project serves; Django
    admin pages count only where the matrix samples them (the admin index and dictionary)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns, namespace=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from walk(entry.url_patterns, ns)
            elif isinstance(entry, URLPattern) and entry.name:
                yield f"{namespace}{entry.name}", (entry.callback, tuple(entry.pattern.converters))

    urls = dict(walk(get_resolver().url_patterns))
    return {n: v for n, v in urls.items() if not n.startswith("admin:") or n in expected}


def kind_of(name: str, callback) -> str | None:
    """The page kind of a URL, or None when it answers no GET (a POST-only action)."""
    from django.views.generic.edit import FormMixin
    from django.views.generic.list import MultipleObjectMixin

    view = getattr(callback, "view_class", None)
    if name.startswith("admin:"):
        return "admin"
    if view is None:
        return None if name in ("logout", "set_language") else "detail"
    if "get" not in view.http_method_names:
        return None
    if name == "home":
        return "home"
    if name in SEARCHES:
        return "search"
    if name.startswith("reports:"):
        return "chart" if name.endswith("-chart") else "report"
    if issubclass(view, MultipleObjectMixin):
        return "list"
    if issubclass(view, FormMixin):
        return "form"
    return "detail"


def roles_of(answers: dict) -> list[str]:
    """Roles that open the page: 200, or 404 for another's object (they open their own)."""
    return [role for role in ROLES if answers.get(role) in (200, 404)]


def targets() -> tuple[dict, dict]:
    """({URL name: (kind, roles, argument names)}, {URL name: reason it is not measured})."""
    expected = url_matrix()
    measured, skipped = {}, {}
    for name, (callback, arguments) in sorted(served(expected).items()):
        kind = kind_of(name, callback)
        roles = roles_of(expected.get(name, {}))
        if name == "login":
            skipped[name] = "the sign-in form (users sign in once per session)"
        elif kind is None:
            skipped[name] = "POST only"
        elif name in ON_A_SELECTION:
            skipped[name] = "a selection on a list (measured on one record)"
        elif not roles:
            skipped[name] = "no role opens it"
        else:
            measured[name] = (kind, roles, arguments)
    return measured, skipped


def sampler_for(name: str):
    """The SAMPLERS entry for a URL name: the longest matching prefix."""
    matches = [prefix for prefix in SAMPLERS if name.startswith(prefix)]
    return SAMPLERS[max(matches, key=len)] if matches else None


def plan(users: dict) -> tuple[list[Page], list[dict]]:
    """The pages to measure for `users` ({role: [User, ...]}, the first of each is measured)."""
    from django.urls import reverse

    measured, skipped_names = targets()
    pages, skipped = [], [{"page": n, "role": "", "reason": r} for n, r in skipped_names.items()]
    for name, (kind, roles, arguments) in measured.items():
        for role in roles:
            if not users.get(role):
                skipped.append({"page": name, "role": role, "reason": "no user of this role"})
                continue
            user = users[role][0]
            kwargs = {}
            if arguments:
                kwargs = sampler_for(name)(user)
                if kwargs is None:
                    skipped.append({"page": name, "role": role, "reason": "no sample in data"})
                    continue
            url = reverse(name, kwargs=kwargs)
            pages.extend(variants(name, kind, role, user, url))
    pages += department_head_pages(users.get(DH), measured)
    return pages, skipped


def department_head_pages(heads, measured) -> list[Page]:
    """A department head's customer list (first page, search, deep page, export) and reports,
    his data scope applied in SQL; the reports also grouped by department."""
    from django.urls import reverse

    if not heads:
        return []
    pages = []
    for name in DEPARTMENT_HEAD_PAGES:
        url = reverse(name)
        pages += variants(name, measured[name][0], DH, heads[0], url)
        if name in BY_DEPARTMENT:
            base = {"name": name, "role": DH, "username": heads[0].username}
            pages.append(Page(kind="filtered", url=f"{url}?{BY_DEPARTMENT[name]}", **base))
    return pages


def _encoded(query: str) -> str:
    """A query string as it goes on the wire (the searches are Chinese)."""
    return urlencode(parse_qsl(query))


def variants(name, kind, role, user, url) -> list[Page]:
    base = {"name": name, "role": role, "username": user.username}
    if kind == "search":
        return [Page(kind="search", url=f"{url}?{_encoded(FILTERS[name])}", **base)]
    if kind != "list":
        return [Page(kind=kind, url=url, **base)]
    from django.urls import resolve

    from crm.lists import ListPageView

    pages = [Page(kind="list", url=url, **base)]
    if name in FILTERS:
        pages.append(Page(kind="filtered", url=f"{url}?{_encoded(FILTERS[name])}", **base))
    view = resolve(url).func.view_class
    if not issubclass(view, ListPageView):
        return pages
    pages.append(Page(kind="deep", url=url, notes={"candidates": DEEP_PAGES}, **base))
    if view.listing.export_columns:
        narrower = [*EXPORT_FILTERS.get(name, []), FILTERS[name]]
        pages.append(
            Page(
                kind="export",
                url=f"{url}?export=csv",
                notes={"narrower": [f"{url}?export=csv&{_encoded(q)}" for q in narrower]},
                **base,
            )
        )
    return pages


# ---------------------------------------------------------------------------------------------
# Samples: an object of the benchmark data that `user` may open (the newest one).


def _pk(queryset):
    return queryset.order_by("-pk").values_list("pk", flat=True).first()


def _kw(pk, **extra):
    return None if pk is None else {"pk": pk, **extra}


def _is(user, role):
    return user.role is not None and user.role.code == role


def _customer(user):
    from apps.customers.models import Customer, Order

    orders = Order.objects.filter(customer__status=Customer.Status.NORMAL)
    if _is(user, AM):
        orders = orders.filter(customer__manager=user)
    return _kw(orders.order_by("-pk").values_list("customer_id", flat=True).first())


def _own(model_path, owner="customer__manager", **filters):
    def sample(user):
        from django.apps import apps

        rows = apps.get_model(model_path).objects.filter(**filters)
        if _is(user, AM):
            rows = rows.filter(**{owner: user})
        return _kw(_pk(rows))

    return sample


def _chance(status=None, owner="assignee", am_only=False):
    def sample(user):
        from apps.marketing.models import SalesChance

        rows = (
            SalesChance.objects.all()
            if status is None
            else SalesChance.objects.filter(status=status)
        )
        if _is(user, AM) or am_only:
            rows = rows.filter(**{owner: user})
        return _kw(_pk(rows))

    return sample


def _ticket(status=None, owner=None):
    def sample(user):
        from apps.service.models import ServiceTicket

        rows = (
            ServiceTicket.objects.all()
            if status is None
            else ServiceTicket.objects.filter(status=status)
        )
        if owner and _is(user, AM):
            rows = rows.filter(**{owner: user})
        return _kw(_pk(rows))

    return sample


def _chart(report):
    def sample(user):
        from apps.reports.models import ReportSnapshot

        for snapshot in ReportSnapshot.objects.filter(report=report).order_by("-pk")[:20]:
            charts = (snapshot.payload or {}).get("charts") or {}
            if charts:
                return {"pk": snapshot.pk, "chart": next(iter(charts))}
        return None

    return sample


def _mine(model_path, owner="created_by", admin_sees_all=False, **filters):
    def sample(user):
        from django.apps import apps

        rows = apps.get_model(model_path).objects.filter(**filters)
        if not (admin_sees_all and _is(user, ADMIN)):
            rows = rows.filter(**{owner: user})
        return _kw(_pk(rows))

    return sample


def _job_file(user):
    from apps.jobs.models import Job

    return _kw(_pk(Job.objects.filter(created_by=user, status="done").exclude(result_file="")))


def _user(user):
    from apps.rbac.models import User

    return _kw(_pk(User.objects.filter(role__code=AM)))


def _role(user):
    from apps.rbac.models import Role

    return _kw(Role.objects.filter(code=EX).values_list("pk", flat=True).first())


def _department(user):
    from apps.rbac.models import Department

    return _kw(Department.objects.order_by("-depth").values_list("pk", flat=True).first())


def _tag(user):
    from apps.customers.models import Tag

    return _kw(Tag.objects.order_by("pk").values_list("pk", flat=True).first())


def _developing(owner_required):
    return _chance(status=2, owner="assignee", am_only=owner_required)


SAMPLERS = {
    "rbac:user-": _user,
    "rbac:role-": _role,
    "rbac:department-": _department,
    "customers:": _customer,
    "customers:linkman-": _own("customers.Linkman"),
    "customers:linkman-list": _customer,
    "customers:linkman-create": _customer,
    "customers:activity-": _own("customers.Activity"),
    "customers:activity-list": _customer,
    "customers:activity-create": _customer,
    "customers:order-detail": _own("customers.Order"),
    "customers:tag-": _tag,
    "customers:churn-": _own("customers.Churn", status__in=(1, 2)),
    "marketing:chance-": _chance(),
    "marketing:chance-update": _chance(status=1, owner="created_by"),
    "marketing:chance-assign": _chance(status=1),
    "marketing:plan-": _developing(owner_required=False),
    "marketing:plan-execute": _developing(owner_required=True),
    "marketing:planitem-": _own("marketing.SalesPlan", owner="chance__assignee", chance__status=2),
    "service:ticket-": _ticket(owner="assignee"),
    "service:ticket-assign": _ticket(status="created"),
    "service:ticket-handle": _ticket(status="assigned", owner="assignee"),
    "service:ticket-feedback": _ticket(status="handled", owner="created_by"),
    **{
        f"reports:{r}-chart": _chart(r)
        for r in ("dashboard", "contribution", "composition", "service", "churn")
    },
    "jobs:": _mine("jobs.Job"),
    "jobs:job-download": lambda user: _job_file(user),
    "imports:batch-": _mine("imports.ImportBatch", admin_sees_all=True),
    "imports:template": lambda user: {"kind": "linkmen"},
}
