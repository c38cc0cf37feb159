"""
The CRM as production runs it, against a private database: `manage.py` steps in subprocesses,
gunicorn started with the launcher's own command (DEBUG off, plain HTTP on loopback), and a
small cookie-keeping HTTP client that fills the real forms (CSRF and one-time tokens).
"""

import http.client
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path

from crm.launcher import WEB_COMMAND
from tests.faults.pg_cluster import free_port
from tests.test_project import TEST_ONLY_VARIABLES

BASE_DIR = Path(__file__).resolve().parent.parent.parent
REQUEST_TIMEOUT = 10.0  # a request that takes longer counts as a hang
# Variables of the test run that must not leak into the production-like server.
NOT_INHERITED = {
    *TEST_ONLY_VARIABLES,
    "DEBUG",
    "DATABASE_URL",
    "REPORTS_DATABASE_URL",
    "REDIS_URL",
    "CONN_MAX_AGE",
    "CACHE_URL",
    "CELERY_TASK_ALWAYS_EAGER",
}


def server_env(database_url: str) -> dict:
    """The launcher's production settings over plain HTTP, without Redis (tasks in-process)."""
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    env.update(
        DATABASE_URL=database_url,
        DEBUG="false",
        SECURE_HTTPS="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        CELERY_TASK_ALWAYS_EAGER="true",
        # Nothing listens there: a task published by mistake would fail, not reach another
        # helper's Redis.
        REDIS_URL=f"redis://127.0.0.1:{free_port()}/0",
        # `make run` collects static files first; these pages only need their URLs.
        STATICFILES_STORAGE="django.contrib.staticfiles.storage.StaticFilesStorage",
        LOG_LEVEL="WARNING",
    )
    return env


def manage(env: dict, *args: str, timeout: float = 90) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


class Gunicorn:
    """
    `with Gunicorn(env, log_path) as web: ... web.wait_ready(60)`: the launcher's web command on
    a free port, stopped (its own process group only) at the end of the block.
    """

    def __init__(self, env: dict, log_path: Path):
        self.env, self.log_path = env, log_path
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def __enter__(self):
        """Starts it; `wait_ready()` then waits for an answer (workers boot meanwhile)."""
        command = [
            sys.executable,
            "-m",
            *WEB_COMMAND,
            "--bind",
            f"127.0.0.1:{self.port}",
            "--no-control-socket",  # the default socket under ~/.gunicorn is shared by all
        ]
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(  # its own session: its pid is its process group
                command,
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def wait_ready(self, timeout: float) -> None:
        """Until the login page answers 200 (a worker has booted)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log_path.read_text()[-3000:]}")
            try:
                if Browser(self.port).get("/accounts/login/").status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout} s")

    def worker_pids(self) -> set[int]:
        """The live worker processes (children of the master), from /proc."""
        pids = set()
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                fields = stat.rsplit(")", 1)[1].split()
                if int(fields[1]) == self.process.pid and fields[0] != "Z":
                    pids.add(int(entry.name))
        return pids

    def __exit__(self, *exc):
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGINT)  # gunicorn's quick shutdown
        try:
            self.process.wait(timeout=5)  # a test server: no state to save if it is slower
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


@dataclass
class Response:
    method: str
    path: str
    status: int  # 0: no HTTP answer (timeout or connection error)
    body: str
    location: str
    started: float  # time.monotonic() at the start
    elapsed: float
    error: str = ""


class _Inputs(HTMLParser):
    """name -> value of the first <input> of each name (hidden tokens, first radio choice)."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name"):
            self.values.setdefault(attrs["name"], attrs.get("value") or "")


def form_inputs(html: str) -> _Inputs:
    parser = _Inputs()
    parser.feed(html)
    return parser


@dataclass
class Browser:
    """One user's cookies; one connection per request, each bounded by REQUEST_TIMEOUT."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    log: list[Response] | None = None

    def request(self, method: str, path: str, data: dict | None = None) -> Response:
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        started = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers)
            answer = connection.getresponse()
            text = answer.read().decode("utf-8", "replace")
            for header in answer.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            response = Response(
                method,
                path,
                answer.status,
                text,
                answer.getheader("Location") or "",
                started,
                time.monotonic() - started,
            )
        except (OSError, http.client.HTTPException) as error:
            response = Response(
                method, path, 0, "", "", started, time.monotonic() - started, repr(error)
            )
        finally:
            connection.close()
        if self.log is not None:
            self.log.append(response)
        return response

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, data: dict) -> Response:
        return self.request("POST", path, data)
