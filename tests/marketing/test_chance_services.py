"""Sales chance services: SPEC §3.1 rules per role and ownership, audit, no partial writes."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.customers.models import Customer, Linkman
from apps.marketing import services
from apps.marketing.models import SalesChance, SalesPlan
from apps.rbac.models import AuditEvent
from crm.exceptions import InvalidTransition
from tests.factories import UserFactory
from tests.marketing.factories import SalesChanceFactory, SalesPlanFactory

pytestmark = pytest.mark.django_db
S = SalesChance.Status

NEW_CHANCE = {
    "source": "展会",
    "customer_name": "杭州新远科技有限公司",
    "title": "采购 20 台笔记本电脑",
    "rate": 60,
    "linkman": "周敏",
    "tel": "13800000000",
    "description": "客户计划下季度更换办公电脑。",
}


def audit_actions(obj) -> list[str]:
    return list(AuditEvent.objects.for_object(obj).order_by("pk").values_list("action", flat=True))


# create ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["sales_manager", "account_manager"])
def test_chance_create_records_the_creator_and_state_1_and_is_audited(user_of, role):
    actor = user_of(role)

    chance = services.sales_chance_create(actor=actor, **NEW_CHANCE)

    chance.refresh_from_db()
    assert (chance.status, chance.created_by, chance.assignee) == (S.UNASSIGNED, actor, None)
    event = AuditEvent.objects.get(action="marketing.chance.create")
    assert (event.actor, event.to_status, event.object_id) == (actor, "1", str(chance.pk))


@pytest.mark.parametrize("role", ["admin", "executive"])
def test_chance_create_is_refused_to_roles_without_the_right(user_of, role):
    with pytest.raises(PermissionDenied):
        services.sales_chance_create(actor=user_of(role), **NEW_CHANCE)

    assert not SalesChance.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("rate", 101), ("rate", -1), ("title", ""), ("description", "x" * 2001), ("tel", "1" * 51)],
)
def test_chance_create_refuses_bad_input_and_writes_nothing(sales_manager, field, value):
    with pytest.raises(ValidationError) as error:
        services.sales_chance_create(actor=sales_manager, **{**NEW_CHANCE, field: value})

    assert field in error.value.message_dict
    assert not SalesChance.objects.exists()
    assert not AuditEvent.objects.exists()


def test_sales_manager_may_assign_at_creation_in_the_same_transaction(sales_manager):
    manager = UserFactory(role="account_manager")

    chance = services.sales_chance_create(actor=sales_manager, assignee=manager, **NEW_CHANCE)

    chance.refresh_from_db()
    assert (chance.status, chance.assignee) == (S.DEVELOPING, manager)
    assert audit_actions(chance) == ["marketing.chance.create", "marketing.chance.assign"]


def test_account_manager_may_not_assign_at_creation_and_nothing_is_created(account_manager):
    colleague = UserFactory(role="account_manager")

    with pytest.raises(PermissionDenied):
        services.sales_chance_create(actor=account_manager, assignee=colleague, **NEW_CHANCE)

    assert not SalesChance.objects.exists()
    assert not AuditEvent.objects.exists()


# edit --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor_is", "allowed"),
    [
        ("creator", True),
        ("other_account_manager", False),
        ("sales_manager", True),  # SPEC §8: the sales manager edits every unassigned chance
        ("admin", False),
        ("executive", False),
    ],
)
def test_chance_update_by_creator_or_sales_manager_only(
    account_manager, user_of, actor_is, allowed
):
    chance = SalesChanceFactory(created_by=account_manager, title="old")
    actor = account_manager if actor_is == "creator" else user_of(actor_is.replace("other_", ""))

    if allowed:
        services.sales_chance_update(actor=actor, chance_id=chance.pk, title="new")
    else:
        with pytest.raises(PermissionDenied):
            services.sales_chance_update(actor=actor, chance_id=chance.pk, title="new")

    chance.refresh_from_db()
    assert chance.title == ("new" if allowed else "old")
    assert audit_actions(chance) == (["marketing.chance.update"] if allowed else [])


def test_chance_update_records_what_changed(account_manager):
    chance = SalesChanceFactory(created_by=account_manager, rate=10)

    services.sales_chance_update(
        actor=account_manager, chance_id=chance.pk, rate=30, title=chance.title
    )

    event = AuditEvent.objects.get(action="marketing.chance.update")
    assert event.changes == {"rate": [10, 30]}


@pytest.mark.parametrize("trait", ["developing", "won", "lost"])
def test_chance_update_is_refused_once_assigned(sales_manager, trait):
    chance = SalesChanceFactory(created_by=sales_manager, title="old", **{trait: True})

    with pytest.raises(InvalidTransition, match="Only unassigned"):
        services.sales_chance_update(actor=sales_manager, chance_id=chance.pk, title="new")

    chance.refresh_from_db()
    assert chance.title == "old"
    assert not AuditEvent.objects.exists()


def test_chance_update_refuses_bad_input(account_manager):
    chance = SalesChanceFactory(created_by=account_manager, rate=10)

    with pytest.raises(ValidationError):
        services.sales_chance_update(actor=account_manager, chance_id=chance.pk, rate=150)

    chance.refresh_from_db()
    assert chance.rate == 10
    assert not AuditEvent.objects.exists()


# delete ------------------------------------------------------------------------------------


@pytest.mark.parametrize("creator_role", ["sales_manager", "account_manager"])
def test_chance_delete_by_its_creator_removes_it_and_is_audited(user_of, creator_role):
    creator = user_of(creator_role)
    chance = SalesChanceFactory(created_by=creator)
    pk = chance.pk

    services.sales_chance_delete(actor=creator, chance_id=pk)

    assert not SalesChance.objects.filter(pk=pk).exists()
    event = AuditEvent.objects.get(action="marketing.chance.delete")
    assert (event.actor, event.object_id, event.data["customer_name"]) == (
        creator,
        str(pk),
        chance.customer_name,
    )


@pytest.mark.parametrize("role", ["sales_manager", "account_manager", "admin", "executive"])
def test_chance_delete_is_refused_to_anyone_but_the_creator(user_of, role):
    chance = SalesChanceFactory(created_by=UserFactory(role="account_manager"))

    with pytest.raises(PermissionDenied):
        services.sales_chance_delete(actor=user_of(role), chance_id=chance.pk)

    assert SalesChance.objects.filter(pk=chance.pk).exists()
    assert not AuditEvent.objects.exists()


def test_chance_delete_is_refused_once_assigned(sales_manager):
    chance = SalesChanceFactory(created_by=sales_manager, developing=True)
    SalesPlanFactory(chance=chance)

    with pytest.raises(InvalidTransition, match="Only unassigned"):
        services.sales_chance_delete(actor=sales_manager, chance_id=chance.pk)

    assert SalesPlan.objects.filter(chance=chance).exists()
    assert not AuditEvent.objects.exists()


# assign ------------------------------------------------------------------------------------


def test_chance_assign_moves_it_to_development_and_records_the_transition(sales_manager):
    chance = SalesChanceFactory()
    manager = UserFactory(role="account_manager")

    services.sales_chance_assign(actor=sales_manager, chance_id=chance.pk, assignee=manager)

    chance.refresh_from_db()
    assert (chance.status, chance.assignee) == (S.DEVELOPING, manager)
    assert timezone.now() - chance.assigned_at < datetime.timedelta(minutes=1)
    event = AuditEvent.objects.get(action="marketing.chance.assign")
    assert (event.actor, event.from_status, event.to_status) == (sales_manager, "1", "2")
    assert event.data["assignee"] == manager.pk


def test_chance_assign_on_an_earlier_day_starts_that_day(sales_manager):
    chance = SalesChanceFactory(created_at=timezone.now() - datetime.timedelta(days=10))
    day = timezone.localdate() - datetime.timedelta(days=2)

    services.sales_chance_assign(
        actor=sales_manager,
        chance_id=chance.pk,
        assignee=UserFactory(role="account_manager"),
        assigned_on=day,
    )

    chance.refresh_from_db()
    assert timezone.localtime(chance.assigned_at).date() == day


@pytest.mark.parametrize("role", ["account_manager", "admin", "executive"])
def test_chance_assign_is_refused_to_anyone_but_the_sales_manager(user_of, role):
    chance = SalesChanceFactory()

    with pytest.raises(PermissionDenied):
        services.sales_chance_assign(
            actor=user_of(role), chance_id=chance.pk, assignee=UserFactory(role="account_manager")
        )

    chance.refresh_from_db()
    assert chance.status == S.UNASSIGNED
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("trait", ["developing", "won", "lost"])
def test_chance_assign_of_an_assigned_chance_says_so_and_changes_nothing(sales_manager, trait):
    chance = SalesChanceFactory(**{trait: True})
    first = chance.assignee

    with pytest.raises(InvalidTransition, match="already been assigned"):
        services.sales_chance_assign(
            actor=sales_manager, chance_id=chance.pk, assignee=UserFactory(role="account_manager")
        )

    chance.refresh_from_db()
    assert chance.assignee == first
    assert not AuditEvent.objects.exists()


def _not_an_active_account_manager(kind):
    if kind == "sales_manager":
        return UserFactory(role="sales_manager")
    if kind == "disabled":
        return UserFactory(role="account_manager", is_active=False)
    return UserFactory(role=None)


@pytest.mark.parametrize("kind", ["sales_manager", "disabled", "no_role"])
def test_chance_assign_refuses_anyone_but_an_active_account_manager(sales_manager, kind):
    chance = SalesChanceFactory()

    with pytest.raises(ValidationError) as error:
        services.sales_chance_assign(
            actor=sales_manager, chance_id=chance.pk, assignee=_not_an_active_account_manager(kind)
        )

    assert "assignee" in error.value.message_dict
    chance.refresh_from_db()
    assert chance.status == S.UNASSIGNED
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("days", [1, -20])
def test_chance_assign_refuses_a_future_date_or_one_before_creation(sales_manager, days):
    chance = SalesChanceFactory(created_at=timezone.now() - datetime.timedelta(days=3))

    with pytest.raises(ValidationError) as error:
        services.sales_chance_assign(
            actor=sales_manager,
            chance_id=chance.pk,
            assignee=UserFactory(role="account_manager"),
            assigned_on=timezone.localdate() + datetime.timedelta(days=days),
        )

    assert "assigned_on" in error.value.message_dict
    chance.refresh_from_db()
    assert chance.status == S.UNASSIGNED


# win and terminate -------------------------------------------------------------------------


def test_chance_win_creates_the_customer_with_its_linkman_in_the_same_transaction():
    chance = SalesChanceFactory(
        developing=True, customer_name="宁波海天机械有限公司", linkman="王磊", tel="0574-88886666"
    )

    customer = services.sales_chance_mark_won(actor=chance.assignee, chance_id=chance.pk)

    chance.refresh_from_db()
    assert chance.status == S.WON
    assert (customer.name, customer.manager, customer.status) == (
        "宁波海天机械有限公司",
        chance.assignee,
        Customer.Status.NORMAL,
    )
    assert customer.number.startswith(f"KH{timezone.localdate():%Y%m%d}")
    linkman = Linkman.objects.get(customer=customer)
    assert (linkman.name, linkman.tel) == ("王磊", "0574-88886666")
    event = AuditEvent.objects.get(action="marketing.chance.win")
    assert (event.actor, event.from_status, event.to_status) == (chance.assignee, "2", "3")
    assert event.data["customer_number"] == customer.number


def test_chance_terminate_archives_it_as_lost_without_a_customer():
    chance = SalesChanceFactory(developing=True)

    services.sales_chance_terminate(actor=chance.assignee, chance_id=chance.pk)

    chance.refresh_from_db()
    assert chance.status == S.LOST
    assert not Customer.objects.exists()
    event = AuditEvent.objects.get(action="marketing.chance.terminate")
    assert (event.from_status, event.to_status) == ("2", "4")


OUTCOMES = [services.sales_chance_mark_won, services.sales_chance_terminate]


@pytest.mark.parametrize("outcome", OUTCOMES)
@pytest.mark.parametrize(
    "actor_is", ["sales_manager", "other_account_manager", "creator", "admin", "executive"]
)
def test_only_the_assignee_may_win_or_terminate(user_of, outcome, actor_is):
    creator = UserFactory(role="account_manager")
    chance = SalesChanceFactory(developing=True, created_by=creator)
    actor = creator if actor_is == "creator" else user_of(actor_is.replace("other_", ""))

    with pytest.raises(PermissionDenied):
        outcome(actor=actor, chance_id=chance.pk)

    chance.refresh_from_db()
    assert chance.status == S.DEVELOPING
    assert not Customer.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("outcome", OUTCOMES)
@pytest.mark.parametrize("trait", ["won", "lost"])
def test_an_archived_chance_cannot_be_won_or_terminated_again(outcome, trait):
    chance = SalesChanceFactory(**{trait: True})
    before = chance.status

    with pytest.raises(InvalidTransition, match="cannot become"):
        outcome(actor=chance.assignee, chance_id=chance.pk)

    chance.refresh_from_db()
    assert chance.status == before
    assert not Customer.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_failed_customer_creation_leaves_the_chance_in_development():
    chance = SalesChanceFactory(developing=True)
    failure = ValidationError({"name": "refused"})

    with (
        mock.patch(
            "apps.marketing.services.chances.customer_create_from_chance", side_effect=failure
        ),
        pytest.raises(ValidationError),
    ):
        services.sales_chance_mark_won(actor=chance.assignee, chance_id=chance.pk)

    chance.refresh_from_db()
    assert chance.status == S.DEVELOPING
    assert not AuditEvent.objects.exists()
