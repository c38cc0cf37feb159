"""Factories of the service tests, and tickets brought to a state through the real services."""

import factory
from factory.django import DjangoModelFactory

from apps.service import services
from apps.service.models import ServiceTicket
from tests.factories import CustomerFactory, UserFactory

S = ServiceTicket.Status


class ServiceTicketFactory(DjangoModelFactory):
    """A new ticket, created by the customer's account manager."""

    class Meta:
        model = ServiceTicket

    type = "咨询"
    title = factory.Sequence(lambda n: f"打印机故障 {n}")
    customer = factory.SubFactory(CustomerFactory)
    request = "客户来电反映打印机无法开机，希望尽快上门检查。"
    created_by = factory.LazyAttribute(lambda t: t.customer.manager)


def ticket_in(status: str, *, assignee=None, manager=None, **kwargs) -> ServiceTicket:
    """
    A ticket brought to `status` by the lifecycle services (so its rounds and audit trail are
    real): assigned by `manager` (a new sales manager by default) to `assignee` (a new
    account manager by default), handled by him, and archived with satisfaction 4.
    """
    ticket = ServiceTicketFactory(**kwargs)
    if status == S.CREATED:
        return ticket
    manager = manager or UserFactory(role="sales_manager")
    assignee = assignee or UserFactory(role="account_manager")
    services.ticket_assign(ticket_id=ticket.pk, assignee_id=assignee.pk, actor=manager)
    if status != S.ASSIGNED:
        services.ticket_handle(ticket_id=ticket.pk, handling="上门更换电源", actor=assignee)
    if status == S.ARCHIVED:
        services.ticket_feedback(
            ticket_id=ticket.pk, result="客户满意", satisfaction=4, actor=ticket.created_by
        )
    ticket.refresh_from_db()
    return ticket
