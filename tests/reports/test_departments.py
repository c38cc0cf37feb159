"""
Reports by department (issue 16): a reader whose role has a data scope sees what it reaches and
never more (pages, charts, exports); the department filter takes a department and everything
below it; the per-department grouping counts in SQL.

The company: 公司 > 华东区 > 上海组, 公司 > 华北区. The head of 华东区 is an executive whose
role has the scope 本部门及下级部门 for customers and services.

manager  department  customers (orders)                  services  confirmed churn
east     华东区      东一 (1×1000), 东二 (1×200)         1         东二
sh       上海组      沪一 (1×30)                          1         沪一
north    华北区      北一 (1×5000)                        1         北一
"""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.rbac.models import DataScope, Department, Role
from apps.rbac.services import org
from apps.reports.models import ReportSnapshot
from apps.reports.scope import scope_params
from apps.reports.services import snapshot_compute
from tests.reports.factories import (
    ChurnFactory,
    CustomerFactory,
    UserFactory,
    local,
    order_with_lines,
)
from tests.service.factories import ServiceTicketFactory

pytestmark = pytest.mark.django_db

ALL = {"year": None, "name": ""}


@pytest.fixture
def company(dictionaries, admin_user):
    top = org.department_create(actor=admin_user, name="公司")
    east = org.department_create(actor=admin_user, name="华东区", parent_id=top.pk)
    shanghai = org.department_create(actor=admin_user, name="上海组", parent_id=east.pk)
    north = org.department_create(actor=admin_user, name="华北区", parent_id=top.pk)
    departments = {d.name: Department.objects.get(pk=d.pk) for d in [top, east, shanghai, north]}
    managers = {
        key: UserFactory(role="account_manager", username=key, department=departments[dept])
        for key, dept in [("east", "华东区"), ("sh", "上海组"), ("north", "华北区")]
    }
    for key, name, amount in [
        ("east", "东一", "1000"),
        ("east", "东二", "200"),
        ("sh", "沪一", "30"),
        ("north", "北一", "5000"),
    ]:
        customer = CustomerFactory(name=name, manager=managers[key], level=1)
        order_with_lines(customer, local(2024, 3, 1), (1, amount))
        if name != "东一":
            ServiceTicketFactory(customer=customer, created_at=local(2024, 2, 1))
            ChurnFactory(customer=customer)
    head_role = Role.objects.get(code="executive")
    for module in (DataScope.Module.CUSTOMERS, DataScope.Module.SERVICE):
        DataScope.objects.create(
            role=head_role, module=module, scope=DataScope.Scope.DEPARTMENT_TREE
        )
    head = UserFactory(role="executive", username="head", department=departments["华东区"])
    departments["华东区"].head = head
    departments["华东区"].save()
    return departments, managers, head


@pytest.fixture
def head_client(client, company):
    client.force_login(company[2])
    return client


@pytest.fixture
def admin_reader(client, company):
    """A company-wide reader: the sales manager sees every customer."""
    client.force_login(UserFactory(role="sales_manager"))
    return client


def payload(response):
    assert response.status_code == 200, response.content[:500]
    return response.context["payload"]


def test_a_department_head_sees_only_his_subtree(head_client):
    composition = payload(head_client.get(reverse("reports:composition")))
    assert composition["total"] == 3  # 东一, 东二, 沪一; not 北一
    service = payload(head_client.get(reverse("reports:service")))
    assert service["total"] == 2  # 东二, 沪一


def test_the_head_never_gets_more_than_his_scope_with_a_filter(head_client, company):
    departments = company[0]
    shanghai = payload(
        head_client.get(reverse("reports:composition"), {"department": departments["上海组"].pk})
    )
    assert shanghai["total"] == 1
    response = head_client.get(
        reverse("reports:composition"), {"department": departments["公司"].pk}
    )
    assert "department" in response.context["form"].errors  # above him: not offered


def test_the_department_filter_counts_the_department_and_everything_below(admin_reader, company):
    departments = company[0]
    url = reverse("reports:composition")
    assert payload(admin_reader.get(url))["total"] == 4
    east = payload(admin_reader.get(url, {"department": departments["华东区"].pk}))
    assert east["total"] == 3
    north = payload(admin_reader.get(url, {"department": departments["华北区"].pk}))
    assert north["total"] == 1


def test_grouping_by_department_gives_the_right_sums_in_a_fixed_number_of_queries(
    company, admin_user
):
    departments = company[0]
    with CaptureQueriesContext(connection) as queries:
        snapshot = snapshot_compute(
            report="composition", params={"by": "department"}, language="zh-hans"
        )
    rows = [(row.data["label"], row.data["count"]) for row in snapshot.rows.order_by("rank")]
    assert rows == [("华东区", 2), ("上海组", 1), ("华北区", 1)]
    assert sum(n for _label, n in rows) == snapshot.payload["total"] == 4
    few = len(queries.captured_queries)

    for n in range(5):  # more departments with customers: not one query more
        extra = org.department_create(
            actor=admin_user, name=f"新部门{n}", parent_id=departments["公司"].pk
        )
        CustomerFactory(manager=UserFactory(role="account_manager", department=extra))
    with CaptureQueriesContext(connection) as queries:
        snapshot_compute(report="composition", params={"by": "department"}, language="zh-hans")
    assert len(queries.captured_queries) == few


def test_the_churn_report_groups_by_department(admin_reader, company):
    departments = company[0]
    url = reverse("reports:churn")
    snapshot_compute(
        report="churn",
        params={"customer": "", "manager": "", "by": "department"},
        language="zh-hans",
    )
    grouped = payload(admin_reader.get(url, {"by": "department"}))
    assert sorted((r["department"], r["count"]) for r in grouped["by_department"]) == [
        ("上海组", 1),
        ("华东区", 1),
        ("华北区", 1),
    ]
    params = {"customer": "", "manager": "", "by": "department"}
    params["department"] = departments["华东区"].pk
    snapshot_compute(report="churn", params=params, language="zh-hans")
    east = payload(
        admin_reader.get(url, {"by": "department", "department": departments["华东区"].pk})
    )
    assert east["total"] == 2


def test_the_report_export_obeys_the_heads_scope(head_client, company):
    head = company[2]
    snapshot_compute(report="contribution", params=ALL, language="zh-hans")  # company-wide
    snapshot_compute(
        report="contribution",
        params={**ALL, **scope_params(head, "contribution")},
        language="zh-hans",
    )
    response = head_client.get(reverse("reports:contribution"), {"export": "csv"})
    names = [row[2] for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig")))][1:]
    assert names == ["东一", "东二", "沪一"]


def test_a_chart_of_a_company_wide_report_is_not_served_to_the_head(head_client, company):
    wide = snapshot_compute(report="composition", params={"by": "level"}, language="zh-hans")
    url = reverse("reports:composition-chart", args=[wide.pk, "main"])
    assert head_client.get(url).status_code == 404
    own = payload(head_client.get(reverse("reports:composition")))
    mine = ReportSnapshot.objects.filter(report="composition").exclude(pk=wide.pk).get()
    assert own["total"] == 3
    assert (
        head_client.get(reverse("reports:composition-chart", args=[mine.pk, "main"])).status_code
        == 200
    )


def test_the_dashboard_of_the_head_counts_his_subtree(
    head_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        head_client.get(reverse("reports:dashboard"))
    dashboard = payload(head_client.get(reverse("reports:dashboard")))
    assert dashboard["customers"] == 3


@pytest.mark.parametrize("value", ["abc", "999999", "1.5"])
def test_a_bad_department_gets_a_clear_message_and_computes_nothing(admin_reader, value):
    response = admin_reader.get(reverse("reports:composition"), {"department": value})
    assert response.status_code == 200
    assert response.context["form"].errors["department"] == ["请选择列表中的部门。"]
    assert b'data-testid="filter-error"' in response.content
    assert not ReportSnapshot.objects.filter(report="composition").exists()


def test_a_department_deleted_since_counts_nothing(company):
    departments = company[0]
    gone = departments["华北区"].pk
    snapshot = snapshot_compute(
        report="contribution", params={**ALL, "department": gone + 1000}, language="zh-hans"
    )
    assert snapshot.row_count == 0


def test_the_nightly_refresh_recomputes_the_heads_report_within_his_scope(head_client, company):
    from apps.reports.services import reports_refresh

    payload(head_client.get(reverse("reports:composition")))
    mine = ReportSnapshot.objects.get(report="composition", params__has_key="owners")
    CustomerFactory(name="北二", manager=company[1]["north"], level=1)  # outside his subtree
    CustomerFactory(name="沪二", manager=company[1]["sh"], level=1)  # inside

    reports_refresh()

    refreshed = ReportSnapshot.objects.filter(key=mine.key).order_by("-computed_at").first()
    assert refreshed.pk != mine.pk
    assert refreshed.payload["total"] == 4
    assert payload(head_client.get(reverse("reports:composition")))["total"] == 4
