"""The department list's export (issue 16): each department by its path of names, as the
departments import reads it, in one query whatever the size of the tree."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.rbac.services import org
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def tree(admin_user):
    top = org.department_create(actor=admin_user, name="总公司")
    east = org.department_create(actor=admin_user, name="华东区", parent_id=top.pk)
    shanghai = org.department_create(actor=admin_user, name="上海分公司", parent_id=east.pk)
    org.department_create(actor=admin_user, name="华北区", parent_id=top.pk, name_en="North")
    UserFactory(department=shanghai)
    UserFactory(department=shanghai)
    return top


def test_the_department_list_exports_each_department_by_its_path(client_as, tree):
    client = client_as("admin")
    rows = csv_rows(client.get(reverse("rbac:department-list"), {"export": "csv"}))
    assert [row[:3] for row in rows[1:]] == [
        ["总公司", "总公司", ""],
        ["总公司/华东区", "华东区", ""],
        ["总公司/华东区/上海分公司", "上海分公司", ""],
        ["总公司/华北区", "华北区", "North"],
    ]
    assert [row[4] for row in rows[1:]] == ["0", "0", "2", "0"]


def test_the_export_follows_the_filter(client_as, tree):
    client = client_as("admin")
    rows = csv_rows(client.get(reverse("rbac:department-list"), {"export": "csv", "name": "上海"}))
    assert [row[0] for row in rows[1:]] == ["总公司/华东区/上海分公司"]


def test_the_export_costs_the_same_queries_for_a_bigger_tree(client_as, admin_user, tree):
    client = client_as("admin")
    url = reverse("rbac:department-list")

    def queries() -> int:
        client.get(url)  # a new department moves the access version: warm up
        with CaptureQueriesContext(connection) as captured:
            csv_rows(client.get(url, {"export": "csv"}))
        return len(captured.captured_queries)

    few = queries()
    for n in range(6):
        org.department_create(actor=admin_user, name=f"新部门{n}", parent_id=tree.pk)
    assert queries() == few


def test_other_roles_cannot_export_departments(client_as, tree):
    response = client_as("sales_manager").get(reverse("rbac:department-list"), {"export": "csv"})
    assert response.status_code == 403
