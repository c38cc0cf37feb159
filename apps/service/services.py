"""
Writes of the service app: one function per step of the ticket lifecycle (SPEC §3.4).

Each transition locks the ticket row, checks the policy on the locked row, moves the status
through crm.workflow.transition, validates, saves and writes the audit record, all in one
transaction: a refused step changes nothing.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.customers.selectors import customer_list
from apps.rbac.policies import service_ticket_policy
from apps.rbac.services import audit_event_create, snapshot
from apps.service import selectors
from apps.service.models import ServiceRound, ServiceTicket
from crm.exceptions import InvalidTransition
from crm.locking import locked
from crm.workflow import transition

S = ServiceTicket.Status
CREATE_FIELDS = ["type", "title", "customer", "request", "created_by"]


def _locked(ticket_id: int) -> ServiceTicket:
    """The ticket, row-locked until the transaction ends (only the ticket's own row)."""
    return locked(ServiceTicket, pk=ticket_id)


def _require_service_type(value: str) -> None:
    if value not in dict(selectors.service_type_choices()):
        raise ValidationError({"type": _("Choose a service type from the data dictionary.")})


def _visible_customer(actor, customer_id):
    customer = customer_list(user=actor).filter(pk=customer_id).first()
    if customer is None:
        raise ValidationError({"customer": _("Choose one of the customers you may see.")})
    return customer


def _active_account_manager(user_id):
    assignee = selectors.account_manager_list().filter(pk=user_id).first()
    if assignee is None:
        raise ValidationError({"assignee": _("Choose an active account manager.")})
    return assignee


def _require_new(ticket: ServiceTicket) -> None:
    """Only a new ticket is dispatched (the table also allows handled → assigned, for feedback)."""
    if ticket.status == S.ASSIGNED:
        raise InvalidTransition(
            _("Someone else has already assigned this service to %(name)s.")
            % {"name": ticket.assignee}
        )
    if ticket.status != S.CREATED:
        raise InvalidTransition(
            _("Only a new service can be assigned; this one is “%(status)s”.")
            % {"status": ticket.get_status_display()}
        )


@transaction.atomic
def ticket_create(
    *, actor, service_type: str, title: str, customer_id: int, request: str
) -> ServiceTicket:
    """Record a customer's request as a new ticket; creator and time come from the server."""
    service_ticket_policy.require(actor, "add")
    _require_service_type(service_type)
    ticket = ServiceTicket(
        type=service_type,
        title=title,
        customer=_visible_customer(actor, customer_id),
        request=request,
        created_by=actor,
    )
    ticket.full_clean()
    ticket.save()
    audit_event_create(
        actor=actor,
        target=ticket,
        action="service.ticket.create",
        to_status=ticket.status,
        data=snapshot(ticket, CREATE_FIELDS),
    )
    return ticket


@transaction.atomic
def ticket_assign(*, ticket_id: int, assignee_id: int, actor) -> ServiceTicket:
    """
    Dispatch a new ticket to an active account manager (sales manager only). Two managers
    assigning at once queue on the row lock: the second finds it assigned and is told so.
    """
    ticket = _locked(ticket_id)
    service_ticket_policy.require(actor, "assign", ticket)
    assignee = _active_account_manager(assignee_id)
    _require_new(ticket)
    old = transition(ticket, to=S.ASSIGNED)
    ticket.assignee, ticket.assigned_at = assignee, timezone.now()
    ticket.full_clean()
    ticket.save(update_fields=["status", "assignee", "assigned_at", "updated_at"])
    audit_event_create(
        actor=actor,
        target=ticket,
        action="service.ticket.assign",
        from_status=old,
        to_status=ticket.status,
        data={"assignee": assignee.pk},
    )
    return ticket


@transaction.atomic
def ticket_delete(*, ticket_id: int, actor) -> None:
    """Delete a ticket that is still new (sales manager, SPEC §3.4); the audit keeps its data."""
    ticket = _locked(ticket_id)
    service_ticket_policy.require(actor, "delete", ticket)
    if ticket.status != S.CREATED:
        raise InvalidTransition(
            _("Only a new service can be deleted; this one is “%(status)s”.")
            % {"status": ticket.get_status_display()}
        )
    audit_event_create(
        actor=actor,
        target=ticket,
        action="service.ticket.delete",
        from_status=ticket.status,
        data=snapshot(ticket, CREATE_FIELDS),
    )
    ticket.delete()


@transaction.atomic
def ticket_handle(*, ticket_id: int, handling: str, actor) -> ServiceTicket:
    """
    The assignee records how he handled the ticket: a new round opens in its history (earlier
    rounds stay untouched); handler and time come from the server.
    """
    ticket = _locked(ticket_id)
    service_ticket_policy.require(actor, "handle", ticket)
    _keep_columns_as_round(ticket)
    old = transition(ticket, to=S.HANDLED)
    now = timezone.now()
    last = ticket.rounds.aggregate(last=Max("number"))["last"] or 0
    round_ = ServiceRound(
        ticket=ticket, number=last + 1, handling=handling, handled_by=actor, handled_at=now
    )
    ticket.handling, ticket.handled_by, ticket.handled_at = handling, actor, now
    round_.full_clean()
    ticket.full_clean()
    ticket.save(update_fields=["status", "handling", "handled_by", "handled_at", "updated_at"])
    round_.save()
    audit_event_create(
        actor=actor,
        target=ticket,
        action="service.ticket.handle",
        from_status=old,
        to_status=ticket.status,
        data={"round": round_.number},
    )
    return ticket


def _keep_columns_as_round(ticket: ServiceTicket) -> None:
    """
    A ticket written before rounds existed (demo or imported data) carries its last handling
    only in its own columns: save them as round 1 before a new step overwrites them. On an
    assigned ticket that handling was answered (the customer sent it back); on a handled
    ticket it awaits the feedback being recorded.
    """
    awaiting = ticket.status == S.HANDLED
    answered = ticket.status == S.ASSIGNED and ticket.satisfaction is not None
    if not (awaiting or answered) or not ticket.handled_at or ticket.rounds.exists():
        return
    round_ = ServiceRound(
        ticket=ticket,
        number=1,
        handling=ticket.handling or "—",
        handled_by=ticket.handled_by,
        handled_at=ticket.handled_at,
    )
    if answered:
        round_.result, round_.satisfaction = ticket.result, ticket.satisfaction
        # When the feedback came was not recorded; the row's last change is the best bound.
        round_.feedback_at = ticket.updated_at
    round_.full_clean(exclude=["handled_by"])
    round_.save()


def _require_feedback(result: str, satisfaction) -> None:
    errors = {}
    if not result.strip():
        errors["result"] = _("Enter the result the customer reported.")
    if not isinstance(satisfaction, int) or not 1 <= satisfaction <= 5:
        errors["satisfaction"] = _("Satisfaction must be a whole number from 1 to 5.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def ticket_feedback(*, ticket_id: int, result: str, satisfaction: int, actor) -> ServiceTicket:
    """
    Record the customer's result and satisfaction on the latest handling (the ticket's
    creator). Satisfaction 3 or more archives the ticket; less sends it back to the same
    assignee for another round. The round keeps this verdict for good.
    """
    ticket = _locked(ticket_id)
    service_ticket_policy.require(actor, "feedback", ticket)
    _require_feedback(result, satisfaction)
    _keep_columns_as_round(ticket)
    satisfied = satisfaction >= ServiceTicket.SATISFIED_FROM
    old = transition(ticket, to=S.ARCHIVED if satisfied else S.ASSIGNED)
    round_ = ticket.rounds.filter(feedback_at__isnull=True).first()
    if round_ is None:
        raise InvalidTransition(_("This service has no handling waiting for feedback."))
    round_.result, round_.satisfaction = result, satisfaction
    round_.feedback_by, round_.feedback_at = actor, timezone.now()
    ticket.result, ticket.satisfaction = result, satisfaction
    round_.full_clean()
    ticket.full_clean()
    ticket.save(update_fields=["status", "result", "satisfaction", "updated_at"])
    round_.save()
    audit_event_create(
        actor=actor,
        target=ticket,
        action="service.ticket.feedback",
        from_status=old,
        to_status=ticket.status,
        data={"round": round_.number, "satisfaction": satisfaction},
    )
    return ticket
