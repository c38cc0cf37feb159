"""
The organization in the browser (issue 16): the system admin builds a small tree in the product
(华东区 → 上海分公司 → 销售一部, and 华北区), places the users, lets the sales manager role see
its customers by department only (unticks 查看所有客户, sets 本部门及下级部门 on the data-scope
page); the manager of 上海分公司 then signs in and sees exactly the customers of 上海分公司 and
销售一部, never 华北区's, on a desktop and at 390 px wide, and the pages pass the accessibility
check (axe-core, WCAG 2.2 AA; tests/accessibility.py).
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from apps.customers.models import Customer
from apps.rbac.models import Department, Role
from tests.accessibility import AXE, Audit
from tests.factories import CustomerFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"
SHANGHAI = {"上海分公司客户甲", "上海分公司客户乙"}
TEAM_ONE = {"销售一部客户丙"}
NORTH = {"华北区客户丁"}


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    expect(page.get_by_test_id("current-user")).to_be_visible()


def save(page):
    page.locator("main").get_by_role("button", name="保存").click()


def create_department(page, live_server, name, parent=None):
    page.goto(f"{live_server.url}{reverse('rbac:department-create')}")
    if parent:
        page.select_option("#id_parent", label=parent)
    page.fill("#id_name", name)
    save(page)
    expect(page.locator("main")).to_contain_text(name)


def place(page, live_server, user, department):
    page.goto(f"{live_server.url}{reverse('rbac:user-update', args=[user.pk])}")
    page.select_option("#id_department", label=department)
    save(page)
    expect(page).to_have_url(f"{live_server.url}{reverse('rbac:user-list')}")
    user.refresh_from_db()
    assert user.department.name == department


def listed_customers(page, live_server) -> tuple[set[str], int]:
    """The customer names on the list page as the user reads them, and the number of rows."""
    page.goto(f"{live_server.url}{reverse('customers:customer-list')}")
    rows = page.locator("[data-list-row]")
    names = SHANGHAI | TEAM_ONE | NORTH
    text = " ".join(rows.all_inner_texts())
    return {name for name in names if name in text}, rows.count()


def test_the_admin_builds_a_tree_and_a_branch_manager_sees_exactly_his_subtree(page, live_server):
    UserFactory(role="admin", username="e2e_admin", password=PASSWORD)
    boss = UserFactory(role="sales_manager", username="e2e_sh_manager", password=PASSWORD)
    people = {
        "上海分公司": UserFactory(role="account_manager", username="e2e_sh_am"),
        "销售一部": UserFactory(role="account_manager", username="e2e_team_am"),
        "华北区": UserFactory(role="account_manager", username="e2e_north_am"),
    }
    for name in sorted(SHANGHAI):
        CustomerFactory(manager=people["上海分公司"], name=name)
    CustomerFactory(manager=people["销售一部"], name=next(iter(TEAM_ONE)))
    CustomerFactory(manager=people["华北区"], name=next(iter(NORTH)))
    audit = Audit()
    page.context.add_init_script(path=str(AXE))

    # The system admin, in the product.
    log_in(page, live_server, "e2e_admin")
    create_department(page, live_server, "华东区")
    create_department(page, live_server, "上海分公司", parent="华东区")
    create_department(page, live_server, "销售一部", parent="上海分公司")
    create_department(page, live_server, "华北区")
    page.goto(f"{live_server.url}{reverse('rbac:department-list')}")
    audit.check(page, "admin: department list")
    place(page, live_server, boss, "上海分公司")
    for department, user in people.items():
        place(page, live_server, user, department)

    role = Role.objects.get(code="sales_manager")
    page.goto(f"{live_server.url}{reverse('rbac:role-rights', args=[role.pk])}")
    page.uncheck("#right-L020101")  # 查看所有客户: the scope decides instead
    # The page's last action unchecked unchecks the page (SPEC §3.6): the page is checked again.
    page.check("#right-L0201")
    save(page)
    assert set(role.rights.values_list("code", flat=True)) >= {"L02", "L0201"}
    assert not role.rights.filter(code="L020101").exists()
    page.goto(f"{live_server.url}{reverse('rbac:role-data-scopes', args=[role.pk])}")
    page.select_option("#id_customers", value="department_tree")
    expect(page.locator("#id_customers option:checked")).to_have_text("本部门及下级部门")
    audit.check(page, "admin: data scopes")
    save(page)
    page.goto(f"{live_server.url}{reverse('rbac:role-data-scopes', args=[role.pk])}")
    expect(page.locator("#id_customers option:checked")).to_have_text("本部门及下级部门")
    shanghai = Department.objects.get(name="上海分公司")
    assert Department.objects.get(name="销售一部").get_parent() == shanghai
    assert shanghai.get_parent() == Department.objects.get(name="华东区")
    page.context.clear_cookies()

    # The manager of 上海分公司, on a desktop.
    log_in(page, live_server, "e2e_sh_manager")
    shown, rows = listed_customers(page, live_server)
    assert shown == SHANGHAI | TEAM_ONE
    assert rows == 3
    expect(page.locator("main")).not_to_contain_text("华北区客户丁")
    audit.check(page, "manager: customer list (desktop)")
    north = Customer.objects.get(name="华北区客户丁")
    response = page.goto(
        f"{live_server.url}{reverse('customers:customer-detail', args=[north.pk])}"
    )
    assert response.status == 404
    page.goto(f"{live_server.url}{reverse('customers:customer-list')}?q=华北区客户")
    expect(page.locator("main")).not_to_contain_text("华北区客户丁")

    # And on a phone, 390 px wide.
    page.set_viewport_size({"width": 390, "height": 844})
    shown, rows = listed_customers(page, live_server)
    assert shown == SHANGHAI | TEAM_ONE
    assert rows == 3
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    audit.check(page, "manager: customer list (390 px)")

    assert not audit.findings, "\n".join(audit.findings)
