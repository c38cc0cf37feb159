"""Marketing tests read messages in English, whatever the catalogues translate."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield
