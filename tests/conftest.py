"""Fixtures shared by every test: a user per role and a client signed in as one."""

import os

import pytest

from apps.rbac import roles
from tests.factories import UserFactory

ROLES = [roles.ADMIN, roles.SALES_MANAGER, roles.ACCOUNT_MANAGER, roles.EXECUTIVE]


@pytest.fixture
def user_of():
    """user_of("sales_manager") -> a new active user with that built-in role."""
    return lambda role, **kwargs: UserFactory(role=role, **kwargs)


@pytest.fixture
def admin_user(user_of):
    return user_of(roles.ADMIN)


@pytest.fixture
def sales_manager(user_of):
    return user_of(roles.SALES_MANAGER)


@pytest.fixture
def account_manager(user_of):
    return user_of(roles.ACCOUNT_MANAGER)


@pytest.fixture
def executive(user_of):
    return user_of(roles.EXECUTIVE)


@pytest.fixture
def client_as(client, user_of):
    """client_as("admin") -> the test client, signed in as a new user of that role."""

    def sign_in(role):
        user = user_of(role)
        client.force_login(user)
        client.user = user
        return client

    return sign_in


@pytest.fixture(autouse=True)
def restore_celery_conf():
    """The broker a test set on Celery's conf (tests/reports/broker.py) never leaks into others."""
    from crm.celery import app as celery_app
    from tests.reports.broker import reset_connections

    saved = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    yield
    if (celery_app.conf.broker_url, celery_app.conf.task_always_eager) != saved:
        celery_app.conf.broker_url, celery_app.conf.task_always_eager = saved
        reset_connections()


def pytest_collection_modifyitems(config, items):
    """Tests marked `slow` (exhaustive variants of a default test) run only with SLOW=1."""
    if os.environ.get("SLOW") == "1":
        return
    skip = pytest.mark.skip(reason="exhaustive variant: run with SLOW=1 (make test SLOW=1)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def forget_memos():
    """The frame's per-process memory (crm.memo) starts empty in every test: a rolled-back
    test may have kept an entry under a version number that the next test reaches again."""
    from crm.memo import clear_all

    clear_all()
