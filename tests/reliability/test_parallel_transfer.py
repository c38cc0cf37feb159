"""
Twenty sales managers transfer the same customer at the same moment, each to a colleague of his
choice, each from a form that showed the customer's account manager then (issue 16): exactly
one transfer happens (one ownership record, one audit event); the nineteen others are told in
their language who moved it to whom, on an ordinary page, and nothing else changes.
"""

import uuid

import pytest
from django.http import HttpResponseBase
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from apps.customers.models import Customer, CustomerOwnership
from apps.rbac.models import AuditEvent
from crm.models import SubmissionToken
from tests.factories import CustomerFactory, UserFactory
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

pytestmark = pytest.mark.django_db(transaction=True)

HELD = "apps.customers.services.transfer._audit"  # after the lock and the checks: winners only
STALE = (
    "%(customer)s has already been transferred by %(by)s to %(to)s. "
    "Nothing was changed; reload the page to see its account manager now."
)


@pytest.mark.timeout(120)
def test_of_twenty_managers_transferring_one_customer_at_once_one_wins_and_the_rest_are_told(
    monkeypatch,
):
    old = UserFactory(role="account_manager")
    customer = CustomerFactory(manager=old, name="杭州新远科技")
    managers = [UserFactory(role="sales_manager") for _ in range(PARTIES)]
    targets = [UserFactory(role="account_manager") for _ in range(PARTIES)]
    url = reverse("customers:customer-transfer-one", args=[customer.pk])

    def form(i):
        return {
            "to_user": targets[i].pk,
            "with_chances": "on",
            f"owner_{customer.pk}": old.pk,
            "submit_token": str(uuid.uuid4()),
            "reason": f"调整 {i}",
        }

    clients = browsers(managers)
    holder = LockHolder(waiters=PARTIES - 1)
    monkeypatch.setattr(HELD, holder.wrap(resolve(HELD)))
    before = fingerprint()

    responses = run_together(
        [lambda c=c, i=i: c.post(url, form(i), **ZH) for i, c in enumerate(clients)]
    )

    assert all(isinstance(r, HttpResponseBase) for r in responses), responses  # no crash
    # The race was real: nineteen requests waited for the lock the winner held, uncommitted.
    assert (holder.passed, holder.seen) == (1, PARTIES - 1)
    winners = [i for i, r in enumerate(responses) if r.status_code == 302]
    assert len(winners) == 1, [told(r)[-300:] for r in responses]
    (winner,) = winners
    customer = Customer.objects.get(pk=customer.pk)
    assert customer.manager == targets[winner]
    names = {
        "customer": customer.name,
        "by": managers[winner].display_name,
        "to": targets[winner].display_name,
    }
    with translation.override("zh-hans"):
        refused = _(STALE) % names
    assert refused != STALE % names  # in the catalogue
    assert "已被" in refused
    losers = [r for i, r in enumerate(responses) if i != winner]
    assert {r.status_code for r in losers} == {200}
    assert all(refused in told(r) for r in losers)
    assert AuditEvent.objects.filter(action="customers.customer.transfer").count() == 1
    assert list(CustomerOwnership.objects.values_list("from_user", "to_user", "by", "reason")) == [
        (old.pk, targets[winner].pk, managers[winner].pk, f"调整 {winner}")
    ]
    assert changes(before, fingerprint()) == {
        table(Customer): 0,
        table(CustomerOwnership): 1,
        table(AuditEvent): 1,
        table(SubmissionToken): 1,
    }
