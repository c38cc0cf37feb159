"""Churn pages: scope per role, filters, export, the two forms, ownership by URL, query counts."""

import uuid

import pytest
from django.urls import reverse

from apps.customers.models import Churn, ChurnMeasure, Customer
from apps.customers.views.churn import ChurnListView
from apps.rbac.models import AuditEvent
from tests.customers.churn_factories import ChurnFactory, ChurnMeasureFactory
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db
S = Churn.Status
LIST = reverse("customers:churn-list")


@pytest.fixture
def am_client(client_as):
    return client_as("account_manager")


def mine(client, **kwargs):
    return ChurnFactory(customer=CustomerFactory(manager=client.user), **kwargs)


def listed(response):
    return {row.pk for row in response.context["object_list"]}


def test_the_account_manager_lists_only_the_churn_of_his_customers(am_client):
    own = mine(am_client)
    ChurnFactory()

    assert listed(am_client.get(LIST)) == {own.pk}


def test_the_sales_manager_lists_all_and_gets_no_action_buttons(client_as):
    churns = ChurnFactory.create_batch(2)

    response = client_as("sales_manager").get(LIST)

    assert listed(response) == {c.pk for c in churns}
    assert b'data-testid="churn-postpone"' not in response.content


def test_the_list_filters_by_customer_manager_and_status(client_as):
    manager = UserFactory(role="account_manager", full_name="Manager Q7")
    wanted = ChurnFactory(
        customer=CustomerFactory(name="华夏机电", manager=manager), status=S.POSTPONED
    )
    ChurnFactory(customer=CustomerFactory(name="华夏电子", manager=manager))
    ChurnFactory(customer=CustomerFactory(name="华夏机电二厂"), status=S.POSTPONED)

    response = client_as("sales_manager").get(
        LIST, {"customer": "机电", "manager": "q7", "status": "2"}
    )

    assert listed(response) == {wanted.pk}


def test_a_bad_status_filter_is_an_error_on_the_form_not_a_500(client_as):
    response = client_as("sales_manager").get(LIST, {"status": "9"})

    assert response.status_code == 200
    assert response.context["filter"].errors


@pytest.mark.parametrize("sort", ["customer", "-last_order_date", "status", "manager", "bogus"])
def test_the_list_sorts_by_the_whitelisted_columns(client_as, sort):
    ChurnFactory.create_batch(3)

    assert client_as("sales_manager").get(LIST, {"sort": sort}).status_code == 200


def test_the_list_exports_the_filtered_rows_as_csv(am_client):
    own = mine(am_client)
    ChurnFactory()

    response = am_client.get(LIST, {"export": "csv"})

    body = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert own.customer.name in body
    assert len(body.strip().splitlines()) == 2


def test_the_list_makes_as_many_queries_for_30_rows_as_for_10(
    am_client, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(ChurnListView, "paginate_by", 50)  # all rows on one page
    for _ in range(10):
        mine(am_client)
    with django_assert_max_num_queries(100) as ten:
        am_client.get(LIST)
    for _ in range(20):
        mine(am_client)

    with django_assert_max_num_queries(len(ten.captured_queries)):
        response = am_client.get(LIST)

    assert len(response.context["object_list"]) == 30


def test_the_detail_shows_measures_with_author_and_the_history(am_client):
    churn = mine(am_client, status=S.POSTPONED)
    ChurnMeasureFactory(churn=churn, text="拜访客户", author=am_client.user)

    response = am_client.get(reverse("customers:churn-detail", args=[churn.pk]))

    assert "拜访客户" in response.content.decode()
    assert am_client.user.display_name in response.content.decode()
    assert response.context["allowed"] == {"change": True}


def test_postpone_through_the_form(am_client):
    churn = mine(am_client)

    response = am_client.post(
        reverse("customers:churn-postpone", args=[churn.pk]),
        {"measure": "赠送样品", "submit_token": uuid.uuid4()},
    )

    churn.refresh_from_db()
    assert (response.status_code, response.url) == (302, LIST)
    assert (churn.status, churn.measures.get().text) == (S.POSTPONED, "赠送样品")


def test_confirm_through_the_form(am_client):
    churn = mine(am_client)

    am_client.post(reverse("customers:churn-confirm", args=[churn.pk]), {"reason": "倒闭"})

    churn.refresh_from_db()
    churn.customer.refresh_from_db()
    assert (churn.status, churn.reason, churn.customer.status) == (
        S.CONFIRMED,
        "倒闭",
        Customer.Status.LOST,
    )


@pytest.mark.parametrize(("verb", "field"), [("postpone", "measure"), ("confirm", "reason")])
def test_an_empty_form_shows_the_error_and_changes_nothing(am_client, verb, field):
    churn = mine(am_client)

    response = am_client.post(reverse(f"customers:churn-{verb}", args=[churn.pk]), {field: " "})

    churn.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert churn.status == S.WARNING
    assert not AuditEvent.objects.exists()


def test_a_closed_record_shows_the_refusal_and_changes_nothing(am_client):
    churn = mine(am_client, status=S.RECOVERED)

    response = am_client.post(
        reverse("customers:churn-postpone", args=[churn.pk]),
        {"measure": "try anyway", "submit_token": uuid.uuid4()},
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not ChurnMeasure.objects.exists()


@pytest.mark.parametrize("name", ["churn-detail", "churn-postpone", "churn-confirm"])
def test_another_account_managers_churn_is_a_404_even_by_url(am_client, name):
    other = ChurnFactory()

    response = am_client.get(reverse(f"customers:{name}", args=[other.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("verb", ["postpone", "confirm"])
def test_posting_to_another_account_managers_churn_is_a_404_and_changes_nothing(am_client, verb):
    other = ChurnFactory()

    response = am_client.post(
        reverse(f"customers:churn-{verb}", args=[other.pk]), {"measure": "x", "reason": "x"}
    )

    other.refresh_from_db()
    assert (response.status_code, other.status) == (404, S.WARNING)


@pytest.mark.parametrize("verb", ["postpone", "confirm"])
def test_the_sales_manager_may_not_post_a_transition(client_as, verb):
    churn = ChurnFactory()

    response = client_as("sales_manager").post(
        reverse(f"customers:churn-{verb}", args=[churn.pk]), {"measure": "x", "reason": "x"}
    )

    churn.refresh_from_db()
    assert (response.status_code, churn.status) == (403, S.WARNING)


def test_the_menu_shows_the_account_managers_warning_count(am_client):
    mine(am_client)
    mine(am_client, status=S.POSTPONED)
    ChurnFactory()

    response = am_client.get(LIST)

    assert b'data-testid="badge-L0202">1<' in response.content
