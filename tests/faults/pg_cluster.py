"""
A private PostgreSQL 15 cluster for fault tests: initdb into a temporary directory, a free
loopback port, trust authentication. The test may restart or crash it; the shared server on
5432 is never touched. Everything runs as the `postgres` OS user when the test runs as root
(initdb refuses root), and the directory is removed on exit.
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

PG_BIN = Path(os.environ.get("CRM_PG_BIN", "/usr/lib/postgresql/15/bin"))
COMMAND_TIMEOUT = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pg_available() -> bool:
    return (PG_BIN / "initdb").exists() and (PG_BIN / "pg_ctl").exists()


class PrivatePostgres:
    """`with PrivatePostgres() as pg:` → pg.url("crm"), pg.restart("fast"), pg.postmaster_pid()."""

    def __init__(self):
        self.port = free_port()
        self.root: Path | None = None
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.root / "postgres.log"

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, timeout: float = COMMAND_TIMEOUT) -> str:
        result = subprocess.run(
            [*self.as_postgres, *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{args[0]} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def __enter__(self):
        self.root = Path(tempfile.mkdtemp(prefix="crm-pgfault-"))
        try:
            if self.as_postgres:
                shutil.chown(self.root, "postgres", "postgres")
            self._run(
                str(PG_BIN / "initdb"),
                "-D",
                str(self.data),
                "--auth=trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            )
            self.start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _options(self) -> str:
        # fsync off: a crashed postmaster loses nothing the kernel already holds (committed
        # WAL included), which is the failure tested here; an OS crash is not. With fsync on,
        # the start after a crash first fsyncs the whole data directory, which takes tens of
        # seconds on a busy disk.
        return (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c max_connections=50 -c shared_buffers=32MB -c fsync=off"
        )

    def _pg_ctl(self, action: str, *extra: str) -> None:
        self._run(
            str(PG_BIN / "pg_ctl"),
            action,
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            self._options(),
            "-w",
            "-t",
            "30",
            *extra,
        )

    def start(self) -> None:
        self._pg_ctl("start")

    def restart(self, mode: str, down: float = 0.0) -> None:
        """
        `fast`: a clean shutdown (sessions cut); `immediate`: a crash, WAL recovery at start.
        With `down` seconds, the server stays stopped that long before it starts again.
        """
        if not down:
            self._pg_ctl("restart", "-m", mode)
            return
        self._pg_ctl("stop", "-m", mode)
        time.sleep(down)
        self.start()

    def postmaster_pid(self) -> int | None:
        try:
            return int((self.data / "postmaster.pid").read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            return None

    def checkpoint(self) -> None:
        """Flush everything so far: a crash then replays only what follows."""
        self._run(
            str(PG_BIN / "psql"),
            "-h",
            str(self.root),
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-c",
            "CHECKPOINT",
        )

    def create_database(self, name: str) -> None:
        self._run(str(PG_BIN / "createdb"), "-h", str(self.root), "-p", str(self.port), name)

    def __exit__(self, *exc):
        if self.root is None:
            return
        pid = self.postmaster_pid()
        if pid is not None:
            try:
                self._run(
                    str(PG_BIN / "pg_ctl"),
                    "stop",
                    "-D",
                    str(self.data),
                    "-m",
                    "immediate",
                    "-w",
                    "-t",
                    "20",
                    timeout=30,
                )
            except (RuntimeError, subprocess.TimeoutExpired):
                _kill_if_postmaster(pid)
        shutil.rmtree(self.root, ignore_errors=True)
        self.root = None


def _kill_if_postmaster(pid: int) -> None:
    """SIGKILL our own postmaster (its children follow it) if pg_ctl could not stop it."""
    try:
        if "postgres" in Path(f"/proc/{pid}/comm").read_text():
            os.kill(pid, signal.SIGKILL)
            time.sleep(0.5)
    except OSError:
        pass
