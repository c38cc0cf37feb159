"""
What the frame keeps between requests (issue 17: crm.memo, per access version) never outlives a
change: the version moves in the transaction of every write to roles, rights, data scopes,
departments, users and the dictionary (triggers), and the next request computes afresh. Each
test opens a page first, so that the memos hold the old answer, then changes the data as the
system admin does, and checks the user's very next request.
"""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.basedata.models import DictItem
from apps.rbac.models import AccessVersion, DataScope, Department, Role
from apps.rbac.services import org
from apps.rbac.services.roles import role_set_rights
from apps.rbac.services.users import user_update
from crm.memo import Memo
from tests.factories import CustomerFactory, DictItemFactory, UserFactory

pytestmark = pytest.mark.django_db

CUSTOMERS = reverse("customers:customer-list")


def menu_codes(response) -> set[str]:
    return {page.code for folder in response.context["menu"] for page in folder.children}


def test_a_revoked_right_is_refused_and_gone_from_the_menu_at_the_next_request(client, admin_user):
    client.force_login(UserFactory(role="account_manager"))
    first = client.get(CUSTOMERS)
    assert first.status_code == 200
    assert "L0201" in menu_codes(first)
    role = Role.objects.get(code="account_manager")
    codes = role.rights.values_list("code", flat=True)
    kept = {code for code in codes if not code.startswith("L0201")}  # the page and its actions

    role_set_rights(actor=admin_user, role_id=role.pk, right_codes=kept)

    assert client.get(CUSTOMERS).status_code == 403
    assert "L0201" not in menu_codes(client.get(reverse("home")))


def test_a_granted_right_counts_at_the_next_request(client, admin_user):
    client.force_login(UserFactory(role="executive"))
    assert client.get(CUSTOMERS).status_code == 403
    role = Role.objects.get(code="executive")
    codes = set(role.rights.values_list("code", flat=True)) | {"L0201"}

    role_set_rights(actor=admin_user, role_id=role.pk, right_codes=codes)

    response = client.get(CUSTOMERS)
    assert response.status_code == 200
    assert "L0201" in menu_codes(response)


def test_a_new_role_counts_at_the_users_next_request(client, admin_user):
    user = UserFactory(role="account_manager")
    client.force_login(user)
    assert client.get(reverse("rbac:user-list")).status_code == 403

    user_update(actor=admin_user, user_id=user.pk, role=Role.objects.get(code="admin"))

    assert client.get(reverse("rbac:user-list")).status_code == 200


def test_a_disabled_role_loses_its_rights_at_the_next_request(client, admin_user):
    client.force_login(UserFactory(role="account_manager"))
    assert client.get(CUSTOMERS).status_code == 200

    Role.objects.filter(code="account_manager").update(is_active=False)

    assert client.get(CUSTOMERS).status_code == 403


def test_a_move_to_another_department_changes_the_rows_at_the_next_request(client, admin_user):
    company = org.department_create(actor=admin_user, name="公司")
    east = org.department_create(actor=admin_user, name="华东", parent_id=company.pk)
    west = org.department_create(actor=admin_user, name="华西", parent_id=company.pk)
    role = Role.objects.get(code="account_manager")
    org.role_set_data_scopes(
        actor=admin_user, role_id=role.pk, scopes={"customers": DataScope.Scope.DEPARTMENT}
    )
    me = UserFactory(role="account_manager", department=Department.objects.get(pk=east.pk))
    CustomerFactory(name="华东客户", manager=UserFactory(role="account_manager", department=east))
    CustomerFactory(name="华西客户", manager=UserFactory(role="account_manager", department=west))
    client.force_login(me)

    def listed():
        return {c.name for c in client.get(CUSTOMERS).context["object_list"]}

    assert listed() == {"华东客户"}

    user_update(actor=admin_user, user_id=me.pk, department=Department.objects.get(pk=west.pk))

    assert listed() == {"华西客户"}


def test_a_colleague_leaving_the_department_takes_his_rows_at_the_next_request(client, admin_user):
    sales = org.department_create(actor=admin_user, name="销售部")
    other = org.department_create(actor=admin_user, name="服务部")
    role = Role.objects.get(code="account_manager")
    org.role_set_data_scopes(
        actor=admin_user, role_id=role.pk, scopes={"customers": DataScope.Scope.DEPARTMENT}
    )
    me = UserFactory(role="account_manager", department=sales)
    colleague = UserFactory(role="account_manager", department=sales)
    CustomerFactory(name="同事的客户", manager=colleague)
    client.force_login(me)
    assert "同事的客户" in client.get(CUSTOMERS).content.decode()

    user_update(actor=admin_user, user_id=colleague.pk, department=other)

    assert "同事的客户" not in client.get(CUSTOMERS).content.decode()


def test_a_renamed_dictionary_value_shows_at_the_next_request(client):
    region = DictItemFactory(type=DictItem.REGION, item="华北", value="华北")
    client.force_login(UserFactory(role="sales_manager"))
    assert "华北" in client.get(CUSTOMERS).content.decode()

    DictItem.objects.filter(pk=region.pk).update(item="华北大区")

    assert "华北大区" in client.get(CUSTOMERS).content.decode()


def test_a_page_reads_no_role_right_menu_or_dictionary_while_nothing_changed(client):
    client.force_login(UserFactory(role="sales_manager"))
    client.get(CUSTOMERS)
    with CaptureQueriesContext(connection) as queries:
        client.get(CUSTOMERS)
    tables = " ".join(query["sql"] for query in queries.captured_queries)
    for table in ("sys_right", "sys_role_right", "sys_data_scope", "bas_dict"):
        assert f'"{table}"' not in tables


def test_the_version_moves_with_each_write_to_what_decides_access(admin_user):
    def version():
        return AccessVersion.objects.get(pk=1).value

    before = version()
    UserFactory(role="account_manager")
    after_user = version()
    DictItemFactory(type=DictItem.REGION, item="东北", value="东北")
    after_dict = version()
    org.department_create(actor=admin_user, name="新部门")

    assert before < after_user < after_dict < version()


def test_a_login_moves_no_version():
    user = UserFactory(role="account_manager")
    before = AccessVersion.objects.get(pk=1).value
    from django.contrib.auth.models import update_last_login

    update_last_login(None, user)
    assert AccessVersion.objects.get(pk=1).value == before


def test_nothing_is_kept_from_inside_a_transaction():
    memo, computed = Memo("test.memo"), []

    def compute():
        computed.append(1)
        return len(computed)

    with transaction.atomic():  # a write's transaction: it may still roll back
        assert memo.get("key", compute, version=1) == 1
    assert memo.get("key", compute, version=1) == 2  # computed again, and now kept
    assert memo.get("key", compute, version=1) == 2
    assert memo.get("key", compute, version=2) == 3  # a new version: computed afresh
    assert memo.get("key", compute, version=None) == 4  # no version: never kept
    assert memo.get("key", compute, version=None) == 5
