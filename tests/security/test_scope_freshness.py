"""
A change of the organization counts from the affected user's next request (issue 16: "no
cache serves the old scope"). The account manager stays signed in with one client; the system
admin changes, in another browser session and through the product's own pages, the role's data
scope, the manager's department, a colleague's department, a subordinate's supervisor, or
moves a department in the tree; the manager's very next request (list, record page, export,
badge) follows the change, in both directions.
"""

import pytest
from django.test import Client
from django.urls import reverse

from apps.rbac.models import Department, Role
from apps.rbac.services import org
from tests.factories import CustomerFactory, UserFactory
from tests.security.support import form_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(admin_user):
    """销售部 (the manager, a colleague) → 华东组 (a colleague); 服务部 (a colleague, a report)."""
    root = org.department_create(actor=admin_user, name="公司")
    sales = org.department_create(actor=admin_user, name="销售部", parent_id=root.pk)
    east = org.department_create(actor=admin_user, name="华东组", parent_id=sales.pk)
    service = org.department_create(actor=admin_user, name="服务部", parent_id=root.pk)
    me = UserFactory(role="account_manager", department=sales)
    people = {
        "colleague": UserFactory(role="account_manager", department=sales),
        "below": UserFactory(role="account_manager", department=east),
        "elsewhere": UserFactory(role="account_manager", department=service),
        "report": UserFactory(role="account_manager", department=service, supervisor=me),
    }
    customers = {
        name: CustomerFactory(manager=user, name=f"{name}的客户") for name, user in people.items()
    }
    manager = Client()
    manager.force_login(me)
    admin = Client()
    admin.force_login(admin_user)
    return {
        "me": me,
        "people": people,
        "customers": customers,
        "departments": {"sales": sales, "east": east, "service": service},
        "manager": manager,
        "admin": admin,
    }


def listed(world) -> set[str]:
    """The customers the manager's next request lists (their names as he reads them)."""
    page = world["manager"].get(reverse("customers:customer-list"))
    assert page.status_code == 200
    return {customer.name for customer in page.context["object_list"]}


def opens(world, name) -> int:
    return (
        world["manager"]
        .get(reverse("customers:customer-detail", args=[world["customers"][name].pk]))
        .status_code
    )


def admin_posts(world, url_name, pk, **changes):
    """The admin submits the page's own form with `changes`, as in the product."""
    admin = world["admin"]
    url = reverse(url_name, args=[pk])
    data = form_payload(admin.get(url).content.decode(), url)
    data.update({key: "" if value is None else str(value) for key, value in changes.items()})
    response = admin.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]


def set_scope(world, scope):
    role = Role.objects.get(code="account_manager")
    admin_posts(
        world, "rbac:role-data-scopes", role.pk, customers=scope, marketing=scope, service=scope
    )


def test_a_changed_data_scope_counts_from_the_next_request_both_ways(world):
    assert listed(world) == set()
    set_scope(world, "department_tree")
    assert listed(world) == {"colleague的客户", "below的客户"}
    assert opens(world, "below") == 200
    set_scope(world, "subordinates")
    assert listed(world) == {"report的客户"}
    assert opens(world, "below") == 404
    set_scope(world, "all")
    assert listed(world) == {"colleague的客户", "below的客户", "elsewhere的客户", "report的客户"}
    set_scope(world, "own")
    assert listed(world) == set()
    assert opens(world, "elsewhere") == 404


def test_the_managers_own_department_change_counts_from_his_next_request(world):
    set_scope(world, "department")
    assert listed(world) == {"colleague的客户"}
    admin_posts(
        world, "rbac:user-update", world["me"].pk, department=world["departments"]["service"].pk
    )
    assert listed(world) == {"elsewhere的客户", "report的客户"}
    assert opens(world, "colleague") == 404


def test_a_colleagues_department_change_counts_from_the_managers_next_request(world):
    set_scope(world, "department_tree")
    assert "below的客户" in listed(world)
    admin_posts(
        world,
        "rbac:user-update",
        world["people"]["below"].pk,
        department=world["departments"]["service"].pk,
    )
    assert listed(world) == {"colleague的客户"}
    admin_posts(
        world,
        "rbac:user-update",
        world["people"]["elsewhere"].pk,
        department=world["departments"]["east"].pk,
    )
    assert listed(world) == {"colleague的客户", "elsewhere的客户"}


def test_a_new_supervisor_counts_from_the_former_supervisors_next_request(world):
    set_scope(world, "subordinates")
    assert listed(world) == {"report的客户"}
    admin_posts(world, "rbac:user-update", world["people"]["report"].pk, supervisor=None)
    assert listed(world) == set()
    assert opens(world, "report") == 404
    admin_posts(
        world, "rbac:user-update", world["people"]["elsewhere"].pk, supervisor=world["me"].pk
    )
    assert listed(world) == {"elsewhere的客户"}


def test_a_moved_department_counts_from_the_next_request(world):
    set_scope(world, "department_tree")
    assert listed(world) == {"colleague的客户", "below的客户"}
    east, service = world["departments"]["east"], world["departments"]["service"]
    admin_posts(world, "rbac:department-move", east.pk, parent=service.pk)
    assert Department.objects.get(pk=east.pk).get_parent() == service
    assert listed(world) == {"colleague的客户"}
    assert opens(world, "below") == 404
