"""Sales chance screens: rows, buttons per row, bad input on the page, exports, assign."""

import csv
import io
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.marketing.models import SalesChance
from tests.factories import UserFactory
from tests.marketing.factories import SalesChanceFactory
from tests.marketing.pages import EN, shown

pytestmark = pytest.mark.django_db
S = SalesChance.Status

NEW = {
    "source": "展会",
    "customer_name": "杭州新远科技有限公司",
    "rate": "60",
    "title": "采购 20 台笔记本电脑",
    "linkman": "周敏",
    "tel": "13800000000",
    "description": "客户计划下季度更换办公电脑。",
}


# chance list -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["sales_manager", "account_manager"])
def test_chance_list_shows_only_unassigned_chances(client_as, role):
    client = client_as(role)
    unassigned = SalesChanceFactory()
    SalesChanceFactory(developing=True)
    SalesChanceFactory(won=True)

    response = client.get(reverse("marketing:chance-list"))

    assert shown(response, "chance-row") == {unassigned.pk}


@pytest.mark.parametrize(
    ("query", "expected"),
    [({"customer_name": "新远"}, "a"), ({"title": "打印机"}, "b"), ({"linkman": "王"}, "b")],
)
def test_chance_list_filters_contain(client_as, query, expected):
    rows = {
        "a": SalesChanceFactory(customer_name="杭州新远科技", title="电脑", linkman="周敏"),
        "b": SalesChanceFactory(customer_name="宁波海天", title="激光打印机", linkman="王磊"),
    }

    response = client_as("sales_manager").get(reverse("marketing:chance-list"), query)

    assert shown(response, "chance-row") == {rows[expected].pk}


def test_chance_list_sorts_by_a_whitelisted_column_and_paginates(client_as):
    for name in ["丙公司", "甲公司", "乙公司"]:
        SalesChanceFactory(customer_name=name)
    SalesChanceFactory.create_batch(10)
    client = client_as("sales_manager")

    first = client.get(reverse("marketing:chance-list"), {"sort": "-id"})
    second = client.get(reverse("marketing:chance-list"), {"sort": "-id", "page": 2})
    bogus = client.get(reverse("marketing:chance-list"), {"sort": "description"})

    assert len(shown(first, "chance-row")) == 10
    assert len(shown(second, "chance-row")) == 3
    assert bogus.status_code == 200


def test_chance_list_buttons_follow_the_rules_per_row(client_as):
    client = client_as("account_manager")
    mine = SalesChanceFactory(created_by=client.user)
    other = SalesChanceFactory()

    html = client.get(reverse("marketing:chance-list")).content.decode()

    assert reverse("marketing:chance-update", args=[mine.pk]) in html
    assert reverse("marketing:chance-delete", args=[mine.pk]) in html
    assert reverse("marketing:chance-update", args=[other.pk]) not in html
    assert reverse("marketing:chance-delete", args=[other.pk]) not in html
    assert "/assign/" not in html


def test_sales_manager_sees_assign_and_edit_on_every_row_but_delete_on_his_own(client_as):
    client = client_as("sales_manager")
    other = SalesChanceFactory(created_by=UserFactory(role="account_manager"))

    html = client.get(reverse("marketing:chance-list")).content.decode()

    assert reverse("marketing:chance-assign", args=[other.pk]) in html
    assert reverse("marketing:chance-update", args=[other.pk]) in html
    assert reverse("marketing:chance-delete", args=[other.pk]) not in html


def test_chance_list_htmx_request_gets_only_the_results(client_as):
    SalesChanceFactory()

    response = client_as("sales_manager").get(
        reverse("marketing:chance-list"), HTTP_HX_REQUEST="true"
    )

    assert response.content.decode().lstrip().startswith('<div id="results">')


@pytest.mark.parametrize("role", ["sales_manager", "account_manager"])
def test_chance_list_makes_as_many_queries_for_100_rows_as_for_10(
    client_as, django_assert_max_num_queries, role
):
    client = client_as(role)
    SalesChanceFactory.create_batch(5, created_by=client.user)
    SalesChanceFactory.create_batch(5)
    client.get(reverse("marketing:chance-list"))  # warm up (content types, permissions)
    with django_assert_max_num_queries(30) as ten:
        client.get(reverse("marketing:chance-list"))
    count = len(ten.captured_queries)
    SalesChanceFactory.create_batch(45, created_by=client.user)
    SalesChanceFactory.create_batch(45)
    client.get(reverse("marketing:chance-list"))  # new users move the access version

    with django_assert_max_num_queries(count):
        client.get(reverse("marketing:chance-list"), {"page": 2})


def test_chance_list_exports_the_current_filter_as_csv(client_as):
    SalesChanceFactory(customer_name="=杭州新远")
    SalesChanceFactory(customer_name="宁波海天")
    SalesChanceFactory(customer_name="杭州新远 2", developing=True)

    response = client_as("sales_manager").get(
        reverse("marketing:chance-list"), {"customer_name": "杭州", "export": "csv"}, **EN
    )

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["No.", "Customer name", "Summary"]
    assert [row[1] for row in rows[1:]] == ["'=杭州新远"]


def test_chance_list_exports_xlsx(client_as):
    SalesChanceFactory()

    response = client_as("account_manager").get(
        reverse("marketing:chance-list"), {"export": "xlsx"}
    )

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content[:2] == b"PK"


# create, edit, delete ----------------------------------------------------------------------


def test_creating_a_chance_records_the_signed_in_user(client_as):
    client = client_as("account_manager")

    response = client.post(
        reverse("marketing:chance-create"), {**NEW, "submit_token": uuid.uuid4()}
    )

    assert response.status_code == 302
    chance = SalesChance.objects.get()
    assert (chance.created_by, chance.status, chance.rate) == (client.user, S.UNASSIGNED, 60)


def test_the_sales_manager_may_assign_while_creating(client_as):
    client = client_as("sales_manager")
    manager = UserFactory(role="account_manager")

    response = client.post(
        reverse("marketing:chance-create"),
        {**NEW, "assignee": manager.pk, "assigned_on": "", "submit_token": uuid.uuid4()},
    )

    assert response.url == reverse("marketing:plan-list")
    assert SalesChance.objects.get().assignee == manager


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("customer_name", "", "This field is required."),
        ("rate", "abc", "The success rate must be a number."),
        ("rate", "150", "The success rate must be between 0 and 100."),
        ("description", "x" * 2001, "at most 2000 characters"),
    ],
)
def test_bad_input_on_the_chance_form_is_shown_and_nothing_is_saved(
    client_as, field, value, message
):
    response = client_as("account_manager").post(
        reverse("marketing:chance-create"),
        {**NEW, field: value, "submit_token": uuid.uuid4()},
        **EN,
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SalesChance.objects.exists()


def test_the_creator_edits_his_unassigned_chance(client_as):
    client = client_as("account_manager")
    chance = SalesChanceFactory(created_by=client.user)

    client.post(reverse("marketing:chance-update", args=[chance.pk]), {**NEW, "title": "新概要"})

    chance.refresh_from_db()
    assert chance.title == "新概要"


def test_an_assigned_chance_has_no_edit_page(client_as):
    client = client_as("sales_manager")
    chance = SalesChanceFactory(created_by=client.user, developing=True)

    assert client.get(reverse("marketing:chance-update", args=[chance.pk])).status_code == 404


def test_the_creator_deletes_his_chance_after_confirmation(client_as):
    client = client_as("account_manager")
    chance = SalesChanceFactory(created_by=client.user)

    response = client.post(reverse("marketing:chance-delete", args=[chance.pk]))

    assert response.url == reverse("marketing:chance-list")
    assert not SalesChance.objects.filter(pk=chance.pk).exists()


def test_someone_elses_chance_cannot_be_deleted(client_as):
    chance = SalesChanceFactory()

    response = client_as("account_manager").post(
        reverse("marketing:chance-delete", args=[chance.pk])
    )

    assert response.status_code == 404
    assert SalesChance.objects.filter(pk=chance.pk).exists()


# assign ------------------------------------------------------------------------------------


def test_assigning_moves_the_chance_to_the_plan_list(client_as):
    client = client_as("sales_manager")
    chance = SalesChanceFactory()
    manager = UserFactory(role="account_manager", full_name="李娜")

    response = client.post(
        reverse("marketing:chance-assign", args=[chance.pk]),
        {"assignee": manager.pk, "assigned_on": timezone.localdate().isoformat()},
        follow=True,
        **EN,
    )

    chance.refresh_from_db()
    assert (chance.status, chance.assignee) == (S.DEVELOPING, manager)
    assert "Assigned to 李娜." in response.content.decode()


def test_assigning_a_chance_someone_assigned_meanwhile_says_so(client_as):
    client = client_as("sales_manager")
    chance = SalesChanceFactory(developing=True, assignee__full_name="张伟")

    response = client.post(
        reverse("marketing:chance-assign", args=[chance.pk]),
        {"assignee": UserFactory(role="account_manager").pk, "assigned_on": "2026-01-01"},
        **EN,
    )

    assert response.status_code == 200
    assert "This chance has already been assigned to 张伟." in response.content.decode()
    chance.refresh_from_db()
    assert chance.assignee.full_name == "张伟"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"assigned_on": "2026-11-20"}, "Choose the account manager."),
        (
            {"assignee": "sales_manager", "assigned_on": "2026-11-20"},
            "Choose an active account manager.",
        ),
        (
            {"assignee": "account_manager", "assigned_on": "20/11/2026"},
            "Enter a date as yyyy-mm-dd.",
        ),
    ],
)
def test_bad_input_on_the_assign_form_is_shown_and_nothing_changes(client_as, data, message):
    client = client_as("sales_manager")
    chance = SalesChanceFactory()
    if "assignee" in data:
        data = {**data, "assignee": UserFactory(role=data["assignee"]).pk}

    response = client.post(reverse("marketing:chance-assign", args=[chance.pk]), data, **EN)

    assert message in response.content.decode()
    chance.refresh_from_db()
    assert chance.status == S.UNASSIGNED


def test_the_edit_page_shows_the_read_only_number_creator_and_time(client_as):
    client = client_as("sales_manager")
    chance = SalesChanceFactory(created_by=UserFactory(role="account_manager", full_name="孙丽"))

    response = client.get(reverse("marketing:chance-update", args=[chance.pk]), **EN)

    assert f"No. {chance.pk}, created by 孙丽 on" in response.content.decode()
