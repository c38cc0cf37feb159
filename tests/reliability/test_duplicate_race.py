"""
Twenty people create the same customer (same USCC, different names and phones) at the same
moment: the creation lock makes them pass the duplicate check one after another, so exactly
one customer exists and the nineteen others are refused, naming it (issue 18).
"""

import pytest
from django.core.exceptions import ValidationError

from apps.customers import services
from apps.customers.models import Customer
from apps.rbac.models import AuditEvent
from tests.factories import UserFactory
from tests.reliability.parallel import PARTIES, LockHolder, run_together

pytestmark = pytest.mark.django_db(transaction=True)

USCC = "91310000MA1FL8LQ47"


def test_twenty_parallel_creations_of_one_customer_make_one(monkeypatch):
    users = [UserFactory(role="account_manager") for _ in range(PARTIES)]
    holder = LockHolder(PARTIES - 1)
    monkeypatch.setattr(
        "apps.customers.services.customers.customer_number_next",
        holder.wrap(services.customer_number_next),
    )

    outcomes = run_together(
        [
            lambda user=user, n=n: services.customer_create(
                actor=user,
                name=f"上海智泰科技{n}号有限公司",
                uscc=USCC,
                tel=f"021-6487{n:04d}",
                manager=user,
            )
            for n, user in enumerate(users)
        ]
    )

    assert holder.seen == PARTIES - 1  # they really waited for the first one
    created = [o for o in outcomes if isinstance(o, Customer)]
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert (len(created), len(refused)) == (1, PARTIES - 1), outcomes
    assert Customer.objects.filter(uscc=USCC).count() == 1
    assert all(created[0].number in str(error) or "**" in str(error) for error in refused)
    assert AuditEvent.objects.filter(action="customers.customer.create").count() == 1
