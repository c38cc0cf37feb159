"""Fixtures of the report tests: the hand-computed data set of tests/reports/dataset.py."""

import pytest

from tests.reports.dataset import create_data, create_dictionaries


@pytest.fixture
def dictionaries(db):
    create_dictionaries()


@pytest.fixture
def data(dictionaries):
    return create_data()


@pytest.fixture(autouse=True)
def restore_celery_conf():
    """What broker.use_broker changes on Celery's conf does not leak into later tests."""
    from crm.celery import app as celery_app
    from tests.reports.broker import reset_connections

    saved = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    yield
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = saved
    reset_connections()
