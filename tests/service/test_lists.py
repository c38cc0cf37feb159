"""The four service lists, their exports, the menu badges and the customer page's partial."""

import io
from datetime import timedelta

import openpyxl
import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from apps.rbac.menu import menu_for_user
from apps.service import selectors
from apps.service import services as service_steps
from apps.service.models import ServiceTicket
from apps.service.views import (
    TicketArchiveListView,
    TicketAssignListView,
    TicketFeedbackListView,
    TicketHandleListView,
)
from tests.factories import CustomerFactory, UserFactory
from tests.service.factories import ServiceTicketFactory, ticket_in

pytestmark = pytest.mark.django_db
S = ServiceTicket.Status


def listed(response) -> set[int]:
    return {ticket.pk for ticket in response.context["object_list"]}


# --- what each list shows -----------------------------------------------------------------------


def test_the_assign_list_shows_every_new_service_and_nothing_else(client_as):
    new = ServiceTicketFactory()
    ticket_in(S.ASSIGNED)

    response = client_as("sales_manager").get(reverse("service:ticket-assign-list"))

    assert listed(response) == {new.pk}


def test_each_row_offers_every_account_manager_with_the_customers_own_preselected(client_as):
    manager = UserFactory(role="account_manager", full_name="李<四>")
    other = UserFactory(role="account_manager", full_name="王五")
    UserFactory(role="account_manager", full_name="离职", is_active=False)
    theirs = ServiceTicketFactory(customer=CustomerFactory(manager=manager))
    nobodys = ServiceTicketFactory(customer=CustomerFactory(manager=None), created_by=other)

    page = client_as("sales_manager").get(reverse("service:ticket-assign-list")).content.decode()

    def options(ticket):
        select = page.split(f'id="assignee-{ticket.pk}"', 1)[1].split("</select>", 1)[0]
        return select.split("<option")[1:]

    labels = [o.split(">", 1)[1].split("<")[0] for o in options(theirs)]
    assert labels[1:] == ["李&lt;四&gt;", "王五"]
    assert [o for o in options(theirs) if " selected" in o] == [
        f' value="{manager.pk}" selected>李&lt;四&gt;</option>'
    ]
    assert not [o for o in options(nobodys) if " selected" in o]
    assert f'value="{other.pk}"' in "".join(options(nobodys))


def test_the_handle_list_shows_only_the_services_assigned_to_me(client):
    me = UserFactory(role="account_manager")
    mine = ticket_in(S.ASSIGNED, assignee=me)
    ticket_in(S.ASSIGNED)
    ticket_in(S.HANDLED, assignee=me)
    client.force_login(me)

    response = client.get(reverse("service:ticket-handle-list"))

    assert listed(response) == {mine.pk}


def test_the_feedback_list_shows_the_handled_services_i_created(client):
    me = UserFactory(role="account_manager")
    mine = ticket_in(S.HANDLED, customer=CustomerFactory(manager=me))
    ticket_in(S.HANDLED)
    ticket_in(S.ASSIGNED, customer=CustomerFactory(manager=me))
    client.force_login(me)

    response = client.get(reverse("service:ticket-feedback-list"))

    assert listed(response) == {mine.pk}


def test_the_archive_shows_archived_services_by_default_and_every_state_on_request(client_as):
    archived, new = ticket_in(S.ARCHIVED), ServiceTicketFactory()
    client = client_as("sales_manager")

    default = client.get(reverse("service:ticket-archive-list"))
    everything = client.get(reverse("service:ticket-archive-list"), {"status": ""})
    only_new = client.get(reverse("service:ticket-archive-list"), {"status": "created"})

    assert listed(default) == {archived.pk}
    assert listed(everything) == {archived.pk, new.pk}
    assert listed(only_new) == {new.pk}


def test_the_filters_of_spec_3_4_narrow_the_list(client_as):
    wanted = ServiceTicketFactory(
        title="打印机卡纸", type="投诉", customer=CustomerFactory(name="海龙科技")
    )
    ServiceTicketFactory(title="打印机卡纸", type="咨询", customer=CustomerFactory(name="海龙科技"))
    ServiceTicketFactory(title="询价", type="投诉", customer=CustomerFactory(name="海龙科技"))
    ServiceTicketFactory(title="打印机卡纸", type="投诉", customer=CustomerFactory(name="幸福"))
    old = ServiceTicketFactory(title="打印机卡纸", type="投诉", customer=wanted.customer)
    ServiceTicket.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    today = timezone.localdate().isoformat()

    response = client_as("sales_manager").get(
        reverse("service:ticket-assign-list"),
        {"customer": "海龙", "title": "卡纸", "type": "投诉", "created_from": today},
    )

    assert listed(response) == {wanted.pk}


def test_the_type_shows_the_dictionary_label_of_the_active_language(client_as):
    ServiceTicketFactory(type="投诉")

    response = client_as("sales_manager").get(
        reverse("service:ticket-assign-list"), HTTP_ACCEPT_LANGUAGE="en"
    )

    assert [t.type_label for t in response.context["object_list"]] == ["Complaint"]


def test_an_htmx_filter_request_gets_only_the_results(client_as):
    ServiceTicketFactory()

    response = client_as("sales_manager").get(
        reverse("service:ticket-assign-list"), HTTP_HX_REQUEST="true"
    )

    body = response.content.decode()
    assert body.lstrip().startswith('<div id="results">')
    assert "<html" not in body


# --- overdue ------------------------------------------------------------------------------------


def test_a_service_waiting_longer_than_the_setting_is_highlighted(client_as, settings):
    settings.CRM_SERVICE_OVERDUE_DAYS = 3
    late, fresh = ServiceTicketFactory(), ServiceTicketFactory()
    ServiceTicket.objects.filter(pk=late.pk).update(created_at=timezone.now() - timedelta(days=4))

    response = client_as("sales_manager").get(reverse("service:ticket-assign-list"))

    overdue = {t.pk: t.overdue for t in response.context["object_list"]}
    assert overdue == {late.pk: True, fresh.pk: False}
    assert response.content.decode().count('data-testid="overdue"') == 1


def test_the_overdue_threshold_is_configurable(client_as, settings):
    settings.CRM_SERVICE_OVERDUE_DAYS = 10
    late = ServiceTicketFactory()
    ServiceTicket.objects.filter(pk=late.pk).update(created_at=timezone.now() - timedelta(days=4))

    response = client_as("sales_manager").get(reverse("service:ticket-assign-list"))

    assert [t.overdue for t in response.context["object_list"]] == [False]


def test_a_service_sent_back_waits_since_the_feedback_not_since_the_first_assignment(client):
    ticket = ticket_in(S.HANDLED)
    ServiceTicket.objects.filter(pk=ticket.pk).update(
        assigned_at=timezone.now() - timedelta(days=20)
    )
    service_steps.ticket_feedback(
        ticket_id=ticket.pk, result="不满意", satisfaction=1, actor=ticket.created_by
    )
    client.force_login(ticket.assignee)

    response = client.get(reverse("service:ticket-handle-list"))

    (row,) = response.context["object_list"]
    assert row.overdue is False
    assert timezone.now() - row.waiting_since < timedelta(minutes=1)


# --- constant query counts ----------------------------------------------------------------------


def _assert_constant_queries(client, url, add_rows, django_assert_max_num_queries):
    add_rows(10)
    client.get(url)  # warm caches (content types, the user's rights)
    with django_assert_max_num_queries(40) as ten:
        client.get(url)
    count = len(ten.captured_queries)
    add_rows(20)
    client.get(url)  # new users (the factories') move the access version: warm up again

    with django_assert_max_num_queries(count):
        response = client.get(url)

    assert len(response.context["object_list"]) == 30


@pytest.fixture
def big_pages(monkeypatch):
    """Thirty rows on one page, so the test sees every row rendered."""
    for view in [
        TicketAssignListView,
        TicketHandleListView,
        TicketFeedbackListView,
        TicketArchiveListView,
    ]:
        monkeypatch.setattr(view, "paginate_by", 50)


def test_the_assign_list_makes_the_same_queries_for_10_and_30_rows(
    client_as, big_pages, django_assert_max_num_queries
):
    client = client_as("sales_manager")
    _assert_constant_queries(
        client,
        reverse("service:ticket-assign-list"),
        lambda n: ServiceTicketFactory.create_batch(n),
        django_assert_max_num_queries,
    )


def test_the_handle_list_makes_the_same_queries_for_10_and_30_rows(
    client, big_pages, django_assert_max_num_queries
):
    me = UserFactory(role="account_manager")
    client.force_login(me)
    _assert_constant_queries(
        client,
        reverse("service:ticket-handle-list"),
        lambda n: [ticket_in(S.ASSIGNED, assignee=me) for _ in range(n)],
        django_assert_max_num_queries,
    )


def test_the_feedback_list_makes_the_same_queries_for_10_and_30_rows(
    client, big_pages, django_assert_max_num_queries
):
    me = UserFactory(role="account_manager")
    client.force_login(me)
    _assert_constant_queries(
        client,
        reverse("service:ticket-feedback-list"),
        lambda n: [ticket_in(S.HANDLED, customer=CustomerFactory(manager=me)) for _ in range(n)],
        django_assert_max_num_queries,
    )


def test_the_archive_makes_the_same_queries_for_10_and_30_rows(
    client_as, big_pages, django_assert_max_num_queries
):
    client = client_as("sales_manager")
    _assert_constant_queries(
        client,
        reverse("service:ticket-archive-list"),
        lambda n: [ticket_in(S.ARCHIVED) for _ in range(n)],
        django_assert_max_num_queries,
    )


# --- exports ------------------------------------------------------------------------------------


def test_the_csv_export_holds_only_the_rows_of_the_users_list(client):
    me = UserFactory(role="account_manager")
    mine = ticket_in(S.ASSIGNED, assignee=me, title="=HYPERLINK(1)")
    other = ticket_in(S.ASSIGNED, title="别人的服务")
    client.force_login(me)

    response = client.get(reverse("service:ticket-handle-list"), {"export": "csv"})

    body = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert f"\r\n{mine.pk}," in body
    assert "'=HYPERLINK(1)" in body
    assert other.title not in body


def test_the_xlsx_export_follows_the_current_filter(client_as):
    archived, new = ticket_in(S.ARCHIVED), ServiceTicketFactory()

    response = client_as("sales_manager").get(
        reverse("service:ticket-archive-list"), {"export": "xlsx"}
    )

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    ids = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert ids == [archived.pk]
    assert new.pk not in ids


# --- menu badges --------------------------------------------------------------------------------


def test_each_stage_badge_counts_what_waits_for_that_user(django_assert_num_queries):
    manager, me = UserFactory(role="sales_manager"), UserFactory(role="account_manager")
    ServiceTicketFactory.create_batch(2)
    ticket_in(S.ASSIGNED, assignee=me)
    ticket_in(S.ASSIGNED)
    ticket_in(S.HANDLED, customer=CustomerFactory(manager=me))
    ticket_in(S.HANDLED)
    manager.has_perm("warm.the_rights_cache")
    me.has_perm("warm.the_rights_cache")

    with django_assert_num_queries(1):
        assign = selectors.ticket_assign_waiting_count(manager)
    with django_assert_num_queries(1):
        handle = selectors.ticket_handle_waiting_count(me)
    with django_assert_num_queries(1):
        feedback = selectors.ticket_feedback_waiting_count(me)

    assert (assign, handle, feedback) == (2, 1, 1)
    assert selectors.ticket_assign_waiting_count(me) == 0


def test_the_menu_shows_the_badges(client):
    me = UserFactory(role="account_manager")
    ticket_in(S.ASSIGNED, assignee=me)
    client.force_login(me)

    pages = {page.code: page.badge for folder in menu_for_user(me) for page in folder.children}
    body = client.get(reverse("home")).content.decode()

    assert (pages["L0303"], pages["L0304"]) == (1, None)
    assert 'data-testid="badge-L0303">1<' in body


# --- the customer page's partial ----------------------------------------------------------------


def test_the_customer_partial_lists_that_customers_services_with_status():
    customer = CustomerFactory()
    archived = ticket_in(S.ARCHIVED, customer=customer)
    new = ServiceTicketFactory(customer=customer)
    ServiceTicketFactory()
    manager = UserFactory(role="sales_manager")

    services = selectors.service_ticket_list_for_customer(user=manager, customer=customer)
    html = render_to_string("service/_customer_services.html", {"services": services})

    assert {t.pk for t in services} == {archived.pk, new.pk}
    assert f'data-testid="customer-service-{archived.pk}"' in html
    assert 'data-status="archived"' in html
    assert 'data-status="created"' in html
    assert archived.get_absolute_url() in html


def test_the_customer_partial_selector_sees_nothing_for_roles_without_the_right():
    customer = CustomerFactory()
    ServiceTicketFactory(customer=customer)

    for role in ["admin", "executive"]:
        user = UserFactory(role=role)
        assert not selectors.service_ticket_list_for_customer(user=user, customer=customer)
