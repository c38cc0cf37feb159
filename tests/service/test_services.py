"""The lifecycle services: who may take each step, from which state, and what they write."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.rbac.models import AuditEvent
from apps.service import services
from apps.service.models import ServiceRound, ServiceTicket
from crm.exceptions import DomainError, InvalidTransition
from tests.factories import CustomerFactory, UserFactory
from tests.service.factories import ServiceTicketFactory, ticket_in

pytestmark = pytest.mark.django_db
S = ServiceTicket.Status


def events(ticket, action):
    return AuditEvent.objects.filter(object_id=str(ticket.pk), action=action)


@pytest.fixture
def cast():
    """The people around one ticket: its creator, its assignee, and bystanders of each role."""
    creator = UserFactory(role="account_manager")
    return {
        "creator": creator,
        "assignee": UserFactory(role="account_manager"),
        "other_account_manager": UserFactory(role="account_manager"),
        "sales_manager": UserFactory(role="sales_manager"),
        "admin": UserFactory(role="admin"),
        "executive": UserFactory(role="executive"),
        "customer": CustomerFactory(manager=creator),
    }


def ticket_for(cast, status):
    return ticket_in(status, customer=cast["customer"], assignee=cast["assignee"])


def unchanged(ticket):
    """Snapshot of everything a refused step must leave as it was."""
    row = ServiceTicket.objects.filter(pk=ticket.pk).values().first()
    return row, ServiceRound.objects.filter(ticket=ticket.pk).count(), AuditEvent.objects.count()


# --- create -----------------------------------------------------------------------------------


def test_ticket_create_records_a_new_ticket_with_the_server_setting_creator(cast):
    ticket = services.ticket_create(
        actor=cast["creator"],
        service_type="投诉",
        title="送货延迟",
        customer_id=cast["customer"].pk,
        request="三天未到货",
    )

    assert (ticket.status, ticket.created_by, ticket.customer) == (
        S.CREATED,
        cast["creator"],
        cast["customer"],
    )
    event = events(ticket, "service.ticket.create").get()
    assert (event.actor, event.to_status) == (cast["creator"], S.CREATED)


@pytest.mark.parametrize("role", ["sales_manager", "admin", "executive"])
def test_ticket_create_is_refused_to_roles_without_the_right(cast, role):
    with pytest.raises(PermissionDenied):
        services.ticket_create(
            actor=cast[role],
            service_type="咨询",
            title="x",
            customer_id=cast["customer"].pk,
            request="y",
        )
    assert not ServiceTicket.objects.exists()


BAD_CREATE_INPUT = {
    "missing title": ({"title": ""}, "title"),
    "missing request": ({"request": ""}, "request"),
    "unknown service type": ({"service_type": "维修"}, "type"),
    "over-long title": ({"title": "长" * 501}, "title"),
    "over-long request": ({"request": "长" * 3001}, "request"),
}


@pytest.mark.parametrize(("overrides", "field"), BAD_CREATE_INPUT.values(), ids=BAD_CREATE_INPUT)
def test_ticket_create_refuses_bad_input_and_writes_nothing(cast, overrides, field):
    data = {"service_type": "咨询", "title": "咨询价格", "request": "请报价"} | overrides

    with pytest.raises(ValidationError) as error:
        services.ticket_create(actor=cast["creator"], customer_id=cast["customer"].pk, **data)

    assert field in error.value.message_dict
    assert not ServiceTicket.objects.exists()
    assert not AuditEvent.objects.exists()


def test_ticket_create_refuses_a_customer_outside_the_users_scope(cast):
    someone_elses = CustomerFactory(manager=cast["other_account_manager"])

    with pytest.raises(ValidationError) as error:
        services.ticket_create(
            actor=cast["creator"],
            service_type="咨询",
            title="x",
            customer_id=someone_elses.pk,
            request="y",
        )

    assert "customer" in error.value.message_dict
    assert not ServiceTicket.objects.exists()


# --- who may take which step ------------------------------------------------------------------

STEPS = {
    "assign": (S.CREATED, {"sales_manager"}),
    "delete": (S.CREATED, {"sales_manager"}),
    "handle": (S.ASSIGNED, {"assignee"}),
    "feedback": (S.HANDLED, {"creator"}),
}
ACTORS = ["creator", "assignee", "other_account_manager", "sales_manager", "admin", "executive"]


def take(step, cast, ticket, actor):
    if step == "assign":
        return services.ticket_assign(
            ticket_id=ticket.pk, assignee_id=cast["assignee"].pk, actor=actor
        )
    if step == "delete":
        return services.ticket_delete(ticket_id=ticket.pk, actor=actor)
    if step == "handle":
        return services.ticket_handle(ticket_id=ticket.pk, handling="已远程处理", actor=actor)
    return services.ticket_feedback(ticket_id=ticket.pk, result="满意", satisfaction=5, actor=actor)


REFUSED = [
    (step, actor)
    for step, (_status, allowed) in STEPS.items()
    for actor in ACTORS
    if actor not in allowed
]


@pytest.mark.parametrize(("step", "actor"), REFUSED)
def test_a_step_is_refused_to_everyone_but_its_owner_and_changes_nothing(cast, step, actor):
    ticket = ticket_for(cast, STEPS[step][0])
    before = unchanged(ticket)

    with pytest.raises(PermissionDenied):
        take(step, cast, ticket, cast[actor])

    assert unchanged(ticket) == before


EXPECTED_AFTER = {"assign": S.ASSIGNED, "handle": S.HANDLED, "feedback": S.ARCHIVED}


@pytest.mark.parametrize("step", ["assign", "handle", "feedback"])
def test_the_owner_of_a_step_moves_the_ticket_and_it_is_audited(cast, step):
    status, (owner,) = STEPS[step]
    ticket = ticket_for(cast, status)

    take(step, cast, ticket, cast[owner])

    ticket.refresh_from_db()
    assert ticket.status == EXPECTED_AFTER[step]
    event = events(ticket, f"service.ticket.{step}").latest("pk")
    assert (event.actor, event.from_status, event.to_status) == (
        cast[owner],
        status,
        EXPECTED_AFTER[step],
    )


def test_a_sales_manager_deletes_a_new_ticket_and_the_audit_keeps_its_data(cast):
    ticket = ticket_for(cast, S.CREATED)

    services.ticket_delete(ticket_id=ticket.pk, actor=cast["sales_manager"])

    assert not ServiceTicket.objects.filter(pk=ticket.pk).exists()
    assert events(ticket, "service.ticket.delete").get().data["title"] == ticket.title


# --- from which state --------------------------------------------------------------------------

WRONG_STATES = [
    ("assign", S.ASSIGNED),
    ("assign", S.HANDLED),
    ("assign", S.ARCHIVED),
    ("delete", S.ASSIGNED),
    ("delete", S.HANDLED),
    ("delete", S.ARCHIVED),
    ("handle", S.HANDLED),
    ("handle", S.ARCHIVED),
    ("feedback", S.CREATED),
    ("feedback", S.ASSIGNED),
    ("feedback", S.ARCHIVED),
]


@pytest.mark.parametrize(("step", "status"), WRONG_STATES)
def test_a_step_from_the_wrong_state_is_an_invalid_transition_and_changes_nothing(
    cast, step, status
):
    ticket = ticket_for(cast, status)
    (owner,) = STEPS[step][1]
    before = unchanged(ticket)

    with pytest.raises(InvalidTransition) as error:
        take(step, cast, ticket, cast[owner])

    assert str(error.value)
    assert unchanged(ticket) == before


def test_handling_a_ticket_nobody_was_assigned_is_refused(cast):
    ticket = ticket_for(cast, S.CREATED)

    with pytest.raises(PermissionDenied):
        take("handle", cast, ticket, cast["assignee"])


# --- bad input on the steps ---------------------------------------------------------------------


def _account_manager_with_disabled_role():
    user = UserFactory(role="account_manager")
    user.role.is_active = False
    user.role.save()
    return user


NOT_ASSIGNABLE = {
    "inactive account manager": lambda: UserFactory(role="account_manager", is_active=False),
    "sales manager": lambda: UserFactory(role="sales_manager"),
    "executive": lambda: UserFactory(role="executive"),
    "account manager of a disabled role": _account_manager_with_disabled_role,
}


@pytest.mark.parametrize("make_user", NOT_ASSIGNABLE.values(), ids=NOT_ASSIGNABLE)
def test_assigning_to_someone_who_is_not_an_active_account_manager_is_refused(cast, make_user):
    ticket = ticket_for(cast, S.CREATED)
    user = make_user()
    before = unchanged(ticket)

    with pytest.raises(ValidationError) as error:
        services.ticket_assign(
            ticket_id=ticket.pk, assignee_id=user.pk, actor=cast["sales_manager"]
        )

    assert "assignee" in error.value.message_dict
    assert unchanged(ticket) == before


@pytest.mark.parametrize("handling", ["", "长" * 3001])
def test_handling_that_is_missing_or_too_long_is_refused(cast, handling):
    ticket = ticket_for(cast, S.ASSIGNED)
    before = unchanged(ticket)

    with pytest.raises(ValidationError) as error:
        services.ticket_handle(ticket_id=ticket.pk, handling=handling, actor=cast["assignee"])

    assert "handling" in error.value.message_dict
    assert unchanged(ticket) == before


@pytest.mark.parametrize(
    ("result", "satisfaction", "field"),
    [
        ("满意", 0, "satisfaction"),
        ("满意", 6, "satisfaction"),
        ("满意", None, "satisfaction"),
        ("", 4, "result"),
        ("长" * 501, 4, "result"),
    ],
)
def test_feedback_with_bad_input_is_refused(cast, result, satisfaction, field):
    ticket = ticket_for(cast, S.HANDLED)
    before = unchanged(ticket)

    with pytest.raises(ValidationError) as error:
        services.ticket_feedback(
            ticket_id=ticket.pk, result=result, satisfaction=satisfaction, actor=cast["creator"]
        )

    assert field in error.value.message_dict
    assert unchanged(ticket) == before


# --- the feedback loop and its history ------------------------------------------------------------


@pytest.mark.parametrize(
    ("satisfaction", "status"), [(1, S.ASSIGNED), (2, S.ASSIGNED), (3, S.ARCHIVED), (5, S.ARCHIVED)]
)
def test_satisfaction_below_three_sends_the_ticket_back_and_three_or_more_archives(
    cast, satisfaction, status
):
    ticket = ticket_for(cast, S.HANDLED)

    services.ticket_feedback(
        ticket_id=ticket.pk, result="结果", satisfaction=satisfaction, actor=cast["creator"]
    )

    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee, ticket.satisfaction) == (
        status,
        cast["assignee"],
        satisfaction,
    )


def test_two_rounds_keep_every_handling_and_feedback(cast):
    ticket = ticket_for(cast, S.ASSIGNED)
    creator, assignee = cast["creator"], cast["assignee"]

    services.ticket_handle(ticket_id=ticket.pk, handling="第一次：重启设备", actor=assignee)
    services.ticket_feedback(
        ticket_id=ticket.pk, result="问题再次出现", satisfaction=2, actor=creator
    )
    services.ticket_handle(ticket_id=ticket.pk, handling="第二次：更换主板", actor=assignee)
    services.ticket_feedback(ticket_id=ticket.pk, result="已解决", satisfaction=4, actor=creator)

    rounds = list(ServiceRound.objects.filter(ticket=ticket).order_by("number"))
    assert [(r.number, r.handling, r.result, r.satisfaction) for r in rounds] == [
        (1, "第一次：重启设备", "问题再次出现", 2),
        (2, "第二次：更换主板", "已解决", 4),
    ]
    assert {(r.handled_by, r.feedback_by) for r in rounds} == {(assignee, creator)}
    ticket.refresh_from_db()
    assert (ticket.status, ticket.handling, ticket.satisfaction) == (
        S.ARCHIVED,
        "第二次：更换主板",
        4,
    )
    transitions = list(
        AuditEvent.objects.filter(object_id=str(ticket.pk), action__startswith="service.ticket.")
        .order_by("pk")
        .values_list("action", "to_status")
    )
    assert transitions == [  # the factory made the ticket without the create service
        ("service.ticket.assign", S.ASSIGNED),
        ("service.ticket.handle", S.HANDLED),
        ("service.ticket.feedback", S.ASSIGNED),
        ("service.ticket.handle", S.HANDLED),
        ("service.ticket.feedback", S.ARCHIVED),
    ]


def test_feedback_on_a_ticket_handled_before_rounds_existed_keeps_its_handling(cast):
    """Demo and imported tickets carry their handling only in the ticket's own columns."""
    ticket = ServiceTicketFactory(
        customer=cast["customer"],
        status=S.HANDLED,
        assignee=cast["assignee"],
        handling="旧系统的处理记录",
        handled_by=cast["assignee"],
        handled_at=timezone.now(),
    )

    services.ticket_feedback(
        ticket_id=ticket.pk, result="好", satisfaction=3, actor=cast["creator"]
    )

    (round_,) = ServiceRound.objects.filter(ticket=ticket)
    assert (round_.handling, round_.handled_by, round_.satisfaction) == (
        "旧系统的处理记录",
        cast["assignee"],
        3,
    )


def test_handling_again_a_ticket_sent_back_before_rounds_existed_keeps_the_first_round(cast):
    """The demo data has such tickets: assigned again, the earlier verdict in its columns."""
    ticket = ServiceTicketFactory(
        customer=cast["customer"],
        status=S.ASSIGNED,
        assignee=cast["assignee"],
        handling="旧的处理",
        handled_by=cast["assignee"],
        handled_at=timezone.now(),
        result="不满意",
        satisfaction=2,
    )

    services.ticket_handle(ticket_id=ticket.pk, handling="新的处理", actor=cast["assignee"])

    rounds = ServiceRound.objects.filter(ticket=ticket).order_by("number")
    assert [(r.number, r.handling, r.satisfaction) for r in rounds] == [
        (1, "旧的处理", 2),
        (2, "新的处理", None),
    ]


def test_a_step_on_a_deleted_ticket_is_told_it_no_longer_exists(cast):
    ticket = ticket_for(cast, S.CREATED)
    services.ticket_delete(ticket_id=ticket.pk, actor=cast["sales_manager"])

    with pytest.raises(DomainError):
        take("assign", cast, ticket, cast["sales_manager"])
