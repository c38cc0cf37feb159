"""
Page benchmark: server time and SQL query count of every page that exists, as each role that
may open it, on a seeded database of a chosen size. Prints a table; writes bench/results.json.

    python -m bench [--customers 2000] [--repeat 30] [--database-url postgres://...]

It uses a database of its own (crm_bench by default) so that it never touches the demo data.
Requests go through Django's full middleware stack in-process (no network), so the figures are
the server's own time. The issue "Speed at scale" grows this into a million-row suite run
against gunicorn.
"""

import argparse
import json
import os
import platform
import secrets
import statistics
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results.json"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database-url",
                        default=os.environ.get("BENCH_DATABASE_URL",
                                               "postgres://postgres@127.0.0.1:5432/crm_bench"))
    return parser.parse_args()


def configure(database_url: str) -> None:
    os.environ.update({
        "DATABASE_URL": database_url, "DEBUG": "false", "SECURE_HTTPS": "false",
        "ALLOWED_HOSTS": "testserver", "SECRET_KEY": secrets.token_urlsafe(50),
        "CELERY_TASK_ALWAYS_EAGER": "true", "LOG_LEVEL": "WARNING",
        "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
    })
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    import django

    django.setup()


def prepare(database_url: str, customers: int) -> None:
    from django.core.management import call_command

    from crm.launcher import ensure_postgres_database

    if database_url.startswith("postgres"):
        ensure_postgres_database(database_url)
    call_command("migrate", verbosity=0)
    call_command("seed_demo", customers=customers, verbosity=0)


def pages():
    """(label, URL, roles that may open it): every page of the project that takes no argument."""
    from django.urls import reverse

    everyone = ["admin", "manager", "am1", "exec"]
    return [
        ("home", reverse("home"), everyone),
        ("user list", reverse("rbac:user-list"), ["admin"]),
        ("user list, filtered", reverse("rbac:user-list") + "?username=am", ["admin"]),
        ("role list", reverse("rbac:role-list"), ["admin"]),
        ("role rights", reverse("rbac:role-rights", args=[1]), ["admin"]),
        ("audit log", reverse("rbac:audit-list"), ["admin"]),
        ("audit log, filtered", reverse("rbac:audit-list") + "?action=rbac", ["admin"]),
        ("dictionary (admin)", reverse("admin:basedata_dictitem_changelist"), ["admin"]),
    ]


def measure(client, url: str, repeat: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):  # warm caches and connections
        client.get(url)
    times, queries = [], []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries.append(len(ctx.captured_queries))
    times.sort()
    return {"median_ms": round(statistics.median(times), 2),
            "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 2),
            "queries": max(queries)}


def main() -> None:
    args = parse_args()
    configure(args.database_url)
    prepare(args.database_url, args.customers)
    from django.test import Client

    from apps.rbac.models import User

    rows = []
    for label, url, usernames in pages():
        for username in usernames:
            client = Client()
            client.force_login(User.objects.get(username=username))
            rows.append({"page": label, "url": url, "user": username,
                         **measure(client, url, args.repeat)})
    print(f"{'page':<24} {'user':<8} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for row in rows:
        print(f"{row['page']:<24} {row['user']:<8} {row['median_ms']:>10} {row['p95_ms']:>8} "
              f"{row['queries']:>8}")
    RESULTS.write_text(json.dumps({
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "customers": args.customers, "repeat": args.repeat, "pages": rows,
    }, indent=2, ensure_ascii=False))
    print(f"written {RESULTS}")


if __name__ == "__main__":
    main()
