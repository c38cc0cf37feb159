"""
Checks that the services the test suite needs answer, before any test runs.

    python -m crm.preflight        # exit 1 with one line per missing service
"""

import os
import socket
import sys
from urllib.parse import urlparse

HOW_TO_START = {
    "PostgreSQL": "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
    "Redis": 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no',
}


def answers(url: str, default_port: int) -> bool:
    """True if something accepts TCP connections at the host and port of `url`."""
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=2
        ):
            return True
    except OSError:
        return False


def main() -> int:
    database = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/crm")
    redis = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    missing = []
    if not answers(database, 5432):
        missing.append(("PostgreSQL", database))
    if not answers(redis, 6379):
        missing.append(("Redis", redis))
    for name, url in missing:
        print(
            f"{name} does not answer at {urlparse(url).netloc}; start it with: "
            f"{HOW_TO_START[name]}",
            file=sys.stderr,
        )
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
