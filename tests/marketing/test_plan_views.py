"""Development plan screens: rows per role, make and execute plan, outcomes, history."""

import pytest
from django.urls import reverse

from apps.customers.models import Customer
from apps.marketing.models import SalesChance
from apps.rbac.models import AuditEvent
from tests.factories import UserFactory
from tests.marketing.factories import SalesChanceFactory, SalesPlanFactory
from tests.marketing.pages import EN, shown

pytestmark = pytest.mark.django_db
S = SalesChance.Status


# plan list ---------------------------------------------------------------------------------


def test_account_manager_sees_the_plans_of_his_chances_in_every_later_state(client_as):
    client = client_as("account_manager")
    mine = [
        SalesChanceFactory(**{t: True}, assignee=client.user) for t in ["developing", "won", "lost"]
    ]
    SalesChanceFactory(developing=True)
    SalesChanceFactory()

    response = client.get(reverse("marketing:plan-list"))

    assert shown(response, "plan-row") == {c.pk for c in mine}


def test_sales_manager_sees_every_plan_and_may_make_but_not_execute_them(client_as):
    client = client_as("sales_manager")
    chances = SalesChanceFactory.create_batch(2, developing=True)

    response = client.get(reverse("marketing:plan-list"))

    html = response.content.decode()
    assert shown(response, "plan-row") == {c.pk for c in chances}
    assert reverse("marketing:plan-make", args=[chances[0].pk]) in html
    assert reverse("marketing:plan-execute", args=[chances[0].pk]) not in html


def test_plan_list_shows_the_state_and_only_view_for_archived_chances(client_as):
    client = client_as("account_manager")
    won = SalesChanceFactory(won=True, assignee=client.user)

    html = client.get(reverse("marketing:plan-list")).content.decode()

    assert 'data-status="3"' in html
    assert reverse("marketing:chance-detail", args=[won.pk]) in html
    assert reverse("marketing:plan-make", args=[won.pk]) not in html


@pytest.mark.parametrize("role", ["sales_manager", "account_manager"])
def test_plan_list_makes_as_many_queries_for_100_rows_as_for_10(
    client_as, django_assert_max_num_queries, role
):
    client = client_as(role)
    owner = {"assignee": client.user} if role == "account_manager" else {}
    for trait in ["developing", "won"]:
        SalesChanceFactory.create_batch(5, **{trait: True}, **owner)
    client.get(reverse("marketing:plan-list"))
    with django_assert_max_num_queries(30) as ten:
        client.get(reverse("marketing:plan-list"))
    count = len(ten.captured_queries)
    for trait in ["developing", "lost"]:
        SalesChanceFactory.create_batch(45, **{trait: True}, **owner)
    client.get(reverse("marketing:plan-list"))  # new users move the access version

    with django_assert_max_num_queries(count):
        client.get(reverse("marketing:plan-list"), {"page": 3})


def test_plan_list_export_holds_only_the_users_rows(client_as):
    client = client_as("account_manager")
    SalesChanceFactory(developing=True, assignee=client.user, customer_name="我的客户")
    SalesChanceFactory(developing=True, customer_name="别人的客户")

    response = client.get(reverse("marketing:plan-list"), {"export": "csv"})

    text = response.content.decode("utf-8-sig")
    assert "我的客户" in text
    assert "别人的客户" not in text


# plan make / execute / outcome -------------------------------------------------------------


def test_the_assignee_adds_rewords_and_deletes_plan_items(client):
    chance = SalesChanceFactory(developing=True)
    client.force_login(chance.assignee)

    client.post(
        reverse("marketing:plan-make", args=[chance.pk]), {"date": "2026-12-01", "todo": "拜访"}
    )
    item = chance.plans.get()
    client.post(reverse("marketing:planitem-update", args=[item.pk]), {"todo": "再次拜访"})
    item.refresh_from_db()
    client.post(reverse("marketing:planitem-delete", args=[item.pk]))

    assert (item.todo, str(item.date)) == ("再次拜访", "2026-12-01")
    assert not chance.plans.exists()


def test_bad_plan_item_input_is_shown_and_nothing_is_saved(client):
    chance = SalesChanceFactory(developing=True)
    client.force_login(chance.assignee)

    response = client.post(
        reverse("marketing:plan-make", args=[chance.pk]),
        {"date": "01.12.2026", "todo": "x" * 501},
        **EN,
    )

    html = response.content.decode()
    assert "Enter a date as yyyy-mm-dd." in html
    assert "at most 500 characters" in html
    assert not chance.plans.exists()


def test_the_assignee_records_results_and_wins_the_chance(client):
    item = SalesPlanFactory()
    chance = item.chance
    client.force_login(chance.assignee)

    client.post(reverse("marketing:planitem-result", args=[item.pk]), {"result": "签约"})
    response = client.post(reverse("marketing:chance-win", args=[chance.pk]), follow=True, **EN)

    item.refresh_from_db()
    chance.refresh_from_db()
    assert (item.result, chance.status) == ("签约", S.WON)
    customer = Customer.objects.get()
    html = response.content.decode()
    assert "Development succeeded: customer" in html
    assert (
        f'href="{customer.get_absolute_url()}" data-testid="new-customer">{customer.number}' in html
    )


def test_winning_a_lost_chance_is_refused_with_a_message(client):
    chance = SalesChanceFactory(lost=True)
    client.force_login(chance.assignee)

    response = client.post(reverse("marketing:chance-win", args=[chance.pk]), follow=True, **EN)

    assert "it cannot become" in response.content.decode()
    chance.refresh_from_db()
    assert chance.status == S.LOST


def test_the_assignee_terminates_the_development(client):
    chance = SalesChanceFactory(developing=True)
    client.force_login(chance.assignee)

    response = client.post(
        reverse("marketing:chance-terminate", args=[chance.pk]), follow=True, **EN
    )

    chance.refresh_from_db()
    assert chance.status == S.LOST
    assert "Development terminated" in response.content.decode()


def test_the_sales_manager_cannot_execute_a_plan(client_as):
    chance = SalesChanceFactory(developing=True)

    client = client_as("sales_manager")

    assert client.get(reverse("marketing:plan-execute", args=[chance.pk])).status_code == 403
    assert client.post(reverse("marketing:chance-win", args=[chance.pk])).status_code == 403


def test_an_account_manager_cannot_reach_a_colleagues_plan(client_as):
    chance = SalesChanceFactory(developing=True)
    client = client_as("account_manager")

    assert client.get(reverse("marketing:chance-detail", args=[chance.pk])).status_code == 404
    assert client.post(reverse("marketing:chance-win", args=[chance.pk])).status_code == 404
    chance.refresh_from_db()
    assert chance.status == S.DEVELOPING


# detail and history ------------------------------------------------------------------------


def test_a_closed_chance_is_read_only_with_its_plan_and_history(client_as):
    from apps.marketing import services

    sales_manager = UserFactory(role="sales_manager", full_name="赵敏")
    manager = UserFactory(role="account_manager", full_name="李娜")
    chance = services.sales_chance_create(
        actor=sales_manager, customer_name="宁波海天", title="t", rate=50, description="d"
    )
    services.sales_chance_assign(actor=sales_manager, chance_id=chance.pk, assignee=manager)
    services.sales_plan_create(actor=manager, chance_id=chance.pk, date="2026-12-01", todo="拜访")
    services.sales_chance_terminate(actor=manager, chance_id=chance.pk)
    client = client_as("sales_manager")

    html = client.get(reverse("marketing:chance-detail", args=[chance.pk]), **EN).content.decode()

    assert "拜访" in html
    assert "<form" not in html.split('data-testid="chance-fields"')[1].split("</main>")[0]
    history = html.split('data-testid="history"')[1]
    assert [
        a
        for a in (
            "marketing.chance.create",
            "marketing.chance.assign",
            "marketing.chance.terminate",
        )
        if a in history
    ] == ["marketing.chance.create", "marketing.chance.assign", "marketing.chance.terminate"]
    assert "赵敏" in history
    assert "李娜" in history
    assert AuditEvent.objects.for_object(chance).count() == 3


def test_the_win_message_has_no_link_when_customer_pages_are_not_served(client, monkeypatch):
    from django.urls import NoReverseMatch

    def no_page(self):
        raise NoReverseMatch("customers:customer-detail")

    monkeypatch.setattr(Customer, "get_absolute_url", no_page)
    chance = SalesChanceFactory(developing=True)
    client.force_login(chance.assignee)

    response = client.post(reverse("marketing:chance-win", args=[chance.pk]), follow=True, **EN)

    html = response.content.decode()
    assert f"customer {Customer.objects.get().number} has been added" in html
