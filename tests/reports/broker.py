"""Switching the broker this test process publishes to (Celery caches its connections)."""

import time

from kombu import pools

from crm.celery import app as celery_app

CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens there: Redis is "down"


def use_broker(settings, url: str) -> None:
    """Publish to `url` (not eagerly) from now on; `settings` is pytest-django's fixture."""
    settings.CELERY_BROKER_URL = url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    # Celery keeps values set directly on its conf (another test may have) above the Django
    # settings it read: set them there too; tests/reports/conftest.py puts them back.
    celery_app.conf.broker_url = url
    celery_app.conf.task_always_eager = False
    reset_connections()


def reset_connections() -> None:
    pools.reset()
    celery_app._pool = None
    celery_app.__dict__.pop("amqp", None)  # rebuilt with the current broker


def wait_for(predicate, timeout: float = 60, step: float = 0.25):
    """Poll `predicate` until it is true, at most `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"gave up after {timeout} s")
