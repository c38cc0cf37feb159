import datetime
import uuid

import pytest
from django.urls import reverse

from apps.customers.models import Customer, Linkman
from apps.demo.reference import reference_data_load
from apps.rbac.models import AuditEvent
from tests.customers.factories import (
    ActivityFactory,
    LinkmanFactory,
    OrderFactory,
    OrderLineFactory,
)
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def dictionary():
    reference_data_load()


@pytest.fixture
def am_client(client_as):
    return client_as("account_manager")


def edit_form(customer, **overrides):
    data = {
        "name": customer.name,
        "region": "北京",
        "manager": customer.manager_id,
        "level": 2,
        "satisfaction": 4,
        "credit": "",
        "address": "北京市朝阳区",
        "zip": "100020",
        "tel": "010-88886661",
        "fax": "010-88886662",
        "website": "example.cn",
        "chieftain": "王总",
        "bank": "工商银行",
        "bank_account": "6222",
        "licence_no": "",
        "bankroll": 100,
        "turnover": 500,
        "local_tax_no": "",
        "national_tax_no": "",
        "loaded_at": customer.updated_at.isoformat(),
    }
    return {**data, **overrides}


def listed_numbers(response):
    return {c.number for c in response.context["object_list"]}


def test_account_manager_lists_only_his_customers(am_client):
    mine = CustomerFactory(manager=am_client.user)
    CustomerFactory()

    response = am_client.get(reverse("customers:customer-list"))

    assert listed_numbers(response) == {mine.number}


def test_sales_manager_lists_every_customer_but_cannot_edit(client_as):
    client = client_as("sales_manager")
    customers = CustomerFactory.create_batch(2)

    response = client.get(reverse("customers:customer-list"))

    assert listed_numbers(response) == {c.number for c in customers}
    assert not any(row.allowed["change"] for row in response.context["object_list"])
    assert (
        reverse("customers:customer-update", args=[customers[0].pk])
        not in response.content.decode()
    )
    assert (
        client.get(reverse("customers:customer-update", args=[customers[0].pk])).status_code == 403
    )


def test_deleted_customers_are_not_listed(am_client):
    CustomerFactory(manager=am_client.user, status=Customer.Status.DELETED)

    assert not listed_numbers(am_client.get(reverse("customers:customer-list")))


def test_list_filters_by_name_contains(am_client):
    CustomerFactory(manager=am_client.user, name="北京华信科技有限公司")
    CustomerFactory(manager=am_client.user, name="上海远大贸易有限公司")

    response = am_client.get(reverse("customers:customer-list"), {"name": "华信"})

    assert [c.name for c in response.context["object_list"]] == ["北京华信科技有限公司"]


def test_export_contains_only_the_users_customers(am_client):
    CustomerFactory(manager=am_client.user, name="我的客户")
    CustomerFactory(name="别人的客户")

    response = am_client.get(reverse("customers:customer-list"), {"export": "csv"})

    body = response.content.decode("utf-8-sig")
    assert "我的客户" in body
    assert "别人的客户" not in body


def test_list_query_count_does_not_grow_with_rows(am_client, django_assert_max_num_queries):
    CustomerFactory.create_batch(3, manager=am_client.user)
    url = reverse("customers:customer-list")
    am_client.get(url)
    with django_assert_max_num_queries(30) as few:
        am_client.get(url)
    CustomerFactory.create_batch(7, manager=am_client.user)

    with django_assert_max_num_queries(len(few.captured_queries)):
        am_client.get(url)


def test_account_manager_edits_his_customer_and_the_change_is_audited(am_client):
    customer = CustomerFactory(manager=am_client.user)

    response = am_client.post(
        reverse("customers:customer-update", args=[customer.pk]),
        edit_form(customer, name="新名称", number="KH00000000999"),
    )

    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.name, customer.level, customer.credit) == ("新名称", 2, None)
    assert customer.number.startswith("KH2026")  # never editable
    event = AuditEvent.objects.get(action="customers.customer.update")
    assert event.changes["name"][1] == "新名称"


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", ""), ("level", 9), ("zip", "1" * 11), ("bankroll", -1), ("region", "火星")],
)
def test_bad_input_is_refused_and_nothing_changes(am_client, field, value):
    customer = CustomerFactory(manager=am_client.user, name="原名")

    response = am_client.post(
        reverse("customers:customer-update", args=[customer.pk]),
        edit_form(customer, **{field: value}),
    )

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    customer.refresh_from_db()
    assert customer.name == "原名"
    assert not AuditEvent.objects.exists()


def test_a_stale_form_does_not_overwrite_a_newer_save(am_client):
    customer = CustomerFactory(manager=am_client.user, name="原名")
    stale = edit_form(customer, name="第二个人的修改")
    am_client.post(
        reverse("customers:customer-update", args=[customer.pk]),
        edit_form(customer, name="第一个人的修改"),
    )

    response = am_client.post(reverse("customers:customer-update", args=[customer.pk]), stale)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    customer.refresh_from_db()
    assert customer.name == "第一个人的修改"


def test_another_managers_customer_is_404_for_every_page(am_client):
    other = CustomerFactory()
    for name in (
        "customer-detail",
        "customer-update",
        "customer-delete",
        "linkman-list",
        "linkman-create",
        "order-list",
    ):
        assert am_client.get(reverse(f"customers:{name}", args=[other.pk])).status_code == 404
    response = am_client.post(
        reverse("customers:customer-update", args=[other.pk]), edit_form(other, name="x")
    )
    assert response.status_code == 404
    assert Customer.objects.get(pk=other.pk).name != "x"


def test_delete_is_logical_and_audited(am_client):
    customer = CustomerFactory(manager=am_client.user)

    am_client.post(reverse("customers:customer-delete", args=[customer.pk]))

    customer.refresh_from_db()
    assert customer.status == Customer.Status.DELETED
    event = AuditEvent.objects.get(action="customers.customer.delete")
    assert (event.from_status, event.to_status) == ("1", "3")
    assert am_client.get(customer.get_absolute_url()).status_code == 404


def test_linkman_add_edit_delete(am_client):
    customer = CustomerFactory(manager=am_client.user)
    form = {
        "name": "周敏",
        "sex": "女",
        "position": "采购经理",
        "tel": "0571-1",
        "mobile": "",
        "memo": "",
        "submit_token": uuid.uuid4(),
    }

    am_client.post(reverse("customers:linkman-create", args=[customer.pk]), form)
    linkman = Linkman.objects.get(customer=customer)
    am_client.post(
        reverse("customers:linkman-update", args=[linkman.pk]), {**form, "position": "总经理"}
    )
    linkman.refresh_from_db()
    assert linkman.position == "总经理"
    am_client.post(reverse("customers:linkman-delete", args=[linkman.pk]))

    assert not Linkman.objects.exists()
    assert [e.action for e in AuditEvent.objects.order_by("pk")] == [
        "customers.linkman.create",
        "customers.linkman.update",
        "customers.linkman.delete",
    ]


def test_linkman_without_office_phone_is_refused(am_client):
    customer = CustomerFactory(manager=am_client.user)

    response = am_client.post(
        reverse("customers:linkman-create", args=[customer.pk]),
        {"name": "周敏", "sex": "女", "position": "经理", "tel": "", "submit_token": uuid.uuid4()},
    )

    assert response.context["form"].errors["tel"]
    assert not Linkman.objects.exists()


def test_activity_with_a_bad_date_is_refused(am_client):
    customer = CustomerFactory(manager=am_client.user)

    response = am_client.post(
        reverse("customers:activity-create", args=[customer.pk]),
        {"date": "2026-13-45", "place": "杭州", "title": "拜访", "submit_token": uuid.uuid4()},
    )

    assert response.context["form"].errors["date"]
    assert not customer.activities.exists()


def test_sales_manager_cannot_add_linkmen(client_as):
    customer = CustomerFactory()

    response = client_as("sales_manager").post(
        reverse("customers:linkman-create", args=[customer.pk]), {"name": "x", "tel": "1"}
    )

    assert response.status_code == 403
    assert not Linkman.objects.exists()


def test_order_detail_shows_lines_and_the_total_from_sql(am_client):
    order = OrderFactory(customer=CustomerFactory(manager=am_client.user))
    OrderLineFactory(order=order, count=2, price=10800)
    OrderLineFactory(order=order, count=1, price="7500.50")

    response = am_client.get(reverse("customers:order-detail", args=[order.pk]))

    assert response.context["order"].total == 29100.50
    assert [line.line_amount for line in response.context["lines"]] == [21600, 7500.50]


def test_customer_page_brings_it_together(am_client):
    customer = CustomerFactory(manager=am_client.user)
    LinkmanFactory(customer=customer, name="周敏")
    ActivityFactory(customer=customer, title="年度回访")
    OrderLineFactory(order=OrderFactory(customer=customer), count=3, price=100)

    response = am_client.get(customer.get_absolute_url())

    html = response.content.decode()
    assert "周敏" in html
    assert "年度回访" in html
    assert response.context["lifetime_total"] == 300


def test_account_manager_choices_are_active_account_managers_only(am_client):
    UserFactory(role="account_manager", is_active=False, username="gone")
    UserFactory(role="sales_manager", username="boss")
    customer = CustomerFactory(manager=am_client.user)

    response = am_client.get(reverse("customers:customer-update", args=[customer.pk]))

    names = {u.username for u in response.context["form"].fields["manager"].queryset}
    assert "gone" not in names
    assert "boss" not in names
    assert am_client.user.username in names


def test_activity_dates_are_kept_to_the_minute(am_client):
    customer = CustomerFactory(manager=am_client.user)

    am_client.post(
        reverse("customers:activity-create", args=[customer.pk]),
        {
            "date": "2026-11-20T09:30",
            "place": "杭州",
            "title": "拜访",
            "submit_token": uuid.uuid4(),
        },
    )

    activity = customer.activities.get()
    assert activity.date.astimezone(datetime.UTC).hour == 1  # 09:30 Asia/Shanghai


def test_a_double_submitted_create_form_creates_one_linkman(am_client):
    customer = CustomerFactory(manager=am_client.user)
    form = {
        "name": "周敏",
        "sex": "女",
        "position": "经理",
        "tel": "0571-1",
        "submit_token": "6f1c3c52-5c1b-4c55-9d35-0c1f6f0e9a11",
    }
    url = reverse("customers:linkman-create", args=[customer.pk])

    first = am_client.post(url, form)
    second = am_client.post(url, form)

    assert (first.status_code, second.status_code) == (302, 302)
    assert Linkman.objects.filter(customer=customer).count() == 1


def test_customer_page_lists_the_customers_services(am_client):
    from tests.service.factories import ServiceTicketFactory

    customer = CustomerFactory(manager=am_client.user)
    ticket = ServiceTicketFactory(customer=customer, title="打印机无法联网")

    html = am_client.get(customer.get_absolute_url()).content.decode()

    assert f'data-testid="customer-service-{ticket.pk}"' in html
    assert "打印机无法联网" in html
