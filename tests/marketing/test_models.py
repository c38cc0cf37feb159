"""The database itself refuses illegal chances (STYLE §2.1 principle 5)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from apps.marketing.models import SalesChance
from tests.factories import UserFactory
from tests.marketing.factories import SalesChanceFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "change",
    [
        {"status": 0},
        {"status": 5},
        {"rate": 101},
        {"status": SalesChance.Status.DEVELOPING},  # assigned without an assignee
        {"assigned_at": timezone.now()},  # unassigned with an assignment date
    ],
    ids=["status-0", "status-5", "rate-101", "developing-without-assignee", "unassigned-dated"],
)
def test_the_database_refuses_an_illegal_chance(change):
    chance = SalesChanceFactory()

    with pytest.raises(IntegrityError):
        SalesChance.objects.filter(pk=chance.pk).update(**change)


def test_the_database_refuses_an_unassigned_chance_with_an_assignee():
    chance = SalesChanceFactory()

    with pytest.raises(IntegrityError):
        SalesChance.objects.filter(pk=chance.pk).update(
            assignee=UserFactory(role="account_manager")
        )


def test_a_rate_over_100_fails_model_validation_too():
    chance = SalesChanceFactory.build(rate=101, created_by=UserFactory(role="sales_manager"))

    with pytest.raises(ValidationError) as error:
        chance.full_clean()

    assert "rate" in error.value.message_dict
