"""
Import and export of the organization (issue 16): departments by their path of names, parents
before children, in one all-or-nothing step with undo; users with role, department, supervisor,
never a password.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.imports import services
from apps.imports.catalog import kinds_for
from apps.imports.models import ImportBatch
from apps.rbac.models import Department, User
from apps.rbac.services import org
from crm.exceptions import DomainError
from tests.factories import UserFactory
from tests.imports.factories import apply, check, csv_bytes, undo

pytestmark = pytest.mark.django_db

S = ImportBatch.Status
DEPARTMENT_HEADERS_ZH = ["部门名称", "上级部门", "部门名称（英文）", "负责人"]
USER_HEADERS = ["username", "full name", "role", "department", "supervisor", "e-mail", "phone"]


def department_file(*rows) -> bytes:
    return csv_bytes(["department name", "parent department", "head"], rows)


def errors(batch) -> list[tuple]:
    return list(batch.row_errors.values_list("row", "column", "message"))


def names(department) -> list[str]:
    return [d.name for d in Department.objects.get_ancestors(department)] + [department.name]


@pytest.fixture
def company(admin_user):
    top = org.department_create(actor=admin_user, name="总公司")
    east = org.department_create(actor=admin_user, name="华东区", parent_id=top.pk)
    return {"总公司": top, "华东区": east}


def test_the_admin_may_import_departments_and_users_an_account_manager_not(
    admin_user, account_manager
):
    assert {"departments", "users"} <= {kind.key for kind in kinds_for(admin_user)}
    assert not {"departments", "users"} & {kind.key for kind in kinds_for(account_manager)}


def test_a_tree_of_four_levels_is_imported_parents_first_and_undone(admin_user):
    head = UserFactory(username="zhang")
    content = department_file(
        ["总公司", "", "zhang"],
        ["华东区", "总公司", ""],
        ["上海分公司", "总公司/华东区", ""],
        ["浦东组", " 总公司 / 华东区 / 上海分公司 ", ""],  # spaces around the parts
        ["华北区", "总公司", ""],
    )
    batch = check(admin_user, "departments", content)
    assert (batch.status, batch.rows_new, batch.rows_invalid) == (S.CHECKED, 5, 0), errors(batch)
    assert not Department.objects.exists()  # the check writes nothing

    batch = apply(admin_user, batch)

    assert batch.status == S.APPLIED
    pudong = Department.objects.get(name="浦东组")
    assert names(pudong) == ["总公司", "华东区", "上海分公司", "浦东组"]
    assert pudong.depth == 4
    top = Department.objects.get(name="总公司")
    assert top.head == head
    assert [d.name for d in Department.objects.get_children(top)] == ["华东区", "华北区"]
    assert Department.objects.find_problems() == ([], [], [], [], [])
    assert Department.objects.get(name="华东区").numchild == 1

    assert undo(admin_user, batch).status == S.UNDONE
    assert not Department.objects.exists()


def test_departments_under_existing_ones_and_their_undo_keep_the_tree_sound(admin_user, company):
    content = department_file(["上海分公司", "总公司/华东区", ""], ["华南区", "总公司", ""])
    batch = apply(admin_user, check(admin_user, "departments", content))
    assert batch.status == S.APPLIED, errors(batch)
    assert Department.objects.get(name="华东区").numchild == 1
    assert Department.objects.get(name="总公司").numchild == 2
    assert Department.objects.find_problems() == ([], [], [], [], [])

    assert undo(admin_user, batch).status == S.UNDONE

    assert Department.objects.get(name="华东区").numchild == 0
    assert Department.objects.get(name="总公司").numchild == 1
    assert Department.objects.find_problems() == ([], [], [], [], [])


def test_chinese_headers_are_read(admin_user, company):
    content = csv_bytes(DEPARTMENT_HEADERS_ZH, [["华南区", "总公司", "South", ""]])
    batch = check(admin_user, "departments", content)
    assert (batch.rows_new, batch.rows_invalid) == (1, 0), errors(batch)


def test_bad_rows_are_told_row_by_row_and_nothing_is_written(admin_user, company):
    before = list(Department.objects.values_list("pk", "path", "numchild"))
    content = department_file(
        ["浦东组", "总公司/华东区/上海分公司", ""],  # its parent comes later
        ["上海分公司", "总公司/华东区", ""],
        ["上海分公司", "总公司/华东区", ""],  # the same department again
        ["华中区", "总公司/不存在", ""],
        ["华西/区", "总公司", ""],
        ["华北区", "总公司", "nobody"],
    )
    batch = check(admin_user, "departments", content)

    assert errors(batch) == [
        (
            2,
            "parent",
            "No department “总公司/华东区/上海分公司”: a parent must exist already or come "
            "earlier in the file.",
        ),
        (4, "", "This row repeats row 3 (same key)."),
        (
            5,
            "parent",
            "No department “总公司/不存在”: a parent must exist already or come earlier in the "
            "file.",
        ),
        (6, "name", "A department's name cannot contain “/”."),
        (7, "head", "No user with the username “nobody”."),
    ]
    with pytest.raises(DomainError):
        services.import_batch_apply_request(actor=admin_user, batch_id=batch.pk, skip_invalid=False)
    assert list(Department.objects.values_list("pk", "path", "numchild")) == before


def test_a_department_given_users_after_the_import_is_not_undone_and_it_says_why(
    admin_user, company
):
    batch = apply(
        admin_user, check(admin_user, "departments", department_file(["华南区", "总公司", ""]))
    )
    south = Department.objects.get(name="华南区")
    UserFactory(department=south)

    with pytest.raises(DomainError) as refused:
        services.import_batch_undo_request(actor=admin_user, batch_id=batch.pk)

    assert [b.reason for b in refused.value.blockers] == ["Other records now refer to it: users."]
    assert Department.objects.filter(pk=south.pk).exists()


def test_the_departments_export_reads_back_unchanged(admin_user, company):
    org.department_create(actor=admin_user, name="上海分公司", parent_id=company["华东区"].pk)
    _headers, _queryset, rows = services.kind_rows("departments", admin_user)
    rows = [[str(v) for v in row] for row in rows]
    assert [row[:2] for row in rows] == [
        ["总公司", ""],
        ["华东区", "总公司"],
        ["上海分公司", "总公司/华东区"],
    ]
    batch = check(admin_user, "departments", csv_bytes(["name", "parent", "name_en", "head"], rows))
    assert (batch.rows_unchanged, batch.rows_new, batch.rows_invalid) == (3, 0, 0)


def test_users_are_imported_with_role_department_and_supervisor_never_a_password(
    admin_user, company
):
    boss = UserFactory(username="boss", role="sales_manager")
    old = UserFactory(username="old", full_name="旧名")
    old_password = User.objects.get(pk=old.pk).password
    content = csv_bytes(
        USER_HEADERS,
        [
            [
                "newbie",
                "新人",
                "客户经理",
                "总公司/华东区",
                "boss",
                "newbie@example.com",
                "13800000000",
            ],
            ["old", "新名", "Account manager", "总公司", "boss", "", ""],
        ],
    )
    batch = apply(admin_user, check(admin_user, "users", content))
    assert (batch.status, batch.rows_new, batch.rows_updated) == (S.APPLIED, 1, 1), errors(batch)

    newbie = User.objects.get(username="newbie")
    assert newbie.role.code == "account_manager"
    assert newbie.department == company["华东区"]
    assert newbie.supervisor == boss
    assert newbie.phone == "13800000000"
    assert not newbie.has_usable_password()
    old = User.objects.get(pk=old.pk)
    assert (old.full_name, old.department.name, old.password) == ("新名", "总公司", old_password)

    assert undo(admin_user, batch).status == S.UNDONE
    assert not User.objects.filter(username="newbie").exists()
    assert User.objects.get(pk=old.pk).full_name == "旧名"


def test_bad_user_rows_are_told_row_by_row(admin_user, company):
    a = UserFactory(username="a")
    UserFactory(username="b", supervisor=a)
    UserFactory(username="root", is_superuser=True)
    content = csv_bytes(
        USER_HEADERS,
        [
            ["a", "", "", "", "b", ""],  # b reports to a: a loop
            ["c", "", "队长", "", "", ""],
            ["d", "", "", "总公司/不存在", "", ""],
            ["e", "", "", "", "nobody", ""],
            ["root", "改名", "", "", "", ""],
            [admin_user.username, "我自己", "", "", "", ""],
            ["f", "", "", "", "", "not-an-address"],
        ],
    )
    batch = check(admin_user, "users", content)
    assert errors(batch) == [
        (2, "supervisor", "This supervisor reports to the user: that would be a loop."),
        (3, "role", "No role “队长”."),
        (4, "department", "No department “总公司/不存在”: give its path, such as 总公司/华东区."),
        (5, "supervisor", "No user “nobody”: a supervisor must exist before the import."),
        (6, "", "A superuser cannot be changed by an import."),
        (7, "", "Your own account cannot be changed by an import."),
        (8, "email", "Enter a valid email address."),
    ]


def test_a_loop_made_across_two_rows_of_the_file_is_refused(admin_user):
    UserFactory(username="a")
    UserFactory(username="b")
    content = csv_bytes(USER_HEADERS, [["a", "", "", "", "b", ""], ["b", "", "", "", "a", ""]])
    batch = check(admin_user, "users", content)
    assert errors(batch) == [
        (3, "supervisor", "This supervisor reports to the user: that would be a loop.")
    ]


@pytest.mark.parametrize("kind", ["departments", "users"])
def test_an_import_costs_the_same_queries_for_5_and_25_rows(admin_user, company, kind):
    counts = []
    for size in (2, 5, 25):  # the first one warms the caches (content types, rights)
        if kind == "departments":
            rows = [[f"部门{size}-{n}", "总公司/华东区", ""] for n in range(size)]
            content = department_file(*rows)
        else:
            rows = [[f"u{size}x{n}", "", "客户经理", "总公司/华东区", "", ""] for n in range(size)]
            content = csv_bytes(USER_HEADERS, rows)
        with CaptureQueriesContext(connection) as queries:
            batch = apply(admin_user, check(admin_user, kind, content))
        assert batch.status == S.APPLIED, errors(batch)
        counts.append(len(queries.captured_queries))
    assert counts[1] == counts[2]
