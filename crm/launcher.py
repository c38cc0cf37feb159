"""
`make run`: choose the services, prepare the database, and run web + Celery worker + beat.

With DATABASE_URL / REDIS_URL set, they are used. Otherwise the local PostgreSQL and Redis at
their default ports are used when they answer, and if they do not, an embedded SQLite file under
var/ with Celery tasks run in-process. Ctrl-C stops every process this started.
"""

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
DEMO_LOGINS = [
    ("系统管理员 / System admin", "admin"),
    ("销售主管 / Sales manager", "manager"),
    ("客户经理 / Account manager", "am1"),
    ("高管 / Executive", "exec"),
]
DEMO_PASSWORD = "crm-demo-2026"  # noqa: S105 -- the published demo password, printed at start
# The web server command; docker-compose.yml runs the same one (a test keeps them equal).
WEB_COMMAND = ["gunicorn", "crm.wsgi", "--workers", "2", "--threads", "2", "--access-logfile", "-"]


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


def stop_all(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


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
    manage(env, "seed_demo")
    host = env.get("CRM_BIND", "127.0.0.1:8000")
    processes = [start(env, PYTHON, "-m", *WEB_COMMAND, "--bind", host)]
    if with_celery:
        processes.append(
            start(
                env,
                PYTHON,
                "-m",
                "celery",
                "-A",
                "crm",
                "worker",
                "-l",
                "INFO",
                "--concurrency",
                "2",
            )
        )
        processes.append(start(env, PYTHON, "-m", "celery", "-A", "crm", "beat", "-l", "INFO"))
    print(
        f"\nCRM is running at http://{host}/  (Ctrl-C stops it)\nDemo logins, password "
        f"{DEMO_PASSWORD}:"
    )
    for role, username in DEMO_LOGINS:
        print(f"  {role:<28} {username}")
    # Ctrl-C arrives as SIGINT; `kill` or a supervisor sends SIGTERM: both stop everything.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stop_all(processes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
