"""
Fault injection with real processes (RELIABILITY §2.4, §2.11): a private `redis-server` on a
free port that a test may stop, start again, freeze (SIGSTOP) and thaw (SIGCONT); the app's
broker pointed at it; and a real Celery worker on the test database and that Redis.

Every process is started here and stopped here, by its own pid; every wait is bounded. The
shared Redis (6379) and PostgreSQL are never touched.
"""

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings as django_settings

from crm.celery import app as celery_app
from tests.reports.broker import celery_worker, reset_connections, use_broker, wait_for

BASE_DIR = Path(django_settings.BASE_DIR)
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """One redis-server of the test's own; the port stays the same across restarts."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.frozen = False

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_timeout=2, socket_connect_timeout=2)

    def start(self) -> None:
        assert self.process is None, "already running"
        with open(self.directory / "redis.log", "ab") as log:
            self.process = subprocess.Popen(
                [
                    REDIS_SERVER,
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--daemonize",
                    "no",
                    "--dir",
                    str(self.directory),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_for(self._answers, timeout=10, step=0.05)

    def _answers(self) -> bool:
        assert self.process.poll() is None, (self.directory / "redis.log").read_text()
        try:
            return self.client().ping()
        except redis.RedisError:
            return False

    def stop(self) -> None:
        """Redis stopped: the process ends (SIGTERM, SIGKILL after 10 s), the port is closed."""
        if self.process is None:
            return
        if self.frozen:
            self.thaw()  # a stopped process would hold SIGTERM until continued
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        self.process = None

    def freeze(self) -> None:
        """Redis frozen: the port still accepts connections, nothing ever answers."""
        os.kill(self.process.pid, signal.SIGSTOP)
        self.frozen = True

    def thaw(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)
        self.frozen = False


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def broker(settings, redis_server):
    """The app publishes (not eagerly) to the private Redis; Celery's conf is put back after."""
    saved = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    use_broker(settings, redis_server.url)
    yield redis_server
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = saved
    reset_connections()


@pytest.fixture
def media(settings, tmp_path):
    """Export files and uploads in a directory of the test's own (shared with the worker)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def worker(tmp_path, settings, redis_server):
    """
    start(**env) runs `celery -A crm worker -P solo` on the test database and the private Redis
    (with `env` added to its environment) and waits (at most 60 s) until it is ready; the
    fixture ends it by its pid.
    """
    started = []

    def start(**env) -> subprocess.Popen:
        log_path = tmp_path / f"worker{len(started)}.log"
        process = celery_worker(
            log_path,
            DJANGO_SETTINGS_MODULE="crm.settings_test",
            REDIS_URL=redis_server.url,
            MEDIA_ROOT=str(settings.MEDIA_ROOT),
            **env,
        )
        process.log_path = log_path
        started.append(process)
        return process

    yield start
    for process in started:
        if redis_server.frozen:
            redis_server.thaw()  # a worker blocked on a frozen Redis cannot finish shutting down
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def timed(call, *args, **kwargs):
    """(the call's result, the seconds it took)."""
    started = time.monotonic()
    result = call(*args, **kwargs)
    return result, time.monotonic() - started
