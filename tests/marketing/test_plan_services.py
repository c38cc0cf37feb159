"""Development plan services (SPEC §3.1 steps 5 and 6): who may plan and execute, and when."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.marketing import services
from apps.marketing.models import SalesPlan
from apps.rbac.models import AuditEvent
from crm.exceptions import InvalidTransition
from tests.factories import share
from tests.marketing.factories import SalesChanceFactory, SalesPlanFactory

pytestmark = pytest.mark.django_db

TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


def actor_for(chance, actor_is, user_of):
    """The chance's assignee, or a new user of a role (who is not the assignee)."""
    if actor_is == "assignee":
        return chance.assignee
    return user_of(actor_is.replace("other_", ""))


# who may make the plan: the assignee and the sales manager
MAKE = [
    ("assignee", True),
    ("sales_manager", True),
    ("other_account_manager", False),
    ("admin", False),
    ("executive", False),
]
# who may execute it: the assignee only
EXECUTE = [
    ("assignee", True),
    ("sales_manager", False),
    ("other_account_manager", False),
    ("admin", False),
    ("executive", False),
]


@pytest.mark.parametrize(("actor_is", "allowed"), MAKE)
def test_plan_item_create_by_assignee_or_sales_manager(user_of, actor_is, allowed):
    chance = SalesChanceFactory(developing=True)
    actor = actor_for(chance, actor_is, user_of)

    if not allowed:
        with pytest.raises(PermissionDenied):
            services.sales_plan_create(actor=actor, chance_id=chance.pk, date=TOMORROW, todo="拜访")
        assert not SalesPlan.objects.exists()
        assert not AuditEvent.objects.exists()
        return
    item = services.sales_plan_create(actor=actor, chance_id=chance.pk, date=TOMORROW, todo="拜访")
    assert (item.chance, item.date, item.todo, item.result) == (chance, TOMORROW, "拜访", "")
    event = AuditEvent.objects.get(action="marketing.plan.create")
    assert (event.actor, event.object_id) == (actor, str(item.pk))


@pytest.mark.parametrize(("actor_is", "allowed"), MAKE)
def test_plan_item_update_rewords_it_and_keeps_its_date(user_of, actor_is, allowed):
    item = SalesPlanFactory(todo="old")
    actor = actor_for(item.chance, actor_is, user_of)
    planned = item.date

    if allowed:
        services.sales_plan_update(actor=actor, plan_id=item.pk, todo="new")
    else:
        with pytest.raises(PermissionDenied):
            services.sales_plan_update(actor=actor, plan_id=item.pk, todo="new")

    item.refresh_from_db()
    assert (item.todo, item.date) == ("new" if allowed else "old", planned)
    assert AuditEvent.objects.filter(action="marketing.plan.update").exists() == allowed


def test_plan_item_update_has_no_way_to_change_the_date():
    item = SalesPlanFactory()

    with pytest.raises(TypeError):
        services.sales_plan_update(
            actor=item.chance.assignee, plan_id=item.pk, todo="x", date=TOMORROW
        )


@pytest.mark.parametrize(("actor_is", "allowed"), MAKE)
def test_plan_item_delete(user_of, actor_is, allowed):
    item = SalesPlanFactory()
    actor = actor_for(item.chance, actor_is, user_of)

    if allowed:
        services.sales_plan_delete(actor=actor, plan_id=item.pk)
    else:
        with pytest.raises(PermissionDenied):
            services.sales_plan_delete(actor=actor, plan_id=item.pk)

    assert SalesPlan.objects.filter(pk=item.pk).exists() != allowed
    assert AuditEvent.objects.filter(action="marketing.plan.delete").exists() == allowed


@pytest.mark.parametrize(("actor_is", "allowed"), EXECUTE)
def test_plan_item_result_by_the_assignee_only(user_of, actor_is, allowed):
    item = SalesPlanFactory()
    actor = actor_for(item.chance, actor_is, user_of)

    if allowed:
        services.sales_plan_record_result(actor=actor, plan_id=item.pk, result="客户有意向")
    else:
        with pytest.raises(PermissionDenied):
            services.sales_plan_record_result(actor=actor, plan_id=item.pk, result="客户有意向")

    item.refresh_from_db()
    assert item.result == ("客户有意向" if allowed else "")
    event = AuditEvent.objects.filter(action="marketing.plan.result").first()
    assert (event.changes if event else None) == (
        {"result": ["", "客户有意向"]} if allowed else None
    )


@pytest.mark.parametrize("trait", ["won", "lost"])
def test_the_plan_of_an_archived_chance_is_frozen(trait):
    chance = SalesChanceFactory(**{trait: True})
    item = SalesPlanFactory(chance=chance, todo="old")
    actor = chance.assignee
    calls = [
        lambda: services.sales_plan_create(
            actor=actor, chance_id=chance.pk, date=TOMORROW, todo="x"
        ),
        lambda: services.sales_plan_update(actor=actor, plan_id=item.pk, todo="x"),
        lambda: services.sales_plan_delete(actor=actor, plan_id=item.pk),
        lambda: services.sales_plan_record_result(actor=actor, plan_id=item.pk, result="x"),
    ]

    for call in calls:
        with pytest.raises(InvalidTransition, match="archived"):
            call()

    item.refresh_from_db()
    assert (item.todo, item.result, SalesPlan.objects.count()) == ("old", "", 1)
    assert not AuditEvent.objects.exists()


def test_an_unassigned_chance_has_no_plan(sales_manager):
    chance = SalesChanceFactory()

    with pytest.raises(InvalidTransition, match="not been assigned"):
        services.sales_plan_create(
            actor=sales_manager, chance_id=chance.pk, date=TOMORROW, todo="x"
        )

    assert not SalesPlan.objects.exists()


@pytest.mark.parametrize(("field", "value"), [("todo", ""), ("todo", "x" * 501), ("date", None)])
def test_plan_item_create_refuses_bad_input(field, value):
    chance = SalesChanceFactory(developing=True)
    data = {"date": TOMORROW, "todo": "拜访", field: value}

    with pytest.raises(ValidationError) as error:
        services.sales_plan_create(actor=chance.assignee, chance_id=chance.pk, **data)

    assert field in error.value.message_dict
    assert not SalesPlan.objects.exists()
    assert not AuditEvent.objects.exists()


def test_plan_item_result_refuses_an_over_long_text():
    item = SalesPlanFactory()

    with pytest.raises(ValidationError):
        services.sales_plan_record_result(
            actor=item.chance.assignee, plan_id=item.pk, result="x" * 501
        )

    item.refresh_from_db()
    assert item.result == ""


def test_a_colleague_granted_the_plan_may_change_it(account_manager):
    """A read-write share of the chance (协作) opens its plan items to the colleague."""
    item = SalesPlanFactory(todo="old")
    share(item.chance, account_manager, "write")

    services.sales_plan_update(actor=account_manager, plan_id=item.pk, todo="new")

    item.refresh_from_db()
    assert item.todo == "new"
