"""
Twenty tabs share the same customer with the same colleague at the same moment (协作, issue 16):
the customer's row lock puts them in a line; the first creates the share and its audit record,
the nineteen others find it there and are told so in their language. One row, one audit record.
"""

import pytest
from django.http import HttpResponseBase
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from apps.rbac.models import AuditEvent, RecordShare
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

HELD = "apps.rbac.services.sharing._colleague"  # runs with the customer locked


@pytest.mark.timeout(120)
def test_twenty_identical_share_requests_make_one_share(monkeypatch):
    customer = CustomerFactory()
    colleague = UserFactory(role="account_manager")
    clients = browsers([customer.manager] * PARTIES)
    url = reverse("rbac:share-create", args=["customer", customer.pk])
    payload = {"user": colleague.pk, "access": "write", "until": ""}
    holder = LockHolder(waiters=PARTIES - 1)
    monkeypatch.setattr(HELD, holder.wrap(resolve(HELD)))
    before = fingerprint()

    responses = run_together([lambda c=c: c.post(url, payload, follow=True, **ZH) for c in clients])

    assert all(isinstance(r, HttpResponseBase) for r in responses), responses  # no crash
    assert (holder.passed, holder.seen) == (PARTIES, PARTIES - 1)  # one at a time, in a line
    assert {r.status_code for r in responses} == {200}
    with translation.override("zh-hans"):
        name = colleague.display_name
        done = _("Shared with %(name)s.") % {"name": name}
        again = _("%(name)s already has this share.") % {"name": name}
    assert sorted(done in told(r) for r in responses) == [False] * (PARTIES - 1) + [True]
    assert sum(again in told(r) for r in responses) == PARTIES - 1
    share = RecordShare.objects.get()
    assert (share.user, share.access) == (colleague, "write")
    assert AuditEvent.objects.get(action="rbac.share.write").actor == customer.manager
    assert changes(before, fingerprint()) == {table(RecordShare): 1, table(AuditEvent): 1}
