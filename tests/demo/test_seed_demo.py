"""seed_demo and load_reference_data: every workflow state present, idempotent, deterministic."""

import re
from datetime import date
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.utils import timezone

from apps.basedata.models import DictItem
from apps.customers.models import Churn, Customer, Linkman, OrderLine
from apps.customers.services import churn_scan
from apps.demo.generator import (
    DEMO_PASSWORD,
    DEMO_USERS,
    customer_plans_build,
    demo_context,
    demo_users_ensure,
)
from apps.marketing.models import SalesChance
from apps.notifications.models import Notification
from apps.notifications.selectors import notification_unread_count
from apps.rbac import roles
from apps.rbac.menu import menu_for_user
from apps.rbac.models import AuditEvent, User
from apps.service.models import ServiceTicket
from crm import hooks

pytestmark = pytest.mark.django_db

SPEC_DICTIONARY_TYPES = {
    DictItem.LEVEL,
    DictItem.SATISFACTION,
    DictItem.CREDIT,
    DictItem.SERVICE_TYPE,
    DictItem.REGION,
    DictItem.CHURN_STATUS,
    DictItem.CHANCE_STATUS,
    DictItem.CUSTOMER_STATUS,
    DictItem.SERVICE_STATUS,
    DictItem.ORDER_STATUS,
}


def seed(customers=30, **options):
    out = StringIO()
    call_command("seed_demo", customers=customers, stdout=out, **options)
    return out.getvalue()


def row_counts():
    """Rows per table of every model with a table of its own, m2m tables included."""
    models = apps.get_models(include_auto_created=True)
    return {
        m._meta.db_table: m.objects.count() for m in models if m._meta.managed and not m._meta.proxy
    }


def test_seed_demo_creates_the_demo_users_with_their_roles():
    seed()

    users = {u.username: u for u in User.objects.select_related("role")}
    assert {name: users[name].role.code for name in ("admin", "manager", "am1", "am4", "exec")} == {
        "admin": roles.ADMIN,
        "manager": roles.SALES_MANAGER,
        "am1": roles.ACCOUNT_MANAGER,
        "am4": roles.ACCOUNT_MANAGER,
        "exec": roles.EXECUTIVE,
    }
    assert all(users[name].full_name for name in ("admin", "manager", "am1", "exec"))
    assert users["am2"].check_password(DEMO_PASSWORD)


def test_seed_demo_leaves_an_existing_user_unchanged():
    User.objects.create_user("manager", password="someone-elses-secret", full_name="Existing")

    seed()

    manager = User.objects.get(username="manager")
    assert (manager.full_name, manager.role) == ("Existing", None)
    assert manager.check_password("someone-elses-secret")


def test_seed_demo_creates_sales_chances_in_every_state():
    seed()

    assert set(SalesChance.objects.values_list("status", flat=True)) == {1, 2, 3, 4}
    assert not SalesChance.objects.filter(status=1, assignee__isnull=False).exists()
    assert set(
        SalesChance.objects.filter(status__gte=2).values_list("assignee__role__code", flat=True)
    ) == {roles.ACCOUNT_MANAGER}
    assert SalesChance.objects.filter(status=2, plans__isnull=False).exists()


def test_seed_demo_names_each_won_chance_after_a_customer_of_its_assignee():
    seed()

    won = SalesChance.objects.filter(status=SalesChance.Status.WON)
    assert all(
        Customer.objects.filter(name=c.customer_name, manager=c.assignee).exists() for c in won
    )


def test_seed_demo_creates_services_in_every_status_and_type():
    seed()

    tickets = ServiceTicket.objects.all()
    assert {"created", "assigned", "handled", "archived"} <= {t.status for t in tickets}
    assert {t.type for t in tickets} == {"咨询", "建议", "投诉"}
    assert not tickets.filter(status="created", assignee__isnull=False).exists()
    assert not tickets.filter(status="handled", handling="").exists()
    assert not tickets.filter(status="archived", satisfaction__lt=3).exists()
    assert not tickets.filter(status="archived", result="").exists()


def test_seed_demo_creates_churn_records_in_every_state():
    seed()

    assert set(Churn.objects.values_list("status", flat=True)) == {1, 2, 3, 4}
    assert not Churn.objects.filter(status=2, measures__isnull=True).exists()
    confirmed = Churn.objects.filter(status=3).select_related("customer")
    assert all(
        c.customer.status == Customer.Status.LOST and c.lost_date and c.reason for c in confirmed
    )


def test_seed_demo_numbers_customers_by_creation_day():
    seed()

    for customer in Customer.objects.all():
        day = timezone.localtime(customer.created_at).strftime("%Y%m%d")
        assert re.fullmatch(rf"KH{day}\d{{3,}}", customer.number)


def test_seed_demo_prices_order_lines_at_the_product_price():
    seed()

    lines = OrderLine.objects.select_related("product")
    assert lines.exists()
    assert all(line.price == line.product.price for line in lines)


def test_seed_demo_writes_no_audit_events():
    seed()

    assert not AuditEvent.objects.exists()


def test_seed_demo_twice_leaves_every_table_unchanged():
    seed()
    before = row_counts()

    output = seed()

    assert row_counts() == before
    assert "already has 30 customers" in output


def test_seed_demo_prints_every_demo_login():
    output = seed()

    assert all(f" {user.username} " in output for user in DEMO_USERS)
    assert DEMO_PASSWORD in output


def test_seed_demo_refuses_fewer_customers_than_the_workflows_need():
    with pytest.raises(CommandError):
        seed(customers=3)


def test_customer_plans_are_the_same_for_the_same_seed_and_day():
    call_command("load_reference_data", stdout=StringIO())
    staff, _ = demo_users_ensure()

    def plan(seed_value):
        ctx = demo_context(seed=seed_value, today=date(2026, 3, 1), staff=staff)
        return [
            (p.customer.number, p.customer.name, p.order_days)
            for p in customer_plans_build(ctx, count=20)
        ]

    assert plan(7) == plan(7)
    assert plan(7) != plan(8)


def test_reference_data_has_every_dictionary_type_of_the_spec():
    call_command("load_reference_data", stdout=StringIO())

    assert set(DictItem.objects.values_list("type", flat=True)) == SPEC_DICTIONARY_TYPES
    assert not DictItem.objects.filter(item_en="").exists()
    assert DictItem.objects.choices(DictItem.CHURN_STATUS)[-1] == ("4", "挽回")
    assert set(
        DictItem.objects.of_type(DictItem.SERVICE_STATUS).values_list("value", flat=True)
    ) == set(ServiceTicket.Status.values)


def test_load_reference_data_twice_writes_nothing():
    call_command("load_reference_data", stdout=StringIO())
    before = row_counts()
    out = StringIO()

    call_command("load_reference_data", stdout=out)

    assert row_counts() == before
    assert out.getvalue().count("0 created, 0 updated") == 3


def test_load_reference_data_keeps_the_admins_edit_of_an_editable_entry():
    call_command("load_reference_data", stdout=StringIO())
    DictItem.objects.filter(type=DictItem.SERVICE_TYPE, value="咨询").update(item="业务咨询")

    call_command("load_reference_data", stdout=StringIO())

    assert DictItem.objects.get(type=DictItem.SERVICE_TYPE, value="咨询").item == "业务咨询"


def demo_account_managers():
    return list(User.objects.filter(username__in=["am1", "am2", "am3", "am4"]))


def test_the_first_churn_scan_of_a_fresh_install_warns_and_rings_every_account_managers_bell():
    seed()

    run = churn_scan()

    assert run.warned >= 4
    for manager in demo_account_managers():
        assert notification_unread_count(user=manager) == 1
        assert Notification.objects.get(recipient=manager).link


BADGE_PAGES_OF_ACCOUNT_MANAGERS = {"L0102", "L0202", "L0303", "L0304"}  # plans, churn, service


def test_every_demo_account_manager_has_work_waiting_in_every_badge():
    seed()

    for manager in demo_account_managers():
        pages = {page.code: page for folder in menu_for_user(manager) for page in folder.children}
        with_badges = {code for code in pages if code in hooks.registry("menu.badge")}
        # Assigning chances (L0101) and services (L0302) is the sales manager's work.
        assert with_badges - {"L0101", "L0302"} == BADGE_PAGES_OF_ACCOUNT_MANAGERS
        assert {code: bool(pages[code].badge) for code in BADGE_PAGES_OF_ACCOUNT_MANAGERS} == (
            dict.fromkeys(BADGE_PAGES_OF_ACCOUNT_MANAGERS, True)
        ), manager.username
    manager = User.objects.get(username="manager")
    pages = {page.code: page for folder in menu_for_user(manager) for page in folder.children}
    assert pages["L0101"].badge
    assert pages["L0302"].badge


def test_demo_customers_and_linkmen_pass_the_format_checks():
    """Postcodes, phone and fax numbers, websites as SPEC §7 wants them (crm.validators)."""
    seed()

    for row in [*Customer.objects.all(), *Linkman.objects.all()]:
        row.full_clean(validate_unique=False, validate_constraints=False)


def test_seed_demo_places_the_demo_users_in_a_company_of_four_levels():
    seed()
    seed()

    from apps.rbac.models import Department

    users = {u.username: u for u in User.objects.select_related("department", "supervisor")}
    assert Department.objects.count() == 8
    assert max(Department.objects.values_list("depth", flat=True)) == 4
    assert users["am2"].department.name == users["am1"].department.name == "上海销售组"
    assert (users["am2"].supervisor, users["am1"].supervisor) == (users["am1"], users["manager"])
    assert all(users[name].department_id for name in ["admin", "manager", "exec", "am3", "am4"])
