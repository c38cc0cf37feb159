"""The service pages: forms, translated errors, refusals that change nothing, the picker."""

import uuid

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from apps.rbac.models import AuditEvent
from apps.service import services
from apps.service.models import ServiceRound, ServiceTicket
from tests.factories import CustomerFactory, UserFactory
from tests.service.factories import ServiceTicketFactory, ticket_in

pytestmark = pytest.mark.django_db
S = ServiceTicket.Status


def django_message(key, field=forms.Field, **params):
    """Django's own error message `key`, in Chinese (its catalog ships it)."""
    with override("zh-hans"):
        return str(field.default_error_messages[key]) % params


@pytest.fixture
def am_client(client_as):
    return client_as("account_manager")


def create_form(for_customer, **overrides):
    return {
        "type": "咨询",
        "title": "询问保修期",
        "customer": for_customer.pk,
        "request": "客户想知道保修期多长",
        "submit_token": uuid.uuid4(),  # the page's one-time token
    } | overrides


# --- create ----------------------------------------------------------------------------------


def test_an_account_manager_creates_a_service_and_sees_it_as_new(am_client):
    customer = CustomerFactory(manager=am_client.user)

    response = am_client.post(reverse("service:ticket-create"), create_form(customer))

    ticket = ServiceTicket.objects.get()
    assert response.status_code == 302
    assert response.url == ticket.get_absolute_url()
    assert (ticket.created_by, ticket.customer, ticket.status) == (
        am_client.user,
        customer,
        S.CREATED,
    )


def test_the_form_ignores_fields_the_user_may_not_set(am_client):
    customer, other = CustomerFactory(manager=am_client.user), UserFactory(role="account_manager")

    am_client.post(
        reverse("service:ticket-create"),
        create_form(customer, status="archived", created_by=other.pk, assignee=other.pk),
    )

    ticket = ServiceTicket.objects.get()
    assert (ticket.status, ticket.created_by, ticket.assignee) == (S.CREATED, am_client.user, None)


@pytest.mark.parametrize("field", ["type", "title", "customer", "request"])
def test_a_missing_field_gets_a_translated_error_and_nothing_is_written(am_client, field):
    customer = CustomerFactory(manager=am_client.user)

    response = am_client.post(
        reverse("service:ticket-create"),
        create_form(customer, **{field: ""}),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert django_message("required") in response.content.decode()
    assert not ServiceTicket.objects.exists()


def test_an_over_long_title_gets_a_translated_error_and_nothing_is_written(am_client):
    customer = CustomerFactory(manager=am_client.user)

    response = am_client.post(
        reverse("service:ticket-create"),
        create_form(customer, title="长" * 501),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert "title" in response.context["form"].errors
    assert "500" in response.context["form"].errors["title"][0]
    assert not ServiceTicket.objects.exists()


def test_a_customer_the_user_may_not_see_is_refused_with_a_translated_error(am_client):
    someone_elses = CustomerFactory(manager=UserFactory(role="account_manager"))

    response = am_client.post(
        reverse("service:ticket-create"),
        create_form(someone_elses),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert "customer" in response.context["form"].errors
    expected = django_message("invalid_choice", forms.ModelChoiceField)
    assert expected in response.content.decode()
    assert not ServiceTicket.objects.exists()


def test_an_unknown_service_type_is_refused(am_client):
    customer = CustomerFactory(manager=am_client.user)

    response = am_client.post(reverse("service:ticket-create"), create_form(customer, type="维修"))

    assert "type" in response.context["form"].errors
    assert not ServiceTicket.objects.exists()


# --- the customer picker -----------------------------------------------------------------------


def test_the_picker_offers_only_the_users_own_customers_that_match(am_client):
    mine = CustomerFactory(manager=am_client.user, name="北京海龙科技")
    CustomerFactory(manager=am_client.user, name="上海幸福电器")
    CustomerFactory(manager=UserFactory(role="account_manager"), name="北京别人的客户")

    response = am_client.get(reverse("service:customer-search"), {"q": "北京"})

    assert [c.pk for c in response.context["customers"]] == [mine.pk]


def test_the_picker_shows_at_most_twenty_customers_and_says_there_are_more(am_client):
    CustomerFactory.create_batch(21, manager=am_client.user)

    response = am_client.get(reverse("service:customer-search"), {"q": ""})

    assert len(response.context["customers"]) == 20
    assert response.context["more"] is True


def test_the_picker_keeps_the_chosen_customer_when_the_search_changes(am_client):
    chosen = CustomerFactory(manager=am_client.user, name="甲公司")
    CustomerFactory(manager=am_client.user, name="乙公司")

    response = am_client.get(reverse("service:customer-search"), {"q": "乙", "customer": chosen.pk})

    names = [c.name for c in response.context["customers"]]
    assert names == ["甲公司", "乙公司"]
    assert f'value="{chosen.pk}"\n           checked' in response.content.decode()


def test_the_picker_never_adds_a_chosen_customer_outside_the_scope(am_client):
    foreign = CustomerFactory(manager=UserFactory(role="account_manager"))

    response = am_client.get(reverse("service:customer-search"), {"customer": foreign.pk})

    assert foreign not in response.context["customers"]


def test_without_javascript_the_search_button_reloads_the_form_with_matches(am_client):
    wanted = CustomerFactory(manager=am_client.user, name="海龙科技")
    CustomerFactory(manager=am_client.user, name="幸福电器")

    response = am_client.get(
        reverse("service:ticket-create"), {"q": "海龙", "search": "1", "title": "保修"}
    )

    assert [c.pk for c in response.context["customers"]] == [wanted.pk]
    assert response.context["form"]["title"].value() == "保修"


# --- assign and delete --------------------------------------------------------------------------


def test_a_sales_manager_assigns_a_new_service(client_as):
    client, ticket = client_as("sales_manager"), ServiceTicketFactory()
    assignee = UserFactory(role="account_manager")

    response = client.post(
        reverse("service:ticket-assign", args=[ticket.pk]), {"assignee": assignee.pk}
    )

    ticket.refresh_from_db()
    assert response.status_code == 302
    assert (ticket.status, ticket.assignee) == (S.ASSIGNED, assignee)


def test_assigning_to_an_inactive_account_manager_shows_an_error_and_changes_nothing(client_as):
    client, ticket = client_as("sales_manager"), ServiceTicketFactory()
    gone = UserFactory(role="account_manager", is_active=False)

    response = client.post(
        reverse("service:ticket-assign", args=[ticket.pk]),
        {"assignee": gone.pk},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    ticket.refresh_from_db()
    assert response.status_code == 200
    assert django_message("invalid_choice", forms.ModelChoiceField) in response.content.decode()
    assert (ticket.status, ticket.assignee) == (S.CREATED, None)


@pytest.mark.parametrize("role", ["account_manager", "admin", "executive"])
def test_other_roles_cannot_assign_or_delete(client_as, role):
    client, ticket = client_as(role), ServiceTicketFactory()
    assignee = UserFactory(role="account_manager")

    assigned = client.post(
        reverse("service:ticket-assign", args=[ticket.pk]), {"assignee": assignee.pk}
    )
    deleted = client.post(reverse("service:ticket-delete", args=[ticket.pk]))

    assert (assigned.status_code, deleted.status_code) == (403, 403)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == (S.CREATED, None)
    assert not AuditEvent.objects.exists()


def test_a_sales_manager_deletes_a_new_service_after_confirming(client_as):
    client, ticket = client_as("sales_manager"), ServiceTicketFactory()
    page = client.get(reverse("service:ticket-assign-list")).content.decode()

    response = client.post(reverse("service:ticket-delete", args=[ticket.pk]))

    assert 'data-testid="delete"' in page
    assert "data-confirm=" in page
    assert response.status_code == 302
    assert not ServiceTicket.objects.exists()


def test_deleting_a_service_that_is_no_longer_new_is_refused_with_a_message(client_as):
    client, ticket = client_as("sales_manager"), ticket_in(S.ASSIGNED)

    response = client.post(
        reverse("service:ticket-delete", args=[ticket.pk]), HTTP_ACCEPT_LANGUAGE="en", follow=True
    )

    assert ServiceTicket.objects.filter(pk=ticket.pk).exists()
    assert "Only a new service can be deleted" in response.content.decode()


# --- handle and feedback -----------------------------------------------------------------------


def test_the_assignee_handles_his_service(client):
    assignee = UserFactory(role="account_manager")
    ticket = ticket_in(S.ASSIGNED, assignee=assignee)
    client.force_login(assignee)

    response = client.post(
        reverse("service:ticket-handle", args=[ticket.pk]), {"handling": "电话指导重启"}
    )

    ticket.refresh_from_db()
    assert response.status_code == 302
    assert (ticket.status, ticket.handled_by, ticket.handling) == (
        S.HANDLED,
        assignee,
        "电话指导重启",
    )


def test_another_account_manager_cannot_even_see_a_service_to_handle(client_as):
    ticket = ticket_in(S.ASSIGNED)
    client = client_as("account_manager")

    page = client.get(reverse("service:ticket-handle", args=[ticket.pk]))
    post = client.post(reverse("service:ticket-handle", args=[ticket.pk]), {"handling": "x"})

    ticket.refresh_from_db()
    assert (page.status_code, post.status_code) == (404, 404)
    assert ticket.status == S.ASSIGNED
    assert not ServiceRound.objects.exists()


def test_a_missing_handling_gets_a_translated_error(client):
    assignee = UserFactory(role="account_manager")
    ticket = ticket_in(S.ASSIGNED, assignee=assignee)
    client.force_login(assignee)

    response = client.post(
        reverse("service:ticket-handle", args=[ticket.pk]),
        {"handling": ""},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert django_message("required") in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == S.ASSIGNED


def test_a_step_page_for_a_service_past_that_step_shows_no_form(client):
    assignee = UserFactory(role="account_manager")
    ticket = ticket_in(S.HANDLED, assignee=assignee)
    client.force_login(assignee)

    response = client.get(reverse("service:ticket-handle", args=[ticket.pk]))

    assert response.context["ready"] is False
    assert 'data-testid="step-form"' not in response.content.decode()


@pytest.mark.parametrize("satisfaction", ["0", "6", "three"])
def test_satisfaction_outside_one_to_five_gets_a_translated_error(client, satisfaction):
    ticket = ticket_in(S.HANDLED)
    client.force_login(ticket.created_by)

    response = client.post(
        reverse("service:ticket-feedback", args=[ticket.pk]),
        {"result": "好", "satisfaction": satisfaction},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    expected = django_message("invalid_choice", forms.ChoiceField, value=satisfaction)
    assert response.context["form"].errors["satisfaction"] == [expected]
    ticket.refresh_from_db()
    assert (ticket.status, ticket.satisfaction) == (S.HANDLED, None)


def test_low_satisfaction_sends_the_service_back_and_says_so(client):
    ticket = ticket_in(S.HANDLED)
    client.force_login(ticket.created_by)

    response = client.post(
        reverse("service:ticket-feedback", args=[ticket.pk]),
        {"result": "没修好", "satisfaction": "2"},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )

    ticket.refresh_from_db()
    assert ticket.status == S.ASSIGNED
    assert "goes back to" in response.content.decode()


def test_only_the_creator_records_feedback(client):
    ticket = ticket_in(S.HANDLED)
    client.force_login(ticket.assignee)

    response = client.post(
        reverse("service:ticket-feedback", args=[ticket.pk]), {"result": "好", "satisfaction": "5"}
    )

    assert response.status_code == 404
    ticket.refresh_from_db()
    assert ticket.status == S.HANDLED


# --- the archive detail -------------------------------------------------------------------------


def test_the_detail_shows_every_round_and_every_transition(client_as):
    ticket = ticket_in(S.ASSIGNED)
    for handling, satisfaction in [("第一次", 2), ("第二次", 4)]:
        services.ticket_handle(ticket_id=ticket.pk, handling=handling, actor=ticket.assignee)
        services.ticket_feedback(
            ticket_id=ticket.pk, result="r", satisfaction=satisfaction, actor=ticket.created_by
        )

    response = client_as("sales_manager").get(ticket.get_absolute_url())

    body = response.content.decode()
    assert [r.number for r in response.context["rounds"]] == [1, 2]
    assert body.count('data-testid="round"') == 2
    assert "第一次" in body
    assert "第二次" in body
    assert body.count('data-testid="event"') == 5


@pytest.mark.parametrize("role", ["sales_manager", "admin", "executive"])
def test_roles_without_the_rights_cannot_handle_or_give_feedback(client_as, role):
    assigned, handled = ticket_in(S.ASSIGNED), ticket_in(S.HANDLED)
    client = client_as(role)
    events_before = AuditEvent.objects.count()

    handle = client.post(reverse("service:ticket-handle", args=[assigned.pk]), {"handling": "x"})
    feedback = client.post(
        reverse("service:ticket-feedback", args=[handled.pk]), {"result": "x", "satisfaction": "5"}
    )

    assert (handle.status_code, feedback.status_code) == (403, 403)
    assigned.refresh_from_db()
    handled.refresh_from_db()
    assert (assigned.status, handled.status) == (S.ASSIGNED, S.HANDLED)
    assert AuditEvent.objects.count() == events_before


def test_the_detail_of_a_ticket_from_before_rounds_existed_shows_its_handling(client_as):
    ticket = ServiceTicketFactory(
        status=S.ARCHIVED,
        handling="导入的处理记录",
        handled_at=timezone.now(),
        result="满意",
        satisfaction=5,
    )

    response = client_as("sales_manager").get(ticket.get_absolute_url())

    (round_,) = response.context["rounds"]
    assert (round_.handling, round_.satisfaction) == ("导入的处理记录", 5)
    assert "导入的处理记录" in response.content.decode()


def test_the_assign_page_says_fen_pei_in_chinese_not_the_chances_zhi_pai(client_as):
    ServiceTicketFactory()

    html = (
        client_as("sales_manager")
        .get(reverse("service:ticket-assign-list"), HTTP_ACCEPT_LANGUAGE="zh-hans")
        .content.decode()
    )

    assert 'data-testid="assign">分配<' in html
    assert "指派" not in html
