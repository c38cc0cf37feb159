"""
The benchmark data generator (bench.generate) on a tiny scale: the rows it writes are valid for
the models, cover every workflow state and role, and leave the app able to write afterwards.
"""

import pytest
from django.core.management import call_command
from django.db import connection

from apps.basedata.models import DictItem
from apps.customers.models import Activity, Churn, ChurnMeasure, Customer, Linkman, Order, OrderLine
from apps.marketing.models import SalesChance, SalesPlan
from apps.marketing.services.chances import (
    sales_chance_assign,
    sales_chance_create,
    sales_chance_mark_won,
)
from apps.marketing.services.plans import sales_plan_create
from apps.rbac.models import User
from apps.service.models import ServiceRound, ServiceTicket
from apps.service.services import ticket_assign, ticket_create, ticket_handle
from bench.generate import (
    HEAD_ROLE,
    HEAD_USER,
    PASSWORD,
    ensure_data,
    role_counts,
    sizes_for,
    users_loaded,
)

pytestmark = pytest.mark.django_db

SIZES = sizes_for(0.0005)  # 500 customers, 100 chances, 250 services, 50 churn records, …
MODELS = [
    Customer,
    Linkman,
    Activity,
    Order,
    OrderLine,
    SalesChance,
    SalesPlan,
    ServiceTicket,
    ServiceRound,
    Churn,
    ChurnMeasure,
]


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """
    The tiny data set, loaded (committed) once for this module as `python -m bench.generate
    --scale 0.0005` would; each test runs in a transaction rolled back after it. Afterwards
    the database is emptied as between transactional tests.
    """
    with django_db_blocker.unblock():
        yield ensure_data(connection.settings_dict["NAME"], SIZES, force=True)
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE bench_meta")
        call_command("flush", interactive=False, verbosity=0)


def bench_user(role: str, number: int = 1) -> User:
    return User.objects.get(username=users_loaded(connection.cursor())[role][number - 1])


def scalar(sql: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def test_every_table_holds_the_requested_number_of_rows(loaded):
    assert SIZES["customers"] == 500
    assert Customer.objects.count() == SIZES["customers"]
    assert Linkman.objects.count() == SIZES["linkmen"]
    assert Activity.objects.count() == SIZES["activities"]
    assert Order.objects.count() == SIZES["orders"]
    assert OrderLine.objects.count() == SIZES["lines"]
    assert SalesChance.objects.count() == SIZES["chances"]
    assert ServiceTicket.objects.count() == SIZES["services"]
    assert Churn.objects.count() == SIZES["churns"]
    # Plans belong to assigned chances only, rounds to tickets handled at least once.
    assert SalesPlan.objects.exists()
    assert not SalesPlan.objects.filter(chance__status=SalesChance.Status.UNASSIGNED).exists()
    assert ServiceRound.objects.exists()
    assert not ServiceRound.objects.filter(ticket__status=ServiceTicket.Status.CREATED).exists()
    assert ChurnMeasure.objects.exists()
    names = users_loaded(connection.cursor())
    expected = {**role_counts(SIZES["users"]), HEAD_ROLE: 1}
    assert {role: len(users) for role, users in names.items()} == expected
    for role, usernames in names.items():
        users = User.objects.filter(username__in=usernames, is_active=True)
        assert set(users.values_list("role__code", flat=True)) == {role}
    assert set(loaded) >= {"customers", "lines", "services", "vacuum_analyze", "total"}


def test_a_sample_of_every_table_passes_the_models_validation(loaded):
    for model in MODELS:
        sample = list(model.objects.order_by("?")[:25])
        assert sample, model
        for row in sample:
            row.full_clean()
    for user in User.objects.filter(username__startswith="bench_"):
        user.full_clean()
    names = [name for users in users_loaded(connection.cursor()).values() for name in users]
    assert User.objects.filter(username__in=names).values("password").distinct().count() == 1
    assert bench_user("account_manager").check_password(PASSWORD)


def test_every_workflow_state_appears(loaded):
    def states(model, field="status"):
        return set(model.objects.values_list(field, flat=True).distinct())

    assert states(Customer) == {"1", "2", "3"}
    assert states(SalesChance) == {1, 2, 3, 4}
    assert states(ServiceTicket) == {"created", "assigned", "handled", "archived"}
    assert states(Churn) == {1, 2, 3, 4}
    assert states(Order) == {"5", "6"}
    # Tickets that went round the loop: a second round, and rounds still awaiting feedback.
    assert ServiceRound.objects.filter(number=2).exists()
    assert ServiceRound.objects.filter(feedback_at__isnull=True).exists()
    assert ServiceRound.objects.filter(satisfaction__lt=3).exists()


def test_values_come_from_the_dictionary_and_names_vary(loaded):
    def values(dict_type):
        return set(DictItem.objects.filter(type=dict_type).values_list("value", flat=True))

    assert states_of(Customer, "region") <= values("地区")
    assert {str(v) for v in states_of(Customer, "level")} <= values("客户等级")
    assert states_of(ServiceTicket, "type") == values("服务类型")
    names = list(Customer.objects.values_list("name", flat=True))
    assert len(set(names)) > 0.95 * len(names)
    assert all(name.endswith("公司") for name in names)
    assert Customer.objects.filter(number__startswith="KB").count() == SIZES["customers"]


def states_of(model, field):
    return set(model.objects.values_list(field, flat=True).distinct())


def test_customers_belong_to_account_managers_and_work_is_assigned_to_them(loaded):
    assert not Customer.objects.exclude(manager__role__code="account_manager").exists()
    managers = Customer.objects.values("manager").distinct().count()
    assert managers == role_counts(SIZES["users"])["account_manager"]
    assigned = SalesChance.objects.filter(assignee__isnull=False)
    assert not assigned.exclude(assignee__role__code="account_manager").exists()
    tickets = ServiceTicket.objects.filter(assignee__isnull=False)
    assert tickets.exists()
    assert not tickets.exclude(assignee__role__code="account_manager").exists()


def test_dates_follow_the_workflow(loaded):
    checks = {
        "a ticket assigned before it came in": "SELECT count(*) FROM cst_service "
        "WHERE svr_due_date < created_at OR svr_deal_date < svr_due_date",
        "a round answered before it was handled": "SELECT count(*) FROM cst_service_round "
        "WHERE feedback_at < handled_at",
        "a chance assigned before it was created": "SELECT count(*) FROM sal_chance "
        "WHERE chc_due_date < created_at",
        "a plan item before its chance was assigned": "SELECT count(*) FROM sal_plan p "
        "JOIN sal_chance c ON c.id = p.pla_chc_id WHERE p.pla_date < c.chc_due_date::date",
        "an order before its customer existed": "SELECT count(*) FROM orders o "
        "JOIN cst_customer c ON c.id = o.odr_cust_id WHERE o.odr_date < c.created_at",
        "a churn confirmed before it was raised": "SELECT count(*) FROM cst_lost "
        "WHERE lst_lost_date < created_at::date OR recovered_date < created_at::date",
        "an event in the future": "SELECT count(*) FROM cst_service WHERE updated_at > now()",
        "a won chance without its customer": "SELECT count(*) FROM sal_chance WHERE "
        "chc_status = 3 AND chc_cust_name NOT IN (SELECT cust_name FROM cst_customer)",
    }
    assert {name: scalar(sql) for name, sql in checks.items()} == dict.fromkeys(checks, 0)


def test_the_app_still_creates_rows_after_the_load(loaded):
    manager, am = bench_user("sales_manager"), bench_user("account_manager")
    chance = sales_chance_create(
        actor=manager,
        source="展会",
        customer_name="北京新测试科技有限公司",
        title="采购10台电脑",
        rate=50,
        linkman="王伟",
        tel="13800000000",
        description="新机会",
    )
    assert chance.pk > SIZES["chances"]
    sales_chance_assign(actor=manager, chance_id=chance.pk, assignee=am)
    last_plan = scalar("SELECT max(id) FROM sal_plan")
    plan = sales_plan_create(
        actor=am, chance_id=chance.pk, date=chance.created_at.date(), todo="电话联系客户"
    )
    assert plan.pk > last_plan
    customer = sales_chance_mark_won(actor=am, chance_id=chance.pk)
    assert customer.pk > SIZES["customers"]
    assert customer.number.startswith("KH")
    assert customer.linkmen.get().pk > SIZES["linkmen"]
    ticket = ticket_create(
        actor=am,
        service_type="咨询",
        title="咨询保修政策",
        customer_id=customer.pk,
        request="客户来电咨询",
    )
    assert ticket.pk > SIZES["services"]
    ticket_assign(ticket_id=ticket.pk, assignee_id=am.pk, actor=manager)
    ticket_handle(ticket_id=ticket.pk, handling="已电话回复客户", actor=am)
    assert ticket.rounds.get().number == 1


def test_a_second_load_of_the_same_sizes_changes_nothing(loaded):
    manager = bench_user("sales_manager")
    marker = sales_chance_create(
        actor=manager,
        source="展会",
        customer_name="上海标记有限公司",
        title="标记",
        rate=10,
        description="检查重复加载",
    )
    again = ensure_data(connection.settings_dict["NAME"], SIZES)
    assert again == {key: round(value, 1) for key, value in loaded.items()}
    assert SalesChance.objects.filter(pk=marker.pk).exists()
    assert Customer.objects.count() == SIZES["customers"]


def test_the_users_work_in_20_departments_of_4_levels_with_supervisors(loaded):
    from apps.rbac.models import Department
    from apps.rbac.policies import customer_policy, data_scope_owner_ids

    tree = Department.objects.filter(path__startswith=Department.objects.get(depth=1).path)
    assert tree.count() == 20
    assert sorted(set(tree.values_list("depth", flat=True))) == [1, 2, 3, 4]
    bench_users = User.objects.filter(username__startswith="bench_", is_active=True)
    assert not bench_users.filter(department__isnull=True).exists()
    assert not bench_users.filter(role__code="account_manager", supervisor__isnull=True).exists()
    head = User.objects.get(username=HEAD_USER)
    subtree = Department.objects.filter(path__startswith=head.department.path)
    members = set(User.objects.filter(department__in=subtree).values_list("pk", flat=True))
    assert set(data_scope_owner_ids(head, "customers")) == members
    seen = customer_policy.scope(head, "view", Customer.objects.all())
    assert 0 < seen.count() < Customer.objects.count()
    assert not seen.exclude(manager__in=members).exists()
