"""The database itself refuses illegal service data, whatever code writes it."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from apps.service.models import ServiceRound, ServiceTicket
from tests.service.factories import ServiceTicketFactory, ticket_in

pytestmark = pytest.mark.django_db
S = ServiceTicket.Status


@pytest.mark.parametrize(
    "values", [{"status": "closed"}, {"status": ""}, {"satisfaction": 0}, {"satisfaction": 6}]
)
def test_the_database_refuses_illegal_ticket_values(values):
    ticket = ServiceTicketFactory()

    with pytest.raises(IntegrityError):
        ServiceTicket.objects.filter(pk=ticket.pk).update(**values)


def test_model_validation_refuses_an_unknown_status_without_the_database():
    ticket = ServiceTicket(status="closed")

    with pytest.raises(ValidationError) as error:
        ticket.clean_fields(exclude=["customer", "created_by", "type", "title", "request"])

    assert "status" in error.value.message_dict


def test_the_database_allows_only_one_round_awaiting_feedback():
    ticket = ticket_in(S.HANDLED)
    first = ticket.rounds.get()

    with pytest.raises(IntegrityError):
        ServiceRound.objects.create(
            ticket=ticket,
            number=2,
            handling="again",
            handled_by=first.handled_by,
            handled_at=timezone.now(),
        )


def test_the_database_refuses_half_recorded_feedback():
    ticket = ticket_in(S.HANDLED)

    with pytest.raises(IntegrityError):
        ticket.rounds.update(satisfaction=4)


def test_a_ticket_with_history_cannot_be_deleted_by_the_database():
    ticket = ticket_in(S.ARCHIVED)

    with pytest.raises(IntegrityError):
        ServiceTicket.objects.filter(pk=ticket.pk).delete()
