"""
The two races of SPEC §3.1 with real parallel database connections (RELIABILITY §2.2): each
thread has its own connection and transaction, a Barrier releases them together, and a short
pause inside the locked section makes sure that the second one really arrives meanwhile.
"""

import threading
import time

import pytest
from django.db import connection
from django.utils import translation

from apps.customers.models import Customer
from apps.customers.services import customer_create_from_chance
from apps.marketing import services
from apps.marketing.models import SalesChance
from apps.rbac.models import AuditEvent
from crm.exceptions import InvalidTransition
from crm.workflow import transition
from tests.factories import UserFactory
from tests.marketing.factories import SalesChanceFactory

pytestmark = pytest.mark.django_db(transaction=True)

PAUSE = 0.3  # seconds spent inside the transaction, holding the lock


def run_together(*calls):
    """Run each call in its own thread and connection, released at once; their outcomes."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def worker(index, call):
        try:
            with translation.override("en"):
                barrier.wait(timeout=10)
                outcomes[index] = call()
        except Exception as error:  # the outcome under test, checked by the caller
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def slow(function):
    def wrapper(*args, **kwargs):
        result = function(*args, **kwargs)
        time.sleep(PAUSE)
        return result

    return wrapper


def test_two_managers_assigning_at_once_exactly_one_wins(monkeypatch):
    chance = SalesChanceFactory()
    managers = [UserFactory(role="sales_manager") for _ in range(2)]
    assignees = [UserFactory(role="account_manager", full_name=n) for n in ("甲", "乙")]
    monkeypatch.setattr("apps.marketing.services.chances.transition", slow(transition))

    outcomes = run_together(
        *[
            lambda i=i: services.sales_chance_assign(
                actor=managers[i], chance_id=chance.pk, assignee=assignees[i]
            )
            for i in range(2)
        ]
    )

    won = [o for o in outcomes if isinstance(o, SalesChance)]
    lost = [o for o in outcomes if isinstance(o, InvalidTransition)]
    assert (len(won), len(lost)) == (1, 1)
    chance.refresh_from_db()
    assert chance.assignee == won[0].assignee
    assert str(lost[0]) == (
        f"This chance has already been assigned to {chance.assignee.display_name}."
    )
    assert AuditEvent.objects.filter(action="marketing.chance.assign").count() == 1


def test_two_wins_at_the_same_moment_get_distinct_customer_numbers(monkeypatch):
    chances = SalesChanceFactory.create_batch(2, developing=True)
    monkeypatch.setattr(
        "apps.marketing.services.chances.customer_create_from_chance",
        slow(customer_create_from_chance),
    )

    outcomes = run_together(
        *[
            lambda c=c: services.sales_chance_mark_won(actor=c.assignee, chance_id=c.pk)
            for c in chances
        ]
    )

    assert all(isinstance(o, Customer) for o in outcomes), outcomes
    numbers = sorted(Customer.objects.values_list("number", flat=True))
    assert len(set(numbers)) == 2
    assert numbers[1][:10] == numbers[0][:10]  # the same day, consecutive sequence
    assert int(numbers[1][10:]) == int(numbers[0][10:]) + 1
    assert set(SalesChance.objects.values_list("status", flat=True)) == {SalesChance.Status.WON}
