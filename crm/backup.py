"""
Backup and restore of the PostgreSQL database (make backup / make restore).

    python -m crm.backup backup [FILE]            # pg_dump -Fc of DATABASE_URL
    python -m crm.backup restore FILE             # into DATABASE_URL, which must be empty

A restore goes into a database that has no tables yet (created if missing), in one
transaction: it either completes or leaves nothing behind.
"""

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg

from crm.launcher import BASE_DIR, LOCAL_DATABASE, ensure_postgres_database

# File names in the business time zone, as every other date the CRM shows (settings.TIME_ZONE).
LOCAL = ZoneInfo(os.environ.get("TIME_ZONE", "Asia/Shanghai"))


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", LOCAL_DATABASE)
    if not url.startswith("postgres"):
        sys.exit("backup and restore need PostgreSQL (DATABASE_URL=postgres://…)")
    return url


def backup(target: str | None = None) -> Path:
    path = (
        Path(target)
        if target
        else (BASE_DIR / "var" / "backups" / f"crm-{datetime.now(LOCAL):%Y%m%d-%H%M%S}.dump")
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "pg_dump",
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--file={path}",
            database_url(),
        ],
        check=True,
    )
    subprocess.run(["pg_restore", "--list", str(path)], check=True, stdout=subprocess.DEVNULL)
    print(f"backup written: {path}")
    return path


def restore(source: str) -> None:
    url = database_url()
    ensure_postgres_database(url)
    with psycopg.connect(url) as conn:
        tables = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()[0]
    if tables:
        sys.exit(f"the target database already has {tables} tables: restore into an empty one")
    subprocess.run(
        [
            "pg_restore",
            "--exit-on-error",
            "--single-transaction",
            "--no-owner",
            "--no-privileges",
            f"--dbname={url}",
            source,
        ],
        check=True,
    )
    print(f"restored {source} into {url.rsplit('@', 1)[-1]}")


def main(argv: list[str]) -> None:
    if len(argv) >= 1 and argv[0] == "backup":
        backup(argv[1] if len(argv) > 1 else None)
    elif len(argv) == 2 and argv[0] == "restore":
        restore(argv[1])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
