"""Fixtures of the report tests: the hand-computed data set of tests/reports/dataset.py."""

import pytest

from tests.reports.dataset import create_data, create_dictionaries


@pytest.fixture
def dictionaries(db):
    create_dictionaries()


@pytest.fixture
def data(dictionaries):
    return create_data()
