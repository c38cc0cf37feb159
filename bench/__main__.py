"""
Page benchmark and load run (issue 8, "Speed at scale"), against gunicorn as in production.

    python -m bench [--database-url postgres://…/crm_bench_large] [--quick]
                    [--seed-demo 2000] [--repeat 20] [--load-seconds 120] [--load-users 50]
                    [--think 1-5] [--saturation-seconds 30]
                    [--only customers:] [--no-pages] [--no-load]

It starts its own gunicorn (DEBUG off, whitenoise, CRM_SERVER_TIMING on) on a free loopback
port against the benchmark database (bench.generate's by default; --seed-demo N fills an empty
database with `seed_demo --customers N` instead, for development), signs the users in by
creating their sessions, then:

1. Pages: every page of the URL matrices (bench/pages.py) as each role that opens it, with a
   real object of his for the pages about one object; each list also filtered, deep and
   exported. For each: the server's own time (Server-Timing, median and p95 over repeated
   requests), "python": the server's time beyond the page's own SQL (median of server time
   minus SQL time, per request: the frame, view and template), its SQL time and query count,
   and the bare SQL: the page's SELECTs, captured once
   in-process, run directly in PostgreSQL (total and slowest). Target: where the bare SQL takes
   over 20 ms, the page's median stays within 2× of it.
2. Load: --load-users concurrent users (wrk) on a mixed workload for --load-seconds, each
   pausing --think seconds (1–5, at random) between pages as a person reading them would:
   throughput, p50/p95/p99, errors, workers' memory. Targets: 0 errors, p95 under 300 ms,
   memory flat. Then --saturation-seconds of the same users with no pause: the most requests
   per second the machine serves, and the latency once it is saturated.

Prints the tables; writes bench/results.json. The database is only read, apart from the
sessions it creates (deleted at the end) and the report snapshots the report pages store.
"""

import argparse
import json
import os
import platform
import secrets
import statistics
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results.json"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/crm_bench_large"
BARE_SQL_THRESHOLD_MS, BARE_SQL_FACTOR = 20.0, 2.0


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL")
        or os.environ.get("BENCH_LARGE_DATABASE_URL", DEFAULT_URL),
    )
    parser.add_argument(
        "--seed-demo",
        type=int,
        default=0,
        metavar="CUSTOMERS",
        help="seed an empty database with seed_demo (development)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="fewer repeats and a 20-second load run"
    )
    parser.add_argument("--repeat", type=int, default=15, help="requests per page at most")
    parser.add_argument(
        "--budget",
        type=float,
        default=2.0,
        help="seconds per page; at least 3 requests are timed anyway",
    )
    parser.add_argument("--load-seconds", type=int, default=120)
    parser.add_argument("--load-users", type=int, default=50)
    parser.add_argument(
        "--think",
        default="1-5",
        help="seconds each load user waits between pages, min-max (0-0: none)",
    )
    parser.add_argument(
        "--saturation-seconds",
        type=int,
        default=30,
        help="then the same users without think time: the most the machine serves (0: skip)",
    )
    parser.add_argument(
        "--load-accounts", type=int, default=5, help="distinct users per role in the load run"
    )
    parser.add_argument("--only", default="", help="measure only the pages whose URL name has this")
    parser.add_argument("--no-pages", action="store_true")
    parser.add_argument("--no-load", action="store_true")
    args = parser.parse_args(argv)
    if args.quick:
        args.repeat, args.budget = min(args.repeat, 5), 1.0
        args.load_seconds, args.load_users = min(args.load_seconds, 20), min(args.load_users, 20)
        args.saturation_seconds = min(args.saturation_seconds, 10)
    low, _, high = args.think.partition("-")
    args.think_ms = (round(float(low) * 1000), round(float(high or low) * 1000))
    if not 0 <= args.think_ms[0] <= args.think_ms[1]:
        parser.error("--think: min-max seconds, e.g. 1-5")
    return args


def environment(database_url: str) -> dict:
    """Production settings on plain HTTP, the same for this process and its gunicorn."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECURE_HTTPS": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        "CRM_SERVER_TIMING": "true",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "crm.settings",
    }


def prepare(env: dict, seed_demo: int) -> None:
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    from crm.launcher import ensure_postgres_database

    ensure_postgres_database(env["DATABASE_URL"])
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    from apps.customers.models import Customer

    if seed_demo and not Customer.objects.exists():
        call_command("seed_demo", customers=seed_demo, verbosity=0)


# ---------------------------------------------------------------------------------------------
# Users and their sessions


def bench_users(per_role: int) -> dict:
    """{role: [User, ...]}: bench_meta's 'users' when the data set lists them, else the active
    users of each role (account managers: the managers of the newest customers)."""
    from django.db import connection

    from apps.customers.models import Customer
    from apps.rbac.models import User
    from bench.pages import AM, ROLES

    listed = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('bench_meta') IS NOT NULL")
        if cursor.fetchone()[0]:
            cursor.execute("SELECT value FROM bench_meta WHERE key = 'users'")
            row = cursor.fetchone()
            value = row[0] if row else None
            listed = json.loads(value) if isinstance(value, str) else value
    listed = listed if isinstance(listed, dict) else {}
    users = {}
    for role in ROLES:
        names = [n["username"] if isinstance(n, dict) else n for n in listed.get(role, [])]
        rows = User.objects.select_related("role").filter(is_active=True, role__code=role)
        if names:
            rows = rows.filter(username__in=names)
        elif role == AM:
            newest = Customer.objects.order_by("-pk").values_list("manager_id", flat=True)[:2000]
            rows = rows.filter(pk__in=list(set(newest)))
        users[role] = list(rows.order_by("pk")[:per_role])
    return users


def open_session(user) -> str:
    """A signed-in session for `user`, as the login view would leave it (no password hash)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "apps.rbac.backends.RoleRightsBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def close_sessions(keys) -> None:
    from django.contrib.sessions.models import Session

    Session.objects.filter(session_key__in=list(keys)).delete()


# ---------------------------------------------------------------------------------------------
# Pages


def resolve_variant(page, client) -> tuple[str | None, dict, str]:
    """The URL to time for `page` (deep page and export found by probing), its probe, and why
    it is skipped when the URL is None."""
    if page.kind == "deep":
        for number in page.notes["candidates"]:
            url = f"{page.url}?page={number}"
            probe = client.timed(url)
            if probe["status"] == 200:
                page.notes["page"] = number
                return url, probe, ""
        return None, {}, "fewer than 2 pages"
    probe = client.timed(page.url)
    if page.kind == "export":
        if probe["status"] == 200 and probe["content_type"].startswith("text/csv"):
            return page.url, probe, ""
        for narrower in page.notes["narrower"]:
            probe = client.timed(narrower)
            if probe["status"] == 200 and probe["content_type"].startswith("text/csv"):
                return narrower, probe, ""
        return None, {}, "over the export limit, even filtered"
    if probe["status"] != 200:
        return None, {}, f"HTTP {probe['status']}"
    return page.url, probe, ""


def time_page(client, url: str, repeat: int, budget: float) -> list[dict]:
    client.timed(url)  # warm: connection, caches, the worker that answers
    samples, start = [], time.monotonic()
    while len(samples) < repeat and (len(samples) < 3 or time.monotonic() - start < budget):
        sample = client.timed(url)
        sample.pop("body")
        samples.append(sample)
    return samples


def capture_queries(url: str, session_key: str) -> list[str]:
    """The SQL of one request to `url`, in-process through the whole middleware stack."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.cookies["sessionid"] = session_key
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return [query["sql"] for query in captured.captured_queries]


def is_select(sql: str) -> bool:
    return sql.lstrip().upper().startswith(("SELECT", "WITH"))


def bare_sql(conn, queries: list[str]) -> dict:
    """Each SELECT of the page run directly (median of 3; once if it takes over a second)."""
    timings = []
    for sql in filter(is_select, queries):
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            with conn.cursor() as cursor:
                cursor.execute(sql)
                cursor.fetchall()
            runs.append((time.perf_counter() - start) * 1000)
            if runs[0] > 1000:
                break
        timings.append((statistics.median(runs), sql))
    conn.rollback()
    slowest = max(timings, default=(0.0, ""))
    return {
        "bare_sql_ms": round(sum(t for t, _s in timings), 2),
        "bare_selects": len(timings),
        "slowest_sql_ms": round(slowest[0], 2),
        "slowest_sql": slowest[1][:300],
    }


def summarise_page(page, url: str, samples: list[dict], bare: dict, probe: dict) -> dict:
    server = sorted(s["server_ms"] for s in samples)
    client = sorted(s["client_ms"] for s in samples)
    row = {
        "page": page.label,
        "name": page.name,
        "kind": page.kind,
        "role": page.role,
        "user": page.username,
        "url": url,
        "repeats": len(samples),
        "median_ms": round(statistics.median(server), 1),
        "p95_ms": round(percentile(server, 0.95), 1),
        "client_median_ms": round(statistics.median(client), 1),
        "db_median_ms": round(statistics.median(s["db_ms"] for s in samples), 1),
        # The server's time beyond the page's own SQL (the frame, the view, the template).
        "python_median_ms": round(
            statistics.median(s["server_ms"] - s["db_ms"] for s in samples), 1
        ),
        "queries": max(s["queries"] for s in samples),
        "bytes": probe.get("bytes"),
        **bare,
    }
    if page.kind == "export":
        row["rows"] = max(0, probe["body"].count(b"\n") - 1)
    if page.kind == "deep":
        row["deep_page"] = page.notes.get("page")
    return {**row, **target(row)}


def percentile(values, fraction):
    from bench.load import percentile as nearest_rank

    return nearest_rank(list(values), fraction)


def target(row: dict) -> dict:
    """Where the bare SQL is over 20 ms, the page's median stays within 2× of it."""
    bare = row.get("bare_sql_ms") or 0.0
    ratio = round(row["median_ms"] / bare, 2) if bare else None
    if bare <= BARE_SQL_THRESHOLD_MS:
        return {"ratio": ratio, "target": None}
    return {"ratio": ratio, "target": row["median_ms"] <= BARE_SQL_FACTOR * bare}


def prime_reports(port: int, sessions: dict) -> None:
    """Open each report once, so that its snapshot exists (computed in that request)."""
    from django.urls import reverse

    from bench.pages import targets
    from bench.server import Client

    measured, _skipped = targets()
    for name, (kind, roles, _arguments) in measured.items():
        if kind != "report":
            continue
        role = next((r for r in roles if sessions.get(r)), None)
        if role:
            start = time.monotonic()
            status = Client(port, sessions[role][0]).get(reverse(name))[0]
            print(f"  primed {name} as {role}: HTTP {status} in {time.monotonic() - start:.1f} s")


def run_pages(port, users, sessions, args, conn, log=print) -> tuple[list, list]:
    from bench.pages import plan
    from bench.server import Client

    pages, skipped = plan(users)
    pages = [page for page in pages if args.only in page.name]
    rows, clients = [], {}
    for index, page in enumerate(pages, 1):
        session_key = sessions[page.role][0]
        client = clients.setdefault(page.role, Client(port, session_key))
        url, probe, reason = resolve_variant(page, client)
        if url is None:
            skipped.append({"page": page.label, "role": page.role, "reason": reason})
            continue
        samples = time_page(client, url, args.repeat, args.budget)
        bare = bare_sql(conn, capture_queries(url, session_key))
        row = summarise_page(page, url, samples, bare, probe)
        rows.append(row)
        log(
            f"  [{index}/{len(pages)}] {row['page']} as {row['role']}: "
            f"{row['median_ms']} ms (python {row['python_median_ms']}, SQL {row['db_median_ms']}),"
            f" {row['queries']} queries, bare SQL {row['bare_sql_ms']} ms"
        )
    return rows, skipped


# ---------------------------------------------------------------------------------------------
# Output


def _cell(value, width, digits=1):
    if value is None:
        text = "-"
    elif isinstance(value, bool):
        text = "PASS" if value else "FAIL"
    elif isinstance(value, float):
        text = f"{value:.{digits}f}"
    else:
        text = str(value)
    return f"{text:>{width}}"


def format_table(rows: list[dict]) -> str:
    header = (
        f"{'page':<52} {'role':<16} {'n':>3} {'median':>8} {'p95':>8} {'python':>7} "
        f"{'SQL':>6} {'queries':>7} {'bare SQL':>9} {'slowest':>8} {'ratio':>6} {'2x bare':>7}"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        lines.append(
            f"{row['page'][:52]:<52} {row['role']:<16} {row['repeats']:>3}"
            f"{_cell(row['median_ms'], 9)}{_cell(row['p95_ms'], 9)}"
            f"{_cell(row.get('python_median_ms'), 8)}{_cell(row['db_median_ms'], 7)}"
            f"{_cell(row['queries'], 8)}"
            f"{_cell(row['bare_sql_ms'], 10)}{_cell(row['slowest_sql_ms'], 9)}"
            f"{_cell(row['ratio'], 7, 2)}{_cell(row['target'], 8)}"
        )
    return "\n".join(lines)


def targets_summary(rows: list[dict], load: dict | None) -> dict:
    judged = [r for r in rows if r["target"] is not None]
    failed = [f"{r['page']} ({r['role']})" for r in judged if not r["target"]]
    summary = {
        "pages within 2x of bare SQL (bare > 20 ms)": {
            "judged": len(judged),
            "passed": len(judged) - len(failed),
            "failed": failed,
            "pass": not failed,
        },
        "pages with p95 over 300 ms": [
            f"{r['page']} ({r['role']})" for r in rows if r["p95_ms"] > 300
        ],
    }
    if load and "targets" in load:
        summary["load"] = load["targets"]
    return summary


def write_results(
    path: Path,
    *,
    machine: dict,
    sizes: dict,
    settings: dict,
    rows: list,
    skipped: list,
    load: dict | None,
    seconds: float,
) -> dict:
    document = {
        "machine": machine,
        "sizes": sizes,
        "settings": settings,
        "pages": rows,
        "skipped": skipped,
        "load": load,
        "targets": targets_summary(rows, load),
        "seconds": round(seconds, 1),
    }
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return document


def machine_info(conn) -> dict:
    meminfo = Path("/proc/meminfo")
    total = meminfo.read_text().split("\n")[0].split()[1] if meminfo.exists() else "0"
    return {
        "cpus": os.cpu_count(),
        "memory_gb": round(int(total) / 1024 / 1024, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "postgresql": conn.execute("SHOW server_version").fetchone()[0],
        "load_average": os.getloadavg(),
    }


TABLES = [
    "cst_customer",
    "cst_linkman",
    "cst_activity",
    "orders",
    "orders_line",
    "sal_chance",
    "sal_plan",
    "cst_service",
    "cst_lost",
    "sys_user",
]


def data_sizes(conn) -> dict:
    """Row counts of the main tables (PostgreSQL's estimates: exact counts take too long)."""
    sizes = {}
    for table in TABLES:
        row = conn.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [table]
        ).fetchone()
        if row and row[0] < 0:  # never analysed: a small table, count it
            row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608
        sizes[table] = row[0] if row else None
    meta = conn.execute("SELECT to_regclass('bench_meta') IS NOT NULL").fetchone()[0]
    if meta:
        row = conn.execute("SELECT value FROM bench_meta WHERE key = 'sizes'").fetchone()
        sizes["bench_meta"] = row[0] if row else None
    conn.rollback()
    return sizes


# ---------------------------------------------------------------------------------------------


def load_workload(port, users_by_role, sessions) -> list[tuple[str, str, str]]:
    """Every LOAD_KINDS page of each load user, checked to answer 200."""
    from bench.pages import LOAD_KINDS, NOT_IN_LOAD, plan
    from bench.server import Client

    items = []
    for role, users in users_by_role.items():
        for user, key in zip(users, sessions[role], strict=True):
            pages, _skipped = plan({role: [user]})
            client = Client(port, key)
            for page in pages:
                if page.kind not in LOAD_KINDS or any(n in page.name for n in NOT_IN_LOAD):
                    continue
                if client.get(page.url)[0] == 200:
                    items.append((f"{page.label} ({role})", page.url, key))
    return items


def main(argv=None) -> None:
    started = time.monotonic()
    args = parse_args(argv)
    env = environment(args.database_url)
    prepare(env, args.seed_demo)
    import psycopg

    from bench import load as load_run
    from bench.server import THREADS, WORKERS, Gunicorn

    users = bench_users(per_role=args.load_accounts)
    sessions = {role: [open_session(u) for u in us] for role, us in users.items()}
    all_keys = [k for keys in sessions.values() for k in keys]
    conn = psycopg.connect(args.database_url)
    conn.execute("SET TIME ZONE 'UTC'")  # as Django's connections
    rows, skipped, load = [], [], None
    try:
        with Gunicorn(env) as server:
            print(
                f"gunicorn on 127.0.0.1:{server.port} ({WORKERS} workers × {THREADS} threads)"
                f", database {args.database_url.rsplit('/', 1)[-1]}"
            )
            prime_reports(server.port, sessions)
            if not args.no_pages:
                rows, skipped = run_pages(server.port, users, sessions, args, conn)
                print()
                print(format_table(rows))
            if not args.no_load:
                items = load_workload(server.port, users, sessions)
                print(
                    f"\nLoad run: {len(items)} pages in the mix, {args.load_users} users, "
                    f"{args.load_seconds} s …"
                )
                load = load_run.run(
                    server,
                    items,
                    users=args.load_users,
                    seconds=args.load_seconds,
                    think_ms=args.think_ms,
                )
                load_run.print_load(load)
                if args.saturation_seconds and args.think_ms[1] and "skipped" not in load:
                    seconds = args.saturation_seconds
                    print(f"\nSaturation: the same users without think time, {seconds} s …")
                    saturation = load_run.run(server, items, users=args.load_users, seconds=seconds)
                    load_run.print_load(saturation)
                    load["saturation"] = {
                        key: saturation[key]
                        for key in (
                            "seconds",
                            "requests",
                            "throughput_rps",
                            "p50_ms",
                            "p95_ms",
                            "errors",
                        )
                    }
        document = write_results(
            RESULTS,
            machine=machine_info(conn),
            sizes=data_sizes(conn),
            settings={
                "workers": WORKERS,
                "threads": THREADS,
                "repeat": args.repeat,
                "budget_s": args.budget,
                "database": args.database_url.rsplit("/", 1)[-1],
            },
            rows=rows,
            skipped=skipped,
            load=load,
            seconds=time.monotonic() - started,
        )
    finally:
        close_sessions(all_keys)
        conn.close()
    judged = document["targets"]["pages within 2x of bare SQL (bare > 20 ms)"]
    print(
        f"\nPages within 2× of their bare SQL (where it is over 20 ms): {judged['passed']}"
        f"/{judged['judged']}; skipped {len(skipped)} (see results.json); "
        f"{time.monotonic() - started:.0f} s in all"
    )
    print(f"written {RESULTS}")


if __name__ == "__main__":
    sys.exit(main())
