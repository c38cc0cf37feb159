"""Postpone and confirm: who may, from which state, with which input; what they write."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.customers.models import Churn, ChurnMeasure, Customer
from apps.customers.services import churn_confirm, churn_postpone
from apps.rbac.models import AuditEvent
from crm.exceptions import InvalidTransition
from tests.customers.churn_factories import ChurnFactory, ChurnMeasureFactory
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db
S = Churn.Status


@pytest.fixture
def churn(account_manager):
    return ChurnFactory(customer=CustomerFactory(manager=account_manager))


def nothing_written(churn, status=S.WARNING):
    churn.refresh_from_db()
    churn.customer.refresh_from_db()
    return (
        churn.status == status
        and not ChurnMeasure.objects.filter(churn=churn).exists()
        and not AuditEvent.objects.exists()
        and churn.customer.status == Customer.Status.NORMAL
    )


@pytest.mark.parametrize("start", [S.WARNING, S.POSTPONED])
def test_postpone_appends_a_measure_and_records_the_transition(account_manager, start):
    churn = ChurnFactory(customer=CustomerFactory(manager=account_manager), status=start)
    ChurnMeasureFactory(churn=churn, text="first")

    churn_postpone(actor=account_manager, churn_id=churn.pk, measure="  call the buyer  ")

    churn.refresh_from_db()
    event = AuditEvent.objects.get(action="customers.churn.postpone")
    assert churn.status == S.POSTPONED
    assert list(churn.measures.values_list("text", "author")) == [
        ("first", account_manager.pk),
        ("call the buyer", account_manager.pk),
    ]
    assert (event.actor, event.from_status, event.to_status) == (
        account_manager,
        str(start),
        str(S.POSTPONED),
    )


@pytest.mark.parametrize("start", [S.WARNING, S.POSTPONED])
def test_confirm_sets_reason_and_lost_date_and_makes_the_customer_lost(account_manager, start):
    churn = ChurnFactory(customer=CustomerFactory(manager=account_manager), status=start)

    churn_confirm(actor=account_manager, churn_id=churn.pk, reason="moved to a competitor")

    churn.refresh_from_db()
    churn.customer.refresh_from_db()
    actions = set(AuditEvent.objects.values_list("action", "actor"))
    assert (churn.status, churn.reason, churn.lost_date) == (
        S.CONFIRMED,
        "moved to a competitor",
        timezone.localdate(),
    )
    assert churn.customer.status == Customer.Status.LOST
    assert actions == {
        ("customers.churn.confirm", account_manager.pk),
        ("customers.customer.lost", account_manager.pk),
    }


def test_confirm_keeps_a_deleted_customer_deleted(account_manager):
    customer = CustomerFactory(manager=account_manager, status=Customer.Status.DELETED)
    churn = ChurnFactory(customer=customer)

    churn_confirm(actor=account_manager, churn_id=churn.pk, reason="gone")

    customer.refresh_from_db()
    assert customer.status == Customer.Status.DELETED


@pytest.mark.parametrize("service", [churn_postpone, churn_confirm])
@pytest.mark.parametrize("start", [S.CONFIRMED, S.RECOVERED])
def test_closed_records_refuse_both_transitions(account_manager, service, start):
    churn = ChurnFactory(customer=CustomerFactory(manager=account_manager), status=start)

    with pytest.raises(InvalidTransition):
        _call(service, account_manager, churn)

    assert nothing_written(churn, status=start)


def _call(service, actor, churn):
    if service is churn_postpone:
        return service(actor=actor, churn_id=churn.pk, measure="a measure")
    return service(actor=actor, churn_id=churn.pk, reason="a reason")


@pytest.mark.parametrize("service", [churn_postpone, churn_confirm])
@pytest.mark.parametrize("who", ["other_account_manager", "sales_manager", "executive", "admin"])
def test_only_the_customers_account_manager_may_act(churn, service, who):
    actor = UserFactory(role=who.removeprefix("other_"))

    with pytest.raises(PermissionDenied):
        _call(service, actor, churn)

    assert nothing_written(churn)


def test_the_customers_current_manager_acts_after_a_reassignment(churn, account_manager):
    successor = UserFactory(role="account_manager")
    Customer.objects.filter(pk=churn.customer_id).update(manager=successor)

    with pytest.raises(PermissionDenied):
        _call(churn_postpone, account_manager, churn)
    _call(churn_postpone, successor, churn)

    churn.refresh_from_db()
    assert churn.status == S.POSTPONED


@pytest.mark.parametrize("blank", ["", "   ", "\n"])
def test_a_blank_measure_is_refused(churn, account_manager, blank):
    with pytest.raises(ValidationError) as error:
        churn_postpone(actor=account_manager, churn_id=churn.pk, measure=blank)

    assert "measure" in error.value.message_dict
    assert nothing_written(churn)


def test_a_blank_reason_is_refused(churn, account_manager):
    with pytest.raises(ValidationError) as error:
        churn_confirm(actor=account_manager, churn_id=churn.pk, reason=" ")

    assert "reason" in error.value.message_dict
    assert nothing_written(churn)


def test_a_measure_longer_than_2000_characters_is_refused(churn, account_manager):
    with pytest.raises(ValidationError):
        churn_postpone(actor=account_manager, churn_id=churn.pk, measure="x" * 2001)

    assert nothing_written(churn)
