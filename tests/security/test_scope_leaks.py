"""
No page, filter, search, export, background export, fragment, autocomplete or job download
ever shows a row outside the user's scope. Two account managers get customers (and their
linkmen, activities, orders, churn warnings, chances, plans and tickets) whose texts carry
distinctive markers; as manager A, every URL he may open is requested plain, as an htmx
fragment, with every filter field set to B's marker or B's ids, and exported to CSV and XLSX
(parsed), directly and through the background export job; B's marker must never appear.
"""

import csv
import io
import re
import uuid
from datetime import timedelta

import pytest
from django.urls import resolve, reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.marketing.models import SalesChance
from apps.rbac.policies import sales_chance_policy, service_ticket_policy
from tests.customers.churn_factories import ChurnFactory
from tests.customers.factories import (
    ActivityFactory,
    LinkmanFactory,
    OrderFactory,
    OrderLineFactory,
)
from tests.factories import CustomerFactory, UserFactory, share
from tests.marketing.factories import SalesChanceFactory, SalesPlanFactory
from tests.rbac.test_url_matrix import served_urls
from tests.security.object_makers import OBJECT_URLS
from tests.security.support import form_payload
from tests.service.factories import ServiceTicketFactory

pytestmark = pytest.mark.django_db

MARK = {"A": "甲方标记AMARK", "B": "乙方标记BMARK"}
FILTER_SKIP = {"csrfmiddlewaretoken", "page", "export", "language", "next"}
EXPORTS = ["csv", "xlsx"]
KIND_EXPORTS = ["linkmen", "activities"]  # the kinds an account manager may export


def seed(manager, mark, viewer=None):
    """
    A customer of `manager` and everything hanging off it, each text carrying `mark`. Rows the
    policies let `viewer` read anyway (every account manager reads the chance pool and the
    service archive, SPEC §4) carry a neutral text instead, on a customer of their own.
    """
    customer = CustomerFactory(manager=manager, name=f"{mark}客户有限公司")
    LinkmanFactory(customer=customer, name=f"{mark}联系人")
    ActivityFactory(customer=customer, title=f"{mark}拜访", place=f"{mark}地点")
    OrderLineFactory(order=OrderFactory(customer=customer, address=f"{mark}送货地址"))
    ChurnFactory(customer=customer)

    def text(policy, label, row=None):
        readable = viewer is not None and policy.can(viewer, "view", row)
        return f"公开{label}" if readable else f"{mark}{label}"

    chance = SalesChanceFactory(developing=True, assignee=manager)
    SalesChance.objects.filter(pk=chance.pk).update(
        customer_name=text(sales_chance_policy, "机会客户", chance),
        title=text(sales_chance_policy, "机会", chance),
    )
    SalesPlanFactory(chance=chance, todo=f"{mark}计划")
    pool = SalesChanceFactory(created_by=manager)
    SalesChance.objects.filter(pk=pool.pk).update(
        customer_name=text(sales_chance_policy, "新机会", pool),
        title=text(sales_chance_policy, "新机会", pool),
    )
    ticket = ServiceTicketFactory(customer=customer)
    if viewer is not None and service_ticket_policy.can(viewer, "view", ticket):
        ticket.customer = CustomerFactory(manager=manager, name="公开服务客户")
    ticket.title, ticket.request = text(service_ticket_policy, "服务", ticket), "请求"
    ticket.save()
    return {"customer": customer, "ticket": ticket, "chance": chance}


@pytest.fixture
def two_managers():
    a, b = UserFactory(role="account_manager"), UserFactory(role="account_manager")
    rows = {"A": seed(a, MARK["A"]), "B": seed(b, MARK["B"], viewer=a)}
    return a, b, rows


def text_of(response) -> str:
    """What the user receives: the page, or the parsed cells of a CSV or XLSX download."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    disposition = response.get("Content-Disposition", "")
    if body.startswith(b"PK"):
        book = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            str(cell)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )
    if ".csv" in disposition:
        text = body.decode("utf-8-sig")
        return "\n".join(",".join(row) for row in csv.reader(io.StringIO(text)))
    return body.decode("utf-8", errors="replace")


AM_OBJECT_URLS = sorted(
    n for n, spec in OBJECT_URLS.items() if spec.owner_role == "account_manager"
)
LIST_URLS = sorted(
    name
    for name, arguments in served_urls().items()
    if "pk" not in arguments
    and name not in {"logout", "set_language", "favicon"}
    and not name.startswith("admin:")
)


def url_of(name, a, rows) -> str:
    """The URL as A opens it: rows named in it are his own (his marked customer)."""
    arguments = served_urls()[name]
    if "pk" not in arguments:
        return reverse(name, kwargs=dict.fromkeys(arguments, "linkmen"))
    spec = OBJECT_URLS[name]
    row = rows["A"]["customer"] if name.startswith("customers:customer-") else spec.make(a)
    return reverse(name, kwargs={"pk": row.pk, **(spec.extra_kwargs or {})})


def variants(page, b, rows):
    """(label, query, htmx) of every request to try: B's marker and ids in every filter."""
    yield "page", {}, False
    yield "htmx fragment", {}, True
    if page.status_code != 200:
        return
    fields = filter_fields(page.content.decode())
    # "乙方标记" finds B's rows by substring; the answer is searched for "BMARK", which the
    # query itself does not contain (a search box echoes its query).
    b_values = ["乙方标记", str(b.pk), str(rows["B"]["customer"].pk)]
    for field in fields:
        for value in b_values:
            yield f"filter {field}={value}", {field: value}, value == b_values[0]
    for fmt in EXPORTS:
        yield f"export {fmt}", {"export": fmt}, False
        for field in fields:
            yield f"export {fmt} {field}={b.pk}", {"export": fmt, field: str(b.pk)}, False


def filter_fields(html: str) -> list[str]:
    """The names of the fields of the page's GET forms (filters and searches)."""
    names = set()
    for form in re.findall(r"<form\b(?![^>]*method=\"post\")[^>]*>(.*?)</form>", html, re.S):
        names |= set(re.findall(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', form))
    return sorted(names - FILTER_SKIP)


@pytest.mark.parametrize("name", LIST_URLS + AM_OBJECT_URLS)
def test_manager_a_never_sees_manager_b_rows_on_the_page_its_filters_fragments_and_exports(
    client, two_managers, name
):
    a, b, rows = two_managers
    client.force_login(a)
    url = url_of(name, a, rows)
    leaks = []
    for label, query, htmx in variants(client.get(url), b, rows):
        response = client.get(url, query, headers={"HX-Request": "true"} if htmx else {})
        if response.status_code == 200 and "BMARK" in text_of(response):
            leaks.append(f"{url} {label}")
    assert not leaks, "\n".join(leaks)


@pytest.mark.parametrize(
    "name",
    [
        "customers:customer-list",
        "customers:churn-list",
        "marketing:chance-list",
        "marketing:plan-list",
        "service:customer-search",
    ],
)
def test_the_scope_check_sees_the_managers_own_rows_there(client, two_managers, name):
    """The check above can fail: A's own marked rows do show on his lists and exports."""
    a, _b, rows = two_managers
    client.force_login(a)
    url = url_of(name, a, rows)
    assert MARK["A"] in text_of(client.get(url, {"q": ""}))


def test_the_service_customer_picker_offers_only_the_managers_own_customers(client, two_managers):
    a, _b, _rows = two_managers
    client.force_login(a)
    for query in ["", "标记", "乙方", "乙方标记", "客户"]:
        text = text_of(client.get(reverse("service:customer-search"), {"q": query}))
        assert "BMARK" not in text, query
    assert MARK["A"] in text_of(client.get(reverse("service:customer-search"), {"q": "标记"}))
    form = text_of(client.get(reverse("service:ticket-create")))
    assert "BMARK" not in form


def test_a_shared_customer_appears_with_what_hangs_from_it_but_nothing_else(client, two_managers):
    a, _b, rows = two_managers
    share(rows["B"]["customer"], a, "read")
    client.force_login(a)
    text = text_of(client.get(reverse("customers:customer-list"), {"export": "csv"}))
    assert rows["B"]["customer"].name in text
    customer = rows["B"]["customer"].pk
    for name in ["customers:linkman-list", "customers:activity-list", "customers:order-list"]:
        assert "BMARK" in text_of(client.get(reverse(name, args=[customer]))), name
    assert "BMARK" in text_of(client.get(reverse("customers:churn-list")))  # its churn record
    assert "BMARK" not in text_of(client.get(reverse("marketing:plan-list")))  # not shared


@pytest.mark.parametrize("fmt", EXPORTS)
def test_background_list_exports_hold_only_the_managers_rows(
    client, two_managers, settings, django_capture_on_commit_callbacks, fmt
):
    a, _b, _rows = two_managers
    settings.CRM_EXPORT_MAX_ROWS = 0  # every export becomes a background job
    client.force_login(a)
    exported = set()
    for name in [name for name in LIST_URLS if not served_urls()[name]]:
        url = reverse(name)
        offer = client.get(url, {"export": fmt, "q": ""})
        if "text/html" not in offer.get("Content-Type", "") or (
            'name="url_name"' not in offer.content.decode()
        ):
            continue  # no export there, or nothing to export (a direct, empty download)
        with django_capture_on_commit_callbacks(execute=True):
            started = client.post(reverse("imports:list-export"), form_payload_of(offer))
        assert started.status_code == 302, url
        job_page = client.get(started.url)
        assert job_page.status_code == 200
        download = client.get(reverse("jobs:job-download", args=[job_id(started.url)]))
        assert download.status_code == 200, url
        text = text_of(download)
        exported.add(name)
        assert "BMARK" not in text, url
    assert {"customers:customer-list", "customers:churn-list", "marketing:plan-list"} <= exported


def form_payload_of(response):
    """The offer page posts to imports:list-export, not to itself: read that form."""
    return form_payload(response.content.decode(), reverse("imports:list-export"))


def job_id(url: str):
    return resolve(url).kwargs["pk"]


@pytest.mark.parametrize("kind", KIND_EXPORTS)
def test_exports_in_the_import_format_hold_only_the_managers_rows(
    client, two_managers, django_capture_on_commit_callbacks, kind
):
    a, _b, _rows = two_managers
    client.force_login(a)
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(reverse("imports:kind-export", args=[kind]), {"format": "xlsx"})
    assert started.status_code == 302
    download = client.get(reverse("jobs:job-download", args=[job_id(started.url)]))
    assert download.status_code == 200
    text = text_of(download)
    assert "BMARK" not in text
    assert MARK["A"] in text


def test_notifications_and_jobs_of_another_user_never_show(client, two_managers):
    from apps.jobs.models import Job
    from apps.notifications.models import Notification

    a, b, _rows = two_managers
    Notification.objects.create(recipient=b, title="BMARK 通知")
    Job.objects.create(
        kind="imports.list_export",
        created_by=b,
        params={"note": "BMARK"},
        finished_at=timezone.now() - timedelta(minutes=1),
    )
    client.force_login(a)
    for name in ["notifications:notification-list", "jobs:job-list", "home"]:
        assert "BMARK" not in text_of(client.get(reverse(name))), name


# --- per data scope (issue 16) --------------------------------------------------------------
#
# An account manager in 销售部 and, around him, the owners of every relation: his subordinate
# and his subordinate's subordinate (in 服务部, so that no department scope reaches them), a
# colleague of 销售部, one of 华东组 below it, one of 服务部. Each owns a customer with its
# linkman, activity, order, churn warning (from a real scan), a chance he develops with a plan,
# and a ticket assigned to him; every text carries the relation's label and token. For each of
# the five scopes (set for customers, marketing and service at once, the way the admin sets
# them), what the account manager meets holds exactly the tokens of the relations it reaches.

RELATION_LABELS = {
    "own": ("本人", "QOWNQ"),
    "subordinate": ("直属", "QSUBQ"),
    "indirect": ("隔级", "QINDQ"),
    "same_dept": ("同部门", "QSAMEQ"),
    "child_dept": ("下级部门", "QCHILDQ"),
    "other_dept": ("外部门", "QOTHERQ"),
}
TOKENS = {token: relation for relation, (_label, token) in RELATION_LABELS.items()}
EVERY_RELATION = set(RELATION_LABELS)

# What each scope reaches, as data (the definitions).
REACHES = {
    "own": {"own"},
    "subordinates": {"own", "subordinate", "indirect"},
    "department": {"own", "same_dept"},
    "department_tree": {"own", "same_dept", "child_dept"},
    "all": EVERY_RELATION,
}
SCOPE_NAMES = list(REACHES)


def relations_in(text: str) -> set[str]:
    """The relations whose token the user can read in `text`."""
    return {TOKENS[token] for token in re.findall(r"Q(?:OWN|SUB|IND|SAME|CHILD|OTHER)Q", text)}


def seed_relation(owner, label: str, token: str) -> None:
    from apps.customers.models import Order
    from apps.service.models import ServiceTicket
    from tests.customers.churn_factories import months_ago, old_customer
    from tests.customers.churn_factories import order as order_of
    from tests.service.factories import ticket_in

    customer = old_customer(manager=owner, name=f"{label}客户{token}")
    LinkmanFactory(customer=customer, name=f"{label}联系人{token}")
    ActivityFactory(customer=customer, title=f"{label}拜访{token}", place=f"{label}地点{token}")
    placed = order_of(customer, months_ago(8))  # dormant: the scan warns about him
    Order.objects.filter(pk=placed.pk).update(address=f"{label}送货地址{token}")
    OrderLineFactory(order=placed)
    chance = SalesChanceFactory(developing=True, assignee=owner)
    SalesChance.objects.filter(pk=chance.pk).update(title=f"{label}机会{token}")
    SalesPlanFactory(chance=chance, todo=f"{label}计划{token}")
    ticket_in(
        ServiceTicket.Status.ASSIGNED,
        assignee=owner,
        customer=customer,
        title=f"{label}服务{token}",
    )


@pytest.fixture
def company(admin_user):
    """{relation: owner} around the account manager "own", each seeded, and a churn scan run."""
    from apps.customers.services import churn_scan
    from apps.rbac.services import org

    root = org.department_create(actor=admin_user, name="公司")
    sales = org.department_create(actor=admin_user, name="销售部", parent_id=root.pk)
    east = org.department_create(actor=admin_user, name="华东组", parent_id=sales.pk)
    service = org.department_create(actor=admin_user, name="服务部", parent_id=root.pk)
    me = UserFactory(role="account_manager", department=sales)
    subordinate = UserFactory(role="account_manager", department=service, supervisor=me)
    people = {
        "own": me,
        "subordinate": subordinate,
        "indirect": UserFactory(role="account_manager", department=service, supervisor=subordinate),
        "same_dept": UserFactory(role="account_manager", department=sales),
        "child_dept": UserFactory(role="account_manager", department=east),
        "other_dept": UserFactory(role="account_manager", department=service),
    }
    for relation, owner in people.items():
        seed_relation(owner, *RELATION_LABELS[relation])
    churn_scan()  # the background job: one warning per dormant customer, digests sent
    return people


def scope_everywhere(admin, scope: str) -> None:
    """The admin's one change on the data-scope page: the scope in every module."""
    from apps.rbac.models import DataScope, Role
    from apps.rbac.services import org

    role = Role.objects.get(code="account_manager")
    org.role_set_data_scopes(
        actor=admin, role_id=role.pk, scopes=dict.fromkeys(DataScope.Module.values, scope)
    )


def badge(page, code: str) -> int:
    """The number next to a menu page ("服务处理 (3)"), 0 when none shows."""
    found = re.search(rf'data-testid="badge-{code}">(\d+)<', page.content.decode())
    return int(found.group(1)) if found else 0


# Lists whose rows are exactly the scope's, and the query that lists every state.
EXACT_LISTS = {
    "customers:customer-list": {},
    "customers:churn-list": {},
    "marketing:plan-list": {},
    "service:ticket-archive-list": {"status": ""},
    "service:customer-search": {"q": "客户"},
}


def lists_searches_and_exports(client, reached) -> list[str]:
    """What the lists, their searches and their direct exports show beyond or short of it."""
    problems = []
    for name, query in EXACT_LISTS.items():
        url = reverse(name)
        page = client.get(url, query)
        shown = relations_in(text_of(page))
        if shown != reached:
            problems.append(f"{name}: shows {sorted(shown)}")
        paginator = page.context and page.context.get("paginator")
        if paginator is not None and paginator.count != len(reached):
            problems.append(f"{name}: counts {paginator.count}, expected {len(reached)}")
        for fmt in EXPORTS if name != "service:customer-search" else []:
            exported = relations_in(text_of(client.get(url, {**query, "export": fmt})))
            if exported != reached:
                problems.append(f"{name} {fmt} export: holds {sorted(exported)}")
    for relation in EVERY_RELATION - reached:  # a search for an outside row finds nothing
        label = RELATION_LABELS[relation][0]
        for name in ["customers:customer-list", "service:customer-search"]:
            found = relations_in(text_of(client.get(reverse(name), {"q": f"{label}客户"})))
            if found & (EVERY_RELATION - reached):
                problems.append(f"{name} q={label}客户 finds {sorted(found)}")
    return problems


def sweep_scopes():
    """本部门及下级部门 (the widest partial scope) by default, every scope with SLOW=1."""
    return [
        pytest.param(scope, marks=[] if scope == "department_tree" else [pytest.mark.slow])
        for scope in SCOPE_NAMES
    ]


@pytest.mark.parametrize("scope", sweep_scopes())
def test_each_scope_never_shows_an_outside_row_on_any_page_fragment_or_export(
    client, admin_user, company, scope
):
    scope_everywhere(admin_user, scope)
    client.force_login(company["own"])
    outside = EVERY_RELATION - REACHES[scope]
    leaks = []
    for name in LIST_URLS:
        url = reverse(name, kwargs=dict.fromkeys(served_urls()[name], "linkmen"))
        page = client.get(url)
        if page.status_code != 200:
            continue  # refused or not a page: nothing to show
        for label, response in [
            ("page", page),
            ("fragment", client.get(url, headers={"HX-Request": "true"})),
            ("csv", client.get(url, {"export": "csv"})),
            ("xlsx", client.get(url, {"export": "xlsx"})),
        ]:
            shown = relations_in(text_of(response)) if response.status_code == 200 else set()
            if shown & outside:
                leaks.append(f"{url} {label}: {sorted(shown & outside)}")
    assert not leaks, "\n".join(leaks)


def background_exports(client, reached, capture) -> list[str]:
    """What the background list exports and the import-format exports hold beyond or short."""
    problems = []

    def run(post_url, data):
        with capture(execute=True):
            started = client.post(post_url, data)
        assert started.status_code == 302, post_url
        download = client.get(reverse("jobs:job-download", args=[job_id(started.url)]))
        assert download.status_code == 200, post_url
        return relations_in(text_of(download))

    for name in ["customers:customer-list", "customers:churn-list", "marketing:plan-list"]:
        offer = client.get(reverse(name), {"export": "xlsx"})
        exported = run(reverse("imports:list-export"), form_payload_of(offer))
        if exported != reached:
            problems.append(f"{name} background export holds {sorted(exported)}")
    for kind in KIND_EXPORTS:
        exported = run(reverse("imports:kind-export", args=[kind]), {"format": "csv"})
        if exported != reached:
            problems.append(f"{kind} export in the import format holds {sorted(exported)}")
    return problems


def badges_and_digest(client, me, reached) -> list[str]:
    """
    The churn badge counts the warnings of the scope; the badge of 服务处理 counts the tickets
    waiting for him to handle (a personal duty: his own, whatever the scope); the scan's digest
    told him about his own customers, and its link opens the warnings of his scope.
    """
    from apps.notifications.models import Notification

    problems = []
    home = client.get(reverse("home"))
    if badge(home, "L0202") != len(reached):
        problems.append(f"churn badge {badge(home, 'L0202')}, expected {len(reached)}")
    if badge(home, "L0303") != 1:
        problems.append(f"服务处理 badge {badge(home, 'L0303')}, expected 1 (his own)")
    digest = Notification.objects.get(recipient=me)
    if not digest.title.startswith("1"):
        problems.append(f"digest says {digest.title!r}, expected his one warning")
    opened = relations_in(text_of(client.get(digest.link)))
    if opened != reached:
        problems.append(f"the digest's link shows {sorted(opened)}")
    handle = relations_in(text_of(client.get(reverse("service:ticket-handle-list"))))
    if handle != {"own"}:
        problems.append(f"服务处理 lists {sorted(handle)}, expected his own")
    return problems


@pytest.mark.parametrize("scope", SCOPE_NAMES)
def test_each_scope_shows_exactly_its_rows_in_lists_exports_jobs_badges_and_digests(
    client, admin_user, company, settings, django_capture_on_commit_callbacks, scope
):
    scope_everywhere(admin_user, scope)
    me = company["own"]
    client.force_login(me)
    reached = REACHES[scope]
    problems = lists_searches_and_exports(client, reached) + badges_and_digest(client, me, reached)
    settings.CRM_EXPORT_MAX_ROWS = 0  # every list export becomes a background job
    problems += background_exports(client, reached, django_capture_on_commit_callbacks)
    assert not problems, "\n".join(problems)


def test_the_service_picker_takes_a_customer_of_the_scope_and_refuses_one_outside(
    client, admin_user, company
):
    """服务创建 with a colleague's customer: accepted in 本部门, refused (nothing made) outside."""
    from apps.basedata.models import DictItem
    from apps.customers.models import Customer
    from apps.service.models import ServiceTicket
    from tests.factories import DictItemFactory

    scope_everywhere(admin_user, "department")
    client.force_login(company["own"])
    colleague = Customer.objects.get(manager=company["same_dept"])
    stranger = Customer.objects.get(manager=company["other_dept"])

    DictItemFactory(type=DictItem.SERVICE_TYPE, item="咨询", value="咨询")

    def create(customer):
        return client.post(
            reverse("service:ticket-create"),
            {
                "type": "咨询",
                "title": f"新服务{customer.pk}",
                "customer": customer.pk,
                "request": "客户来电",
                "submit_token": uuid.uuid4(),
            },
        )

    refused = create(stranger)
    assert refused.status_code == 200
    assert not ServiceTicket.objects.filter(customer=stranger, title__startswith="新服务").exists()
    accepted = create(colleague)
    assert accepted.status_code == 302
    assert ServiceTicket.objects.filter(customer=colleague, title__startswith="新服务").exists()
