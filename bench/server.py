"""
The benchmark's own gunicorn, served as in production (DEBUG off, whitenoise, the manifest static
storage) on a free loopback port, and an HTTP client that reads the Server-Timing header.
"""

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
LOG_DIR = BASE_DIR / "var" / "bench"

# 2 cores: 3 worker processes keep both cores busy while one of them waits on PostgreSQL (the
# usual 2 × cores + 1 = 5 would mostly add memory: each process holds its own Django, and the
# GIL means the CPU-bound template rendering does not speed up beyond the cores); 4 threads each
# overlap the SQL waits, so 12 requests are in progress at once and the others queue in the
# listen backlog. The generous timeout lets a heavy report be computed in the request the first
# time (Celery runs eagerly here, with no worker); production leaves that to the worker.
WORKERS, THREADS, TIMEOUT = 3, 4, 300
# Idle keep-alive connections are parked by the gthread worker (no thread held): keep them as
# long as the load balancer in front keeps a browser's (nginx's keepalive_timeout: 75 s), longer
# than the load run's think time.
KEEP_ALIVE = 75


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """Start with `with Gunicorn(env) as server:`; stopped (only its own pid) on exit."""

    def __init__(self, env: dict, workers: int = WORKERS, threads: int = THREADS):
        self.env, self.workers, self.threads = env, workers, threads
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log = LOG_DIR / f"gunicorn-{self.port}.log"

    def __enter__(self):
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "crm.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--threads",
            str(self.threads),
            "--worker-class",
            "gthread",
            "--timeout",
            str(TIMEOUT),
            "--backlog",
            "2048",
            "--keep-alive",
            str(KEEP_ALIVE),
        ]
        with self.log.open("w") as log:
            self.process = subprocess.Popen(  # its own session: the pid is its process group
                command,
                env=self.env,
                cwd=BASE_DIR,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wait_ready(timeout=60)
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: see {self.log}")
            try:
                status, _headers, _body = Client(self.port, "").get("/accounts/login/")
                if status == 200 and len(self.worker_pids()) == self.workers:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        self.__exit__(None, None, None)
        raise RuntimeError(f"gunicorn did not answer within {timeout} s: see {self.log}")

    def __exit__(self, *exc):
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)  # the group this runner created
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def worker_pids(self) -> list[int]:
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                pids.append(int(entry.name))
        return sorted(pids)

    def rss_mb(self) -> dict:
        """Resident memory of the master and of each worker, in MB (from /proc)."""
        sizes = {}
        for pid in [self.process.pid, *self.worker_pids()]:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            kb = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
            sizes["master" if pid == self.process.pid else str(pid)] = round(kb / 1024, 1)
        return sizes


SERVER_TIMING = re.compile(r"app;dur=([\d.]+).*?db;dur=([\d.]+);desc=\"(\d+) queries\"")


class Client:
    """One keep-alive connection; `get` returns (status, headers, body)."""

    def __init__(self, port: int, session_key: str, timeout: float = TIMEOUT + 10):
        self.port, self.timeout = port, timeout
        self.headers = {"Cookie": f"sessionid={session_key}"} if session_key else {}
        self.connection = None

    def get(self, url: str):
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=self.timeout
                )
            try:
                self.connection.request("GET", url, headers=self.headers)
                response = self.connection.getresponse()
                body = response.read()
                return response.status, response, body
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def timed(self, url: str) -> dict:
        """One request: status, client time, and the server's own time and query count."""
        start = time.perf_counter()
        status, response, body = self.get(url)
        client_ms = (time.perf_counter() - start) * 1000
        timing = SERVER_TIMING.search(response.getheader("Server-Timing") or "")
        return {
            "status": status,
            "client_ms": client_ms,
            "server_ms": float(timing.group(1)) if timing else None,
            "db_ms": float(timing.group(2)) if timing else None,
            "queries": int(timing.group(3)) if timing else None,
            "content_type": response.getheader("Content-Type") or "",
            "bytes": len(body),
            "body": body,
        }
