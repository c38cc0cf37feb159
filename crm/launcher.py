"""
`make run`: choose the services, prepare the database, and run web + Celery worker + beat.

With DATABASE_URL / REDIS_URL set, they are used. Otherwise the local PostgreSQL and Redis at
their default ports are used when they answer, and if they do not, an embedded SQLite file under
var/ with Celery tasks run in-process. A process that dies is started again after a back-off
(1 s, doubling up to a minute) while the others keep running; Ctrl-C or SIGTERM stops them all.
"""

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

from crm.preflight import answers

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
LOCAL_DATABASE = "postgres://postgres@127.0.0.1:5432/crm"
LOCAL_REDIS = "redis://127.0.0.1:6379/0"
SQLITE_DATABASE = f"sqlite:///{BASE_DIR / 'var' / 'crm.sqlite3'}"
# The web server command; docker-compose.yml runs the same one (a test keeps them equal).
WEB_COMMAND = ["gunicorn", "crm.wsgi", "--workers", "2", "--threads", "2", "--access-logfile", "-"]
WORKER_COMMAND = ["celery", "-A", "crm", "worker", "-l", "INFO", "--concurrency", "2"]
BEAT_COMMAND = ["celery", "-A", "crm", "beat", "-l", "INFO"]
FIRST_BACKOFF, MAX_BACKOFF = 1.0, 60.0  # seconds before a restart, doubled per quick death
STABLE_AFTER = 60.0  # a process that ran this long before it died starts over at the first back-off


def choose_services(env: dict) -> bool:
    """Fill DATABASE_URL and REDIS_URL in `env`; True if Celery has a real broker."""
    if "DATABASE_URL" not in env:
        env["DATABASE_URL"] = LOCAL_DATABASE if answers(LOCAL_DATABASE, 5432) else SQLITE_DATABASE
    if "REDIS_URL" not in env:
        if answers(LOCAL_REDIS, 6379):
            env["REDIS_URL"] = LOCAL_REDIS
        else:
            env["CELERY_TASK_ALWAYS_EAGER"] = "true"
    if env["DATABASE_URL"].startswith("sqlite"):
        (BASE_DIR / "var").mkdir(exist_ok=True)
        print(
            "PostgreSQL does not answer at 127.0.0.1:5432: using the embedded SQLite "
            f"database {BASE_DIR / 'var' / 'crm.sqlite3'} (fine for a look around, not for "
            "production)."
        )
    if env.get("CELERY_TASK_ALWAYS_EAGER") == "true":
        print(
            "Redis does not answer at 127.0.0.1:6379: background tasks run in-process, and "
            "no Celery worker or beat is started."
        )
        return False
    return True


def ensure_postgres_database(url: str) -> None:
    """Create the database named in `url` if the server does not have it yet."""
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[-1].split("?")[0]
    server = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], env=env, cwd=BASE_DIR, check=True)


def start(env: dict, *command: str) -> subprocess.Popen:
    # A new process group each, so Ctrl-C reaches them once, through stop_all().
    return subprocess.Popen(command, env=env, cwd=BASE_DIR, start_new_session=True)


def say(message: str) -> None:
    print(f"launcher: {message}", file=sys.stderr, flush=True)


class Supervised:
    """One of the launcher's processes, started again after a back-off whenever it dies."""

    def __init__(self, name: str, env: dict, command: list[str]):
        self.name, self.env, self.command = name, env, command
        self.backoff = FIRST_BACKOFF
        self.restart_at: float | None = None
        self.start()

    def start(self) -> None:
        self.process = start(self.env, PYTHON, "-m", *self.command)
        self.started_at, self.restart_at = time.monotonic(), None

    def check(self, now: float) -> None:
        """Notice a death (log it, schedule the restart) or restart when the back-off is over."""
        if self.restart_at is not None:
            if now >= self.restart_at:
                self.start()
                say(f"{self.name} started again (pid {self.process.pid})")
            return
        code = self.process.poll()
        if code is None:
            return
        # What a dead leader leaves (gunicorn's or Celery's pool children) would keep the port
        # or run tasks nobody supervises: the group goes with it. Its jobs are resumed by the
        # job sweeper (apps.jobs), which sees their heartbeat stop.
        _kill_group(self.process.pid, signal.SIGKILL)
        if now - self.started_at >= STABLE_AFTER:
            self.backoff = FIRST_BACKOFF
        cause = f"killed by {signal.Signals(-code).name}" if code < 0 else f"exit code {code}"
        say(
            f"{self.name} (pid {self.process.pid}) stopped, {cause}; starting it again in "
            f"{self.backoff:.0f} s, the other processes keep running"
        )
        self.restart_at = now + self.backoff
        self.backoff = min(MAX_BACKOFF, self.backoff * 2)


def _kill_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):  # nothing left in the group
        os.killpg(pgid, sig)


def stop_all(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            _kill_group(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _kill_group(process.pid, signal.SIGKILL)


def local_settings(env: dict) -> None:
    """Production settings over plain HTTP on loopback, with a secret kept under var/."""
    env.setdefault("DEBUG", "false")
    env.setdefault("SECURE_HTTPS", "false")
    if "SECRET_KEY" not in env:
        key_file = BASE_DIR / "var" / "secret_key"
        key_file.parent.mkdir(exist_ok=True)
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(64))
            key_file.chmod(0o600)
        env["SECRET_KEY"] = key_file.read_text().strip()


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main() -> int:
    import environ

    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)  # .env counts as "set"
    env = dict(os.environ)
    local_settings(env)
    with_celery = choose_services(env)
    if env["DATABASE_URL"].startswith("postgres"):
        ensure_postgres_database(env["DATABASE_URL"])
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "collectstatic", "--no-input", "-v", "0")
    manage(env, "seed_demo")  # which prints the demo logins (the frame knows no demo user)
    host = env.get("CRM_BIND", "127.0.0.1:8000")
    children = [Supervised("web server", env, [*WEB_COMMAND, "--bind", host])]
    if with_celery:
        children.append(Supervised("Celery worker", env, WORKER_COMMAND))
        children.append(Supervised("Celery beat", env, BEAT_COMMAND))
    print(f"\nCRM is running at http://{host}/  (Ctrl-C stops it)", flush=True)
    # Ctrl-C arrives as SIGINT; `kill` or a supervisor sends SIGTERM: both stop everything.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        while True:
            time.sleep(0.5)
            for child in children:
                child.check(time.monotonic())
    except KeyboardInterrupt:
        pass
    finally:
        stop_all([child.process for child in children])
    return 0


if __name__ == "__main__":
    sys.exit(main())
