"""
Twenty people submit the same state change at the same moment, through the web pages (issue 9,
RELIABILITY §2.2): exactly one request wins and writes one audit row; the nineteen others are
told why in their language (zh-hans) with an ordinary page, never a server error; no other row
of any table changes, so there is no second customer and no second notification.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.http import HttpResponseBase
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.customers.models import Churn, ChurnMeasure, Customer, Linkman
from apps.marketing.models import SalesChance
from apps.rbac.models import AuditEvent
from apps.service.models import ServiceTicket
from crm.models import SubmissionToken
from tests.customers.churn_factories import ChurnFactory, old_customer
from tests.factories import UserFactory
from tests.marketing.factories import SalesChanceFactory
from tests.reliability.parallel import (
    PARTIES,
    ZH,
    LockHolder,
    browsers,
    changes,
    fingerprint,
    resolve,
    run_together,
    table,
    told,
)
from tests.service.factories import ServiceTicketFactory

pytestmark = pytest.mark.django_db(transaction=True)

TRANSITION_REFUSED = "This record is “%(current)s”; it cannot become “%(target)s”."


@dataclass
class Race:
    url: str
    users: list  # who posts: one per party (the same user may appear in several sessions)
    post: Callable[[int], dict]  # what party i posts
    held: str  # the function that runs inside the locked section, where the winner waits
    action: str  # the audit action of the transition
    statuses: tuple[int, int]  # the HTTP status of the winner's answer, of the losers'
    changed: dict[str, int]  # every table that changes: rows added (0: changed in place)
    refused: Callable[[], str]  # what a loser reads, in the active language
    check: Callable[[int], None]  # the final state, given the winning party


def assign_a_sales_chance() -> Race:
    chance = SalesChanceFactory()
    assignees = [UserFactory(role="account_manager") for _ in range(PARTIES)]

    def refused():
        chance.refresh_from_db()
        name = chance.assignee.display_name
        return _("This chance has already been assigned to %(name)s.") % {"name": name}

    def check(winner):
        chance.refresh_from_db()
        assert (chance.status, chance.assignee) == (
            SalesChance.Status.DEVELOPING,
            assignees[winner],
        )

    return Race(
        url=reverse("marketing:chance-assign", args=[chance.pk]),
        users=[UserFactory(role="sales_manager") for _ in range(PARTIES)],
        post=lambda i: {"assignee": assignees[i].pk, "assigned_on": timezone.localdate()},
        held="apps.marketing.services.chances.transition",
        action="marketing.chance.assign",
        statuses=(302, 200),
        changed={table(SalesChance): 0, table(AuditEvent): 1},
        refused=refused,
        check=check,
    )


def assign_a_service_ticket() -> Race:
    ticket = ServiceTicketFactory()
    assignees = [UserFactory(role="account_manager") for _ in range(PARTIES)]

    def refused():
        ticket.refresh_from_db()
        return _("Someone else has already assigned this service to %(name)s.") % {
            "name": ticket.assignee
        }

    def check(winner):
        ticket.refresh_from_db()
        assert (ticket.status, ticket.assignee) == (
            ServiceTicket.Status.ASSIGNED,
            assignees[winner],
        )

    return Race(
        url=reverse("service:ticket-assign", args=[ticket.pk]),
        users=[UserFactory(role="sales_manager") for _ in range(PARTIES)],
        post=lambda i: {"assignee": assignees[i].pk},
        held="apps.service.services.transition",
        action="service.ticket.assign",
        statuses=(302, 200),
        changed={table(ServiceTicket): 0, table(AuditEvent): 1},
        refused=refused,
        check=check,
    )


def confirm_a_churn() -> Race:
    churn = ChurnFactory(customer=old_customer())
    confirmed = Churn.Status.CONFIRMED.label

    def check(winner):
        churn.refresh_from_db()
        churn.customer.refresh_from_db()
        assert (churn.status, churn.reason) == (Churn.Status.CONFIRMED, f"不再采购 {winner}")
        assert churn.customer.status == Customer.Status.LOST

    return Race(
        url=reverse("customers:churn-confirm", args=[churn.pk]),
        users=[churn.customer.manager] * PARTIES,  # twenty tabs of the customer's manager
        post=lambda i: {"reason": f"不再采购 {i}"},
        held="apps.customers.services.churn.transition",
        action="customers.churn.confirm",
        statuses=(302, 200),
        # the record and the customer; audit: the confirmation and the customer becoming lost
        changed={table(Churn): 0, table(Customer): 0, table(AuditEvent): 2},
        refused=lambda: _(TRANSITION_REFUSED) % {"current": confirmed, "target": confirmed},
        check=check,
    )


def postpone_a_churn() -> Race:
    """One postpone form sent twenty times (double clicks, a resent request): one measure."""
    churn = ChurnFactory(customer=old_customer())
    token = "3f0b8f0e-4c2a-4f0e-9a51-6d1c2b7e8a90"

    def check(winner):
        churn.refresh_from_db()
        assert churn.status == Churn.Status.POSTPONED
        assert list(churn.measures.values_list("text", flat=True)) == ["每周电话回访"]

    return Race(
        url=reverse("customers:churn-postpone", args=[churn.pk]),
        users=[churn.customer.manager] * PARTIES,
        post=lambda i: {"measure": "每周电话回访", "submit_token": token},
        held="apps.customers.services.churn.transition",
        action="customers.churn.postpone",
        statuses=(302, 302),
        changed={
            table(Churn): 0,
            table(ChurnMeasure): 1,
            table(AuditEvent): 1,
            table(SubmissionToken): 1,
        },
        refused=lambda: _("This form was already submitted."),
        check=check,
    )


def win_a_sales_chance() -> Race:
    chance = SalesChanceFactory(developing=True)
    won = SalesChance.Status.WON.label

    def check(winner):
        customer = Customer.objects.get()
        assert (customer.name, customer.manager) == (chance.customer_name, chance.assignee)
        assert list(Linkman.objects.values_list("customer", "name")) == [(customer.pk, "周敏")]

    return Race(
        url=reverse("marketing:chance-win", args=[chance.pk]),
        users=[chance.assignee] * PARTIES,
        post=lambda i: {},
        held="apps.marketing.services.chances.transition",
        action="marketing.chance.win",
        statuses=(302, 302),
        changed={
            table(SalesChance): 0,
            table(Customer): 1,
            table(Linkman): 1,
            "cst_customer_number_seq": 1,
            table(AuditEvent): 3,  # the win, the customer, his linkman
        },
        refused=lambda: _(TRANSITION_REFUSED) % {"current": won, "target": won},
        check=check,
    )


RACES = {
    "assign a sales chance": assign_a_sales_chance,
    "assign a service ticket": assign_a_service_ticket,
    "confirm a churn": confirm_a_churn,
    "postpone a churn with one form": postpone_a_churn,
    "win a sales chance": win_a_sales_chance,
}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("race", RACES)
def test_of_twenty_people_sending_the_same_change_at_once_one_wins_and_the_rest_are_told(
    race, monkeypatch
):
    race = RACES[race]()
    clients = browsers(race.users)
    holder = LockHolder(waiters=PARTIES - 1)
    monkeypatch.setattr(race.held, holder.wrap(resolve(race.held)))
    before = fingerprint()

    responses = run_together(
        [lambda c=c, i=i: c.post(race.url, race.post(i), **ZH) for i, c in enumerate(clients)]
    )

    assert all(isinstance(r, HttpResponseBase) for r in responses), responses  # no crash
    # The race was real: nineteen requests waited for the lock the winner held, uncommitted.
    assert (holder.passed, holder.seen) == (1, PARTIES - 1)
    with translation.override("en"):
        english = race.refused()
    with translation.override("zh-hans"):
        refused = race.refused()
    assert refused != english  # the losers' message is in the catalogue
    winners = [i for i, response in enumerate(responses) if refused not in told(response)]
    assert len(winners) == 1, [told(r)[-300:] for r in responses]
    (winner,) = winners
    assert {r.status_code for i, r in enumerate(responses) if i != winner} == {race.statuses[1]}
    assert responses[winner].status_code == race.statuses[0]
    assert AuditEvent.objects.filter(action=race.action).count() == 1
    assert changes(before, fingerprint()) == race.changed
    race.check(winner)
