"""Switching the broker this test process publishes to (Celery caches its connections)."""

import os
import subprocess
import sys
import time

from django.conf import settings
from django.db import connection
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


def celery_worker(log_path, **env) -> subprocess.Popen:
    """
    `celery -A crm worker -P solo` on the test database, with `env` added to the environment
    (REDIS_URL, MEDIA_ROOT…), ready within 60 s; the caller stops it by its pid.
    """
    environment = {
        **os.environ,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}",
        "CONN_MAX_AGE": "0",
        **env,
    }
    command = [sys.executable, "-m", "celery", "-A", "crm", "worker", "-P", "solo", "-l", "INFO"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    with open(log_path, "wb") as out:
        process = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=environment, stdout=out, stderr=subprocess.STDOUT
        )
    wait_for(lambda: b"ready." in log_path.read_bytes() or process.poll() is not None, 60)
    assert process.poll() is None, log_path.read_text()
    return process
