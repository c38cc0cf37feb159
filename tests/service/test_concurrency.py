"""
Two sales managers assign the same new service at the same moment, on real parallel database
connections: the row lock lets one win; the other is told it was assigned meanwhile.
"""

import pytest
from django.test import Client
from django.urls import reverse

from apps.rbac.models import AuditEvent
from apps.service import services
from apps.service.models import ServiceTicket
from crm.exceptions import InvalidTransition
from tests.factories import UserFactory
from tests.reliability.parallel import run_together
from tests.service.factories import ServiceTicketFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("managers", [2, 6])
def test_sales_managers_assigning_at_once_one_wins_and_the_others_are_told(managers):
    ticket = ServiceTicketFactory()
    assignees = [UserFactory(role="account_manager") for _ in range(managers)]
    managers = [UserFactory(role="sales_manager") for _ in range(managers)]

    outcomes = run_together(
        [
            lambda m=m, a=a: services.ticket_assign(ticket_id=ticket.pk, assignee_id=a.pk, actor=m)
            for m, a in zip(managers, assignees, strict=True)
        ]
    )

    won = [o for o in outcomes if isinstance(o, ServiceTicket)]
    told = [o for o in outcomes if isinstance(o, InvalidTransition)]
    assert (len(won), len(told)) == (1, len(managers) - 1), outcomes
    ticket.refresh_from_db()
    assert ticket.assignee == won[0].assignee
    assert all(won[0].assignee.display_name in str(error) for error in told)
    assert AuditEvent.objects.filter(action="service.ticket.assign").count() == 1


def test_two_sales_managers_posting_the_assign_form_at_once_see_who_won():
    ticket = ServiceTicketFactory()
    clients, assignees = [], [UserFactory(role="account_manager") for _ in range(2)]
    for _ in range(2):
        client = Client()
        client.force_login(UserFactory(role="sales_manager"))
        clients.append(client)
    url = reverse("service:ticket-assign", args=[ticket.pk])

    responses = run_together(
        [
            lambda c=c, a=a: c.post(url, {"assignee": a.pk}, HTTP_ACCEPT_LANGUAGE="en")
            for c, a in zip(clients, assignees, strict=True)
        ]
    )

    assert sorted(r.status_code for r in responses) == [200, 302]
    loser = next(r for r in responses if r.status_code == 200)
    ticket.refresh_from_db()
    assert "has already assigned this service to" in loser.content.decode()
    assert ticket.assignee.display_name in loser.content.decode()
    assert AuditEvent.objects.filter(action="service.ticket.assign").count() == 1
