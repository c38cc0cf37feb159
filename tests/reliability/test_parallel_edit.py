"""
People who opened the same customer's edit form save at the same moment (issue 9): the first
save wins; every other one is told that the customer changed since they opened it, in their
language, and overwrites nothing. The stale-form guard (loaded_at) checked under a real race.
"""

import re

import pytest
from django.http import HttpResponseBase
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from apps.customers.models import Customer
from apps.demo.reference import reference_data_load
from apps.rbac.models import AuditEvent
from tests.customers.test_views import edit_form
from tests.factories import CustomerFactory, UserFactory, share
from tests.reliability.parallel import (
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

SERVICE = "apps.customers.services.customer_update"


def loaded_at(page) -> str:
    """The hidden field of the edit form as the browser received it."""
    return re.search(r'name="loaded_at" value="([^"]+)"', page.content.decode()).group(1)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("editors", [2, 20])
def test_of_people_saving_the_same_customer_at_once_one_wins_and_the_others_are_told(
    editors, monkeypatch
):
    reference_data_load()  # the region and level choices of the form
    customer = CustomerFactory(name="杭州新远科技")
    colleagues = [UserFactory(role="account_manager") for _ in range(editors - 1)]
    for colleague in colleagues:  # explicit sharing (SPEC §8): they may edit this customer
        share(customer, colleague, "write")
    url = reverse("customers:customer-update", args=[customer.pk])
    clients = browsers([customer.manager, *colleagues])
    pages = run_together([lambda c=c: c.get(url) for c in clients])  # each opens the form
    forms = [edit_form(customer, loaded_at=loaded_at(page)) for page in pages]
    names = [f"杭州新远科技 {i}" for i in range(editors)]
    holder = LockHolder(waiters=editors - 1)
    monkeypatch.setattr(SERVICE, holder.wrap(resolve(SERVICE)))
    before = fingerprint()

    responses = run_together(
        [
            lambda c=c, f=f, n=n: c.post(url, {**f, "name": n}, **ZH)
            for c, f, n in zip(clients, forms, names, strict=True)
        ]
    )

    assert all(isinstance(r, HttpResponseBase) for r in responses), responses  # no crash
    assert (holder.passed, holder.seen) == (1, editors - 1)  # the others waited for the first
    with translation.override("zh-hans"):
        stale = _(
            "Someone else changed this customer after you opened it. "
            "Reload the page, then make your change again."
        )
    assert not stale.startswith("Someone")  # translated
    saved = [i for i, r in enumerate(responses) if r.status_code == 302]
    assert len(saved) == 1
    (winner,) = saved
    losers = [r for i, r in enumerate(responses) if i != winner]
    assert {r.status_code for r in losers} == {200}
    assert all(stale in told(r) for r in losers)
    customer.refresh_from_db()
    assert customer.name == names[winner]
    event = AuditEvent.objects.get(action="customers.customer.update")
    assert event.actor == [customer.manager, *colleagues][winner]
    assert event.changes["name"] == ["杭州新远科技", names[winner]]
    assert changes(before, fingerprint()) == {table(Customer): 0, table(AuditEvent): 1}
