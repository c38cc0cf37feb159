"""Which service tickets a user may read (defect: every account manager read every ticket)."""

import pytest
from django.urls import reverse

from apps.rbac.models import Role
from apps.rbac.services.roles import role_set_rights
from tests.factories import CustomerFactory, UserFactory
from tests.service.factories import ServiceTicketFactory, ticket_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def tickets(account_manager):
    """Tickets an account manager created, was assigned, is the customer's manager of; and not."""
    me, colleague = account_manager, UserFactory(role="account_manager")
    theirs, mine = CustomerFactory(manager=colleague), CustomerFactory(manager=me)
    return {
        "created": ServiceTicketFactory(customer=theirs, created_by=me, title="我建的"),
        "assigned": ticket_in("assigned", customer=theirs, assignee=me, title="派我的"),
        "his customer": ServiceTicketFactory(customer=mine, created_by=colleague, title="我客户的"),
        "other": ticket_in("handled", customer=theirs, title="别人的"),
    }


def archive_titles(client) -> set[str]:
    response = client.get(reverse("service:ticket-archive-list"), {"status": ""})
    return {ticket.title for ticket in response.context["object_list"]}


def test_an_account_manager_reads_his_tickets_not_a_colleagues(client, account_manager, tickets):
    client.force_login(account_manager)

    assert archive_titles(client) == {"我建的", "派我的", "我客户的"}
    assert client.get(tickets["other"].get_absolute_url()).status_code == 404
    assert client.get(tickets["his customer"].get_absolute_url()).status_code == 200


def test_the_sales_manager_reads_every_ticket(client, sales_manager, tickets):
    client.force_login(sales_manager)

    assert archive_titles(client) == {"我建的", "派我的", "我客户的", "别人的"}


def test_the_right_to_see_every_service_opens_every_ticket(client, admin_user, tickets):
    role = Role.objects.create(name="客服", name_en="Service desk")
    role_set_rights(actor=admin_user, role_id=role.pk, right_codes=["L0305", "L030501"])
    client.force_login(UserFactory(role=role))

    assert archive_titles(client) == {"我建的", "派我的", "我客户的", "别人的"}
    assert client.get(tickets["other"].get_absolute_url()).status_code == 200
