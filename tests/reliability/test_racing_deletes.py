"""
Deletes that race each other or an edit (defects issue, item 3). Twenty people delete the same
linkman or customer at once: one deletes it, the nineteen others are told it no longer exists
(a 404, or that sentence in their language), never a server error or the "database
unavailable" page. An edit racing a delete of the same records either saves before the delete
or is told the record is gone; they never deadlock, and the database is left consistent.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.http import HttpResponseBase
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from apps.customers.models import Customer, Linkman
from apps.demo.reference import reference_data_load
from apps.rbac.models import AuditEvent
from tests.customers.factories import LinkmanFactory
from tests.customers.test_views import edit_form
from tests.reliability.parallel import (
    PARTIES,
    ZH,
    Ahead,
    LockHolder,
    browsers,
    changes,
    fingerprint,
    resolve,
    run_together,
    table,
    told,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]

# Runs inside every customers service after its row locks, before the commit.
AUDITED = "apps.customers.services.customers.audit_event_create"
# The linkman edit's first lock (its customer); the leader of a race waits right after it.
CUSTOMER_LOCKED = "apps.customers.services.customers._locked_customer"


def zh(message: str, **values) -> str:
    with translation.override("zh-hans"):
        text = _(message)
        assert text != message, f"not translated: {message}"
        return text % values if values else text


def gone(noun: str) -> str:
    """What a user reads about a record deleted under him: "This linkman no longer exists."."""
    with translation.override("zh-hans"):
        return zh("This %(record)s no longer exists.", record=_(noun))


def assert_no_server_error(responses) -> None:
    """No exception escaped (the test client re-raises them), no 500, no 503."""
    assert all(isinstance(r, HttpResponseBase) for r in responses), responses
    assert not [r.status_code for r in responses if r.status_code >= 500]


def linkman_form(linkman, **overrides) -> dict:
    data = {"name": linkman.name, "sex": "男", "position": linkman.position, "tel": linkman.tel}
    return {**data, "mobile": "", "memo": "", **overrides}


@pytest.mark.parametrize("record", ["linkman", "customer"])
def test_of_twenty_deletes_of_one_record_one_deletes_and_the_others_are_told_it_is_gone(
    record, monkeypatch
):
    linkman = LinkmanFactory()
    customer = linkman.customer
    if record == "linkman":
        url = reverse("customers:linkman-delete", args=[linkman.pk])
        deleted, action = zh("Deleted."), "customers.linkman.delete"
        changed = {table(Linkman): -1, table(AuditEvent): 1}
    else:
        url = reverse("customers:customer-delete", args=[customer.pk])
        deleted, action = zh("The customer has been deleted."), "customers.customer.delete"
        changed = {table(Customer): 0, table(AuditEvent): 1}
    holder = LockHolder(waiters=PARTIES - 1)  # the first holds its lock until all others wait
    monkeypatch.setattr(AUDITED, holder.wrap(resolve(AUDITED)))
    clients = browsers([customer.manager] * PARTIES)  # twenty tabs of the customer's manager
    before = fingerprint()

    responses = run_together([lambda c=c: c.post(url, **ZH) for c in clients])

    assert_no_server_error(responses)
    assert (holder.passed, holder.seen) == (1, PARTIES - 1)  # they raced for the same row
    winners = [r for r in responses if deleted in told(r)]
    assert len(winners) == 1
    losers = [r for r in responses if r not in winners]
    assert {r.status_code for r in losers} <= {302, 404}
    assert all(gone(record) in told(r) for r in losers)
    assert AuditEvent.objects.filter(action=action).count() == 1
    assert changes(before, fingerprint()) == changed
    if record == "customer":
        customer.refresh_from_db()
        assert customer.status == Customer.Status.DELETED


@dataclass
class EditAndDelete:
    leader: str  # "edit" or "delete": whose locks the other one meets
    held: str  # the function after whose call the leader waits for the other
    edit: Callable  # (client, linkman) -> the edit's response
    delete: Callable  # (client, linkman) -> the delete's response
    gone: str  # the record the edit is told is gone when the delete went first
    check: Callable  # (linkman, edited: bool) -> asserts the final state


def linkman_edit(client, linkman):
    url = reverse("customers:linkman-update", args=[linkman.pk])
    return client.post(url, linkman_form(linkman, position="总经理"), **ZH)


def linkman_delete(client, linkman):
    return client.post(reverse("customers:linkman-delete", args=[linkman.pk]), **ZH)


def customer_edit(client, linkman):
    customer = linkman.customer
    url = reverse("customers:customer-update", args=[customer.pk])
    return client.post(url, edit_form(customer, name="杭州新远科技"), **ZH)


def customer_delete(client, linkman):
    return client.post(reverse("customers:customer-delete", args=[linkman.customer_id]), **ZH)


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))


def linkman_deleted(linkman, edited):
    assert not Linkman.objects.filter(pk=linkman.pk).exists()
    update = ["customers.linkman.update"] if edited else []
    assert actions() == [*update, "customers.linkman.delete"]


def customer_deleted(linkman, edited):
    """Only after the delete: the customer is deleted, his linkman as it was."""
    assert Customer.objects.get(pk=linkman.customer_id).status == Customer.Status.DELETED
    assert Linkman.objects.get(pk=linkman.pk).position == linkman.position
    assert actions() == ["customers.customer.delete"]


def customer_edited_linkman_deleted(linkman, edited):
    assert Customer.objects.get(pk=linkman.customer_id).name == "杭州新远科技"
    assert not Linkman.objects.filter(pk=linkman.pk).exists()
    assert actions() == ["customers.customer.update", "customers.linkman.delete"]


RACES = {
    # The edit locks the customer, then the linkman; the delete must take them in that order
    # too, else each holds what the other waits for (a deadlock).
    "linkman edit, then its delete": EditAndDelete(
        "edit", CUSTOMER_LOCKED, linkman_edit, linkman_delete, "linkman", linkman_deleted
    ),
    # The customer edit locks only the customer: the delete waits for it, then goes on.
    "customer edit, then a linkman delete": EditAndDelete(
        "edit",
        "apps.customers.services.customers.audit_record_changes",
        customer_edit,
        linkman_delete,
        "linkman",
        customer_edited_linkman_deleted,
    ),
    "linkman delete, then its edit": EditAndDelete(
        "delete", AUDITED, linkman_edit, linkman_delete, "linkman", linkman_deleted
    ),
    "customer delete, then a linkman edit": EditAndDelete(
        "delete",
        AUDITED,
        linkman_edit,
        customer_delete,
        "customer",
        customer_deleted,
    ),
    "customer delete, then the customer's edit": EditAndDelete(
        "delete",
        AUDITED,
        customer_edit,
        customer_delete,
        "customer",
        customer_deleted,
    ),
}


@pytest.mark.parametrize("name", RACES)
def test_an_edit_racing_a_delete_saves_first_or_is_told_the_record_is_gone(name, monkeypatch):
    race = RACES[name]
    reference_data_load()  # the region and level choices of the customer form
    linkman = LinkmanFactory()
    ahead = Ahead()
    monkeypatch.setattr(race.held, ahead.wrap(resolve(race.held)))
    editor, deleter = browsers([linkman.customer.manager] * 2)
    edit = lambda: race.edit(editor, linkman)  # noqa: E731
    delete = lambda: race.delete(deleter, linkman)  # noqa: E731
    if race.leader == "edit":
        calls = [ahead.lead(edit), ahead.follow(delete)]
    else:
        calls = [ahead.follow(edit), ahead.lead(delete)]

    edited, deleted = run_together(calls)

    assert_no_server_error([edited, deleted])
    assert ahead.seen == 1  # the follower met the leader's lock
    assert deleted.status_code == 302
    if race.leader == "edit":
        assert (edited.status_code, zh("Saved.") in told(edited)) == (302, True)
    else:  # the delete committed first: the edit is refused and says why
        assert edited.status_code in (200, 404)
        assert gone(race.gone) in told(edited)
    race.check(linkman, edited=race.leader == "edit")
