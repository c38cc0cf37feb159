"""The organization: the department tree, supervisors, and data scopes applied by the policy."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from apps.customers.models import Customer
from apps.rbac.models import AuditEvent, DataScope, Department, Role
from apps.rbac.policies import customer_policy, service_ticket_policy
from apps.rbac.services import org, user_update
from crm.exceptions import DomainError
from tests.factories import CustomerFactory, UserFactory
from tests.service.factories import ServiceTicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english():
    """The messages below are read in English."""
    with translation.override("en"):
        yield


@pytest.fixture
def tree(admin_user):
    """公司 > 销售部 > 华东区 > 上海组, and 公司 > 服务部."""
    company = org.department_create(actor=admin_user, name="公司")
    sales = org.department_create(actor=admin_user, name="销售部", parent_id=company.pk)
    east = org.department_create(actor=admin_user, name="华东区", parent_id=sales.pk)
    shanghai = org.department_create(actor=admin_user, name="上海组", parent_id=east.pk)
    service = org.department_create(actor=admin_user, name="服务部", parent_id=company.pk)
    return {
        d.name: Department.objects.get(pk=d.pk) for d in [company, sales, east, shanghai, service]
    }


def test_departments_form_a_tree_of_any_depth(tree):
    assert [d.name for d in Department.objects.order_by("path")] == [
        "公司",
        "销售部",
        "华东区",
        "上海组",
        "服务部",
    ]
    assert tree["上海组"].depth == 4
    assert AuditEvent.objects.filter(action="rbac.department.create").count() == 5


def test_a_department_moves_with_everything_below_it(admin_user, tree):
    org.department_move(
        actor=admin_user, department_id=tree["华东区"].pk, parent_id=tree["服务部"].pk
    )

    shanghai = Department.objects.get(name="上海组")
    assert [a.name for a in Department.objects.get_ancestors(shanghai)] == [
        "公司",
        "服务部",
        "华东区",
    ]
    assert AuditEvent.objects.filter(action="rbac.department.move").exists()


@pytest.mark.parametrize("target", ["销售部", "上海组"])
def test_a_department_cannot_move_under_itself_or_its_own(admin_user, tree, target):
    paths = list(Department.objects.values_list("name", "path"))

    with pytest.raises(ValidationError) as refused:
        org.department_move(
            actor=admin_user, department_id=tree["销售部"].pk, parent_id=tree[target].pk
        )

    assert "cannot be moved under itself" in str(refused.value)
    assert list(Department.objects.values_list("name", "path")) == paths


def test_a_department_with_children_or_members_is_not_deleted_and_says_why(admin_user, tree):
    UserFactory(role="account_manager", department=tree["上海组"])

    with pytest.raises(DomainError, match="departments below it"):
        org.department_delete(actor=admin_user, department_id=tree["华东区"].pk)
    with pytest.raises(DomainError, match="still has 1 users"):
        org.department_delete(actor=admin_user, department_id=tree["上海组"].pk)
    org.department_delete(actor=admin_user, department_id=tree["服务部"].pk)

    assert set(Department.objects.values_list("name", flat=True)) == {
        "公司",
        "销售部",
        "华东区",
        "上海组",
    }


def test_only_the_admin_manages_departments(sales_manager, tree):
    with pytest.raises(PermissionDenied):
        org.department_create(actor=sales_manager, name="新部门")
    assert not Department.objects.filter(name="新部门").exists()


def test_a_supervisor_loop_is_refused_and_nothing_changes(admin_user):
    lead = UserFactory(role="account_manager")
    member = UserFactory(role="account_manager", supervisor=lead)
    junior = UserFactory(role="account_manager", supervisor=member)

    with pytest.raises(ValidationError, match="loop"):
        user_update(actor=admin_user, user_id=lead.pk, supervisor=junior)
    with pytest.raises(ValidationError, match="own supervisor"):
        user_update(actor=admin_user, user_id=lead.pk, supervisor=lead)

    lead.refresh_from_db()
    assert lead.supervisor is None


# --- data scopes -------------------------------------------------------------------------


@pytest.fixture
def people(tree):
    """An account manager in 销售部 with a subordinate chain, and colleagues around him."""
    me = UserFactory(role="account_manager", department=tree["销售部"])
    report = UserFactory(role="account_manager", department=tree["华东区"], supervisor=me)
    return {
        "me": me,
        "subordinate": report,
        "indirect subordinate": UserFactory(
            role="account_manager", department=tree["服务部"], supervisor=report
        ),
        "same department": UserFactory(role="account_manager", department=tree["销售部"]),
        "child department": UserFactory(role="account_manager", department=tree["上海组"]),
        "other department": UserFactory(role="account_manager", department=tree["服务部"]),
    }


def set_scope(admin, module, scope):
    role = Role.objects.get(code="account_manager")
    org.role_set_data_scopes(actor=admin, role_id=role.pk, scopes={module: scope})


EVERYONE = {
    "me",
    "subordinate",
    "indirect subordinate",
    "same department",
    "child department",
    "other department",
}


@pytest.mark.parametrize(
    ("scope", "visible"),
    [
        ("own", {"me"}),
        ("subordinates", {"me", "subordinate", "indirect subordinate"}),
        ("department", {"me", "same department"}),
        ("department_tree", {"me", "same department", "subordinate", "child department"}),
        ("all", EVERYONE),
    ],
)
def test_the_data_scope_decides_whose_customers_an_account_manager_reaches(
    admin_user, people, scope, visible
):
    customers = {name: CustomerFactory(manager=user, name=name) for name, user in people.items()}
    set_scope(admin_user, DataScope.Module.CUSTOMERS, scope)
    me = type(people["me"]).objects.get(pk=people["me"].pk)  # a new request's user

    scoped = set(
        customer_policy.scope(me, "view", Customer.objects.all()).values_list("name", flat=True)
    )
    decided = {name for name, row in customers.items() if customer_policy.can(me, "view", row)}

    assert scoped == decided == visible


def test_personal_duties_stay_personal_whatever_the_scope(admin_user, people):
    set_scope(admin_user, DataScope.Module.SERVICE, DataScope.Scope.ALL)
    me = type(people["me"]).objects.get(pk=people["me"].pk)
    theirs = ServiceTicketFactory(assignee=people["subordinate"], status="assigned")

    assert service_ticket_policy.can(me, "view", theirs)
    assert not service_ticket_policy.can(me, "handle", theirs)


def test_a_changed_scope_counts_from_the_users_next_request(client, admin_user, people):
    client.force_login(people["me"])
    CustomerFactory(manager=people["same department"], name="同部门客户")

    def listed():
        page = client.get(reverse("customers:customer-list"))
        return {customer.name for customer in page.context["object_list"]}

    assert "同部门客户" not in listed()

    set_scope(admin_user, DataScope.Module.CUSTOMERS, DataScope.Scope.DEPARTMENT)

    assert "同部门客户" in listed()


def test_a_role_without_scopes_costs_no_query_for_them(django_assert_num_queries, people):
    me = type(people["me"]).objects.get(pk=people["me"].pk)
    me.get_all_permissions()

    with django_assert_num_queries(0):
        customer_policy.owner_ids(me, "view")


# --- the pages refuse bad input and change nothing -------------------------------------------


def test_a_department_without_a_name_is_refused_on_the_form(client_as):
    client = client_as("admin")

    response = client.post(
        reverse("rbac:department-create"), {"name": "", "submit_token": uuid.uuid4()}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert not Department.objects.exists()


def test_an_unknown_data_scope_is_refused_on_the_form(client_as):
    role = Role.objects.get(code="account_manager")
    client = client_as("admin")

    response = client.post(
        reverse("rbac:role-data-scopes", args=[role.pk]),
        {"customers": "everything", "marketing": "own", "service": "own"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["customers"]
    assert not DataScope.objects.filter(role=role).exists()
