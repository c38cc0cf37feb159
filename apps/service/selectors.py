"""Reads of the service app; every list starts from the user's scope (apps.rbac.policies)."""

from datetime import timedelta

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    DateTimeField,
    ExpressionWrapper,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, NullIf
from django.utils import timezone
from django.utils.translation import get_language

from apps.basedata.models import DictItem
from apps.customers.selectors import customer_list
from apps.rbac.models import User
from apps.rbac.policies import service_ticket_policy
from apps.rbac.roles import ACCOUNT_MANAGER
from apps.service.models import ServiceRound, ServiceTicket
from crm.text_search import customer_name_or_number_contains

S = ServiceTicket.Status
CUSTOMER_SEARCH_LIMIT = 20


def overdue_days() -> int:
    """Days a service may wait at one stage before its row is highlighted (a setting)."""
    return getattr(settings, "CRM_SERVICE_OVERDUE_DAYS", 3)


def _type_label() -> Subquery:
    """The service type's dictionary label in the active language, computed in the same query."""
    items = DictItem.objects.filter(type=DictItem.SERVICE_TYPE, value=OuterRef("type"))
    label = F("item")
    if (get_language() or "").startswith("en"):
        label = Coalesce(NullIf(F("item_en"), Value("")), F("item"))
    return Subquery(items.annotate(label=label).values("label")[:1])


def _waiting_since() -> Case:
    """When the ticket reached its current stage; a ticket sent back waits since the feedback."""
    last_feedback = (
        ServiceRound.objects.filter(ticket=OuterRef("pk"), feedback_at__isnull=False)
        .order_by("-feedback_at")
        .values("feedback_at")[:1]
    )
    return Case(
        When(status=S.CREATED, then=F("created_at")),
        # PostgreSQL's GREATEST skips NULLs: a ticket never sent back waits since assignment.
        When(status=S.ASSIGNED, then=Greatest(F("assigned_at"), Subquery(last_feedback))),
        When(status=S.HANDLED, then=F("handled_at")),
        default=None,
        output_field=DateTimeField(),
    )


def ticket_list(*, user, action: str = "view", waiting_since=None) -> QuerySet[ServiceTicket]:
    """
    Tickets on which `user` may perform `action`, with customer, people, the type label, the
    time the ticket has waited at its stage and whether that is overdue: all in one query.
    A list of one stage passes that stage's `waiting_since` column, so that its default sort
    (longest waiting first) reads an index instead of computing every row's stage.
    """
    cutoff = timezone.now() - timedelta(days=overdue_days())
    waiting_since = _waiting_since() if waiting_since is None else waiting_since
    qs = (
        ServiceTicket.objects.select_related("customer", "created_by", "assignee", "handled_by")
        .annotate(type_label=Coalesce(_type_label(), F("type")), waiting_since=waiting_since)
        .annotate(
            overdue=Case(
                When(waiting_since__lt=cutoff, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )
    return service_ticket_policy.scope(user, action, qs)


def ticket_assign_list(*, user) -> QuerySet[ServiceTicket]:
    """New tickets waiting for a sales manager to dispatch them (SPEC §3.4 服务分配)."""
    waiting = ExpressionWrapper(F("created_at"), output_field=DateTimeField())
    return ticket_list(user=user, action="assign", waiting_since=waiting).filter(status=S.CREATED)


def ticket_handle_list(*, user) -> QuerySet[ServiceTicket]:
    """Assigned tickets the user must handle: for an account manager, his own (服务处理)."""
    return ticket_list(user=user, action="handle").filter(status=S.ASSIGNED)


def ticket_feedback_list(*, user) -> QuerySet[ServiceTicket]:
    """Handled tickets waiting for the customer's feedback, recorded by their creator (服务反馈)."""
    waiting = ExpressionWrapper(F("handled_at"), output_field=DateTimeField())
    return ticket_list(user=user, action="feedback", waiting_since=waiting).filter(status=S.HANDLED)


def ticket_archive_list(*, user) -> QuerySet[ServiceTicket]:
    """Every ticket the user may see, in any state; the page filters to archived by default."""
    return ticket_list(user=user, action="view")


def service_ticket_list_for_customer(*, user, customer) -> QuerySet[ServiceTicket]:
    """The tickets of one customer that `user` may see, newest first (for the customer page)."""
    return ticket_list(user=user, action="view").filter(customer=customer)


def _waiting(user, *, action: str, status: str) -> QuerySet[ServiceTicket]:
    if not service_ticket_policy.can(user, action):
        return ServiceTicket.objects.none()
    waiting = ServiceTicket.objects.filter(status=status)
    return service_ticket_policy.scope(user, action, waiting)


def ticket_assign_waiting(user) -> QuerySet[ServiceTicket]:
    """Menu badge of 服务分配: new tickets to dispatch (counted with the other badges)."""
    return _waiting(user, action="assign", status=S.CREATED)


def ticket_handle_waiting(user) -> QuerySet[ServiceTicket]:
    """Menu badge of 服务处理: tickets assigned to the user and not yet handled."""
    return _waiting(user, action="handle", status=S.ASSIGNED)


def ticket_feedback_waiting(user) -> QuerySet[ServiceTicket]:
    """Menu badge of 服务反馈: handled tickets waiting for the user to record feedback."""
    return _waiting(user, action="feedback", status=S.HANDLED)


def ticket_assign_waiting_count(user) -> int:
    return ticket_assign_waiting(user).count()


def ticket_handle_waiting_count(user) -> int:
    return ticket_handle_waiting(user).count()


def ticket_feedback_waiting_count(user) -> int:
    return ticket_feedback_waiting(user).count()


def ticket_rounds(*, ticket: ServiceTicket) -> list[ServiceRound]:
    """
    Every handling round of `ticket`, oldest first. A ticket written before rounds existed
    (imported or demo data) shows its handling columns as one unsaved round.
    """
    rounds = list(ticket.rounds.select_related("handled_by", "feedback_by").order_by("number"))
    if rounds or not ticket.handled_at:
        return rounds
    return [
        ServiceRound(
            ticket=ticket,
            number=1,
            handling=ticket.handling,
            handled_by=ticket.handled_by,
            handled_at=ticket.handled_at,
            result=ticket.result,
            satisfaction=ticket.satisfaction,
        )
    ]


def service_type_choices() -> list[tuple[str, str]]:
    """(value, label) of the dictionary's service types (咨询/建议/投诉, editable by the admin)."""
    return DictItem.objects.choices(DictItem.SERVICE_TYPE)


def account_manager_list() -> QuerySet[User]:
    """Users a service may be assigned to: active, with the active account-manager role."""
    return User.objects.filter(
        is_active=True, role__code=ACCOUNT_MANAGER, role__is_active=True
    ).order_by("full_name", "username")


def customer_picker_options(*, user, query: str = "", selected=None) -> tuple[list, bool]:
    """
    The create form's customer picker: at most 20 customers within the user's scope whose
    name or number contains `query` (never a list of every customer), the chosen one kept
    first; and whether more customers match than are shown.
    """
    customers = customer_list(user=user)
    if query := query.strip():
        customers = customers.filter(customer_name_or_number_contains(query))
    found = list(customers.order_by("name", "pk")[: CUSTOMER_SEARCH_LIMIT + 1])
    more, found = len(found) > CUSTOMER_SEARCH_LIMIT, found[:CUSTOMER_SEARCH_LIMIT]
    chosen = str(selected or "")
    if chosen.isdigit() and all(customer.pk != int(chosen) for customer in found):
        found[:0] = customer_list(user=user).filter(pk=int(chosen))
    return found, more
