"""The service types of the data dictionary, present in every service test (SPEC §6)."""

import pytest

from apps.basedata.models import DictItem
from tests.factories import DictItemFactory

SERVICE_TYPES = [("咨询", "Consultation"), ("建议", "Suggestion"), ("投诉", "Complaint")]


@pytest.fixture(autouse=True)
def service_types(db):
    return [
        DictItemFactory(
            type=DictItem.SERVICE_TYPE, item=item, item_en=en, value=item, sort_order=order
        )
        for order, (item, en) in enumerate(SERVICE_TYPES)
    ]
