"""
Report benchmark (issue 6): each report computed fresh against the bare SQL aggregate it
needs, and the report page served from its stored snapshot (server time, in-process through
Django's whole middleware stack, as `python -m bench` measures pages).

    python -m bench.reports [--repeat 20] [--fresh-repeat 3] [--only contribution]
                            [--database-url postgres://…/crm_bench_large]

Runs on bench.generate's data set as it is loaded (the default one is generated first if the
database holds none): its customers, orders and lines, its service tickets and churn records
in every state, signed in as its first executive. Adds no data and changes none: what it
writes is the report snapshots (a cache the report pages fill too; each fresh computation
replaces the older snapshot of the same filters, and they are marked stale when the data
changes) and a session, deleted at the end. Targets: a fresh computation within 2× of the bare
aggregate, a page from its snapshot under 100 ms. Writes bench/reports_results.json.
"""

import argparse
import json
import os
import statistics
import time
from pathlib import Path

from bench.generate import DEFAULT_URL

RESULTS = Path(__file__).resolve().parent / "reports_results.json"
# A word of bench.generate's company names (about 1,400 of the million customers; the filter
# bench/pages.py uses on the lists).
NAME_FILTER = "智泰"

# What the report shows: each customer's number, name and amount, biggest first.
CONTRIBUTION_SQL = """
SELECT c.id, c.cust_no, c.cust_name, sum(l.odd_count * l.odd_price) AS amount
FROM orders_line l JOIN orders o ON o.odr_id = l.odd_order_id
     JOIN cst_customer c ON c.id = o.odr_cust_id
WHERE c.cust_status <> '3' {where}
GROUP BY c.id ORDER BY amount DESC
"""
COMPOSITION_SQL = (
    "SELECT cust_level, count(*) FROM cst_customer WHERE cust_status <> '3' GROUP BY cust_level"
)
SERVICE_SQL = "SELECT svr_type, count(*) FROM cst_service {where} GROUP BY svr_type"
SERVICE_MONTHS_SQL = (
    "SELECT extract(month FROM created_at AT TIME ZONE 'Asia/Shanghai'), "
    "count(*) FROM cst_service {where} GROUP BY 1"
)
CHURN_SQL = """
SELECT s.id, extract(year FROM s.lst_lost_date), c.cust_name, u.full_name, s.lst_reason
FROM cst_lost s JOIN cst_customer c ON c.id = s.lst_cust_id
     LEFT JOIN sys_user u ON u.id = s.lst_cust_manager_id
WHERE s.lst_status = 3 ORDER BY s.lst_lost_date DESC, s.id DESC
"""
CHURN_YEARS_SQL = (
    "SELECT extract(year FROM lst_lost_date), count(*) FROM cst_lost WHERE lst_status = 3 "
    "GROUP BY 1"
)
CHURN_MANAGERS_SQL = (
    "SELECT u.full_name, count(*) FROM cst_lost s LEFT JOIN sys_user u "
    "ON u.id = s.lst_cust_manager_id WHERE s.lst_status = 3 GROUP BY 1 ORDER BY 2 DESC"
)
REVENUE_SQL = """
SELECT extract(year FROM o.odr_date AT TIME ZONE 'Asia/Shanghai') y,
       extract(month FROM o.odr_date AT TIME ZONE 'Asia/Shanghai') m,
       sum(l.odd_count * l.odd_price)
FROM orders_line l JOIN orders o ON o.odr_id = l.odd_order_id
WHERE o.odr_date >= %(start)s AND o.odr_date < %(end)s GROUP BY 1, 2
"""


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20, help="page requests per report")
    parser.add_argument("--only", default="", help="run the cases whose name contains this")
    parser.add_argument(
        "--fresh-repeat",
        type=int,
        default=3,
        help="fresh computations (and bare aggregates) per report",
    )
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_LARGE_DATABASE_URL", DEFAULT_URL)
    )
    return parser.parse_args(argv)


def prepare(args) -> tuple[dict, str]:
    """The generated data set's sizes and its first executive (loaded first if missing)."""
    from bench.generate import SETUP, configure, ensure_data, sizes_for, sizes_loaded, users_loaded

    configure(args.database_url)  # Django is set up from here on
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(SETUP)
        sizes = sizes_loaded(cursor) or sizes_for()
    ensure_data(args.database_url, sizes)
    with connection.cursor() as cursor:
        executives = (users_loaded(cursor) or {}).get("executive")
    if not executives:
        raise SystemExit("the data set lists no executive (bench_meta 'users'): reload it")
    return sizes, executives[0]


def median_seconds(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bare(sql: str, params=None):
    """Run an aggregate and fetch every row, as the cheapest report would have to."""
    from django.db import connection

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params or {})
            cursor.fetchall()

    return run


def cases(today):
    from apps.reports.selectors import local_bounds, year_bounds

    year = today.year - 1
    start, end = year_bounds(year)
    rev_start, _ = year_bounds(today.year - 1)
    _, rev_end = year_bounds(today.year)
    ytd_start, ytd_end = local_bounds(
        today.replace(year=today.year - 1, month=1, day=1), today.replace(year=today.year - 1)
    )
    dates = "AND o.odr_date >= %(start)s AND o.odr_date < %(end)s"
    service_year = "WHERE created_at >= %(start)s AND created_at < %(end)s"
    window = {"start": start, "end": end}

    def together(*runs):
        return lambda: [run() for run in runs]

    return [
        (
            "contribution, all years",
            "contribution",
            {"year": None, "name": ""},
            bare(CONTRIBUTION_SQL.format(where="")),
        ),
        (
            f"contribution, {year}",
            "contribution",
            {"year": year, "name": ""},
            bare(CONTRIBUTION_SQL.format(where=dates), window),
        ),
        (
            f"contribution, name contains {NAME_FILTER}",
            "contribution",
            {"year": None, "name": NAME_FILTER},
            bare(
                CONTRIBUTION_SQL.format(where="AND c.cust_name ILIKE %(name)s"),
                {"name": f"%{NAME_FILTER}%"},
            ),
        ),
        ("composition, by level", "composition", {"by": "level"}, bare(COMPOSITION_SQL)),
        (
            "service, all years",
            "service",
            {"year": None, "date_from": None, "date_to": None},
            bare(SERVICE_SQL.format(where="")),
        ),
        (
            f"service, {year} with months",
            "service",
            {"year": year, "date_from": None, "date_to": None},
            together(
                bare(SERVICE_SQL.format(where=service_year), window),
                bare(SERVICE_MONTHS_SQL.format(where=service_year), window),
            ),
        ),
        (
            "churn, confirmed",
            "churn",
            {"customer": "", "manager": ""},
            together(bare(CHURN_SQL), bare(CHURN_YEARS_SQL), bare(CHURN_MANAGERS_SQL)),
        ),
        (
            "dashboard",
            "dashboard",
            {"as_of": today.isoformat()},
            together(
                bare(REVENUE_SQL, {"start": rev_start, "end": rev_end}),
                bare(
                    "SELECT sum(l.odd_count * l.odd_price) FROM orders_line l JOIN orders o "
                    "ON o.odr_id = l.odd_order_id WHERE o.odr_date >= %(start)s "
                    "AND o.odr_date < %(end)s",
                    {"start": ytd_start, "end": ytd_end},
                ),
                bare(COMPOSITION_SQL),
                bare("SELECT count(*) FROM cst_lost WHERE lst_status IN (1, 2)"),
                bare("SELECT svr_status, count(*) FROM cst_service GROUP BY 1"),
            ),
        ),
    ]


def fresh_compute(report: str, params: dict) -> float:
    """Seconds to compute the report anew; the snapshot it replaces is removed afterwards."""
    from apps.reports.services import snapshot_compute, snapshot_prune

    start = time.perf_counter()
    snapshot = snapshot_compute(report=report, params=params, language="zh-hans", force=True)
    seconds = time.perf_counter() - start
    snapshot_prune(snapshot)
    return seconds


def count_queries(connection, function) -> int:
    """The SQL statements `function` sends (no DEBUG needed)."""
    sent = []

    def counting(execute, *args):
        sent.append(1)
        return execute(*args)

    with connection.execute_wrapper(counting):
        function()
    return len(sent)


def page_url(report: str, params: dict) -> str:
    from apps.reports.services import report_url

    return report_url(report, params)


def measure(args, username: str) -> list[dict]:
    """The figures of every case, as `username` (an executive of the data set) sees them."""
    from django.test import Client

    from apps.rbac.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    client.cookies["django_language"] = "zh-hans"
    try:
        return measure_cases(args, client)
    finally:
        client.logout()  # its session row goes


def measure_cases(args, client) -> list[dict]:
    from django.db import connection
    from django.urls import reverse
    from django.utils import timezone

    from apps.reports.selectors import snapshot_latest
    from apps.reports.services import snapshot_compute, snapshot_key

    results = []
    for label, report, params, run_bare in cases(timezone.localdate()):
        if args.only not in label:
            continue
        run_bare()  # warm the caches once, for both sides alike
        bare_s = median_seconds(run_bare, args.fresh_repeat)
        fresh_s = statistics.median(fresh_compute(report, params) for _ in range(args.fresh_repeat))
        snapshot_compute(report="order-years", params={}, language="")
        url = page_url(report, params)
        assert b'data-testid="report"' in client.get(url).content, url
        queries = count_queries(connection, lambda u=url: client.get(u))
        page_times = sorted(
            median_seconds(lambda u=url: client.get(u), 1) for _ in range(args.repeat)
        )
        snapshot = snapshot_latest(key=snapshot_key(report, params, "zh-hans"))
        chart = next(iter(snapshot.payload["charts"]))
        chart_url = reverse(f"reports:{report}-chart", args=[snapshot.pk, chart])
        render_s = median_seconds(lambda u=chart_url: client.get(u), 1)  # renders, then kept
        chart_s = median_seconds(lambda u=chart_url: client.get(u), args.repeat)
        results.append(
            {
                "case": label,
                "rows": snapshot.row_count,
                "bare_ms": round(bare_s * 1000, 1),
                "fresh_ms": round(fresh_s * 1000, 1),
                "ratio": round(fresh_s / bare_s, 2),
                "page_ms": round(statistics.median(page_times) * 1000, 1),
                "page_p95_ms": round(page_times[int(0.95 * (len(page_times) - 1))] * 1000, 1),
                "page_queries": queries,
                "chart_render_ms": round(render_s * 1000, 1),
                "chart_ms": round(chart_s * 1000, 1),
            }
        )
        print_row(results[-1])
    return results


HEADER = (
    f"{'case':<36} {'rows':>9} {'bare ms':>9} {'fresh ms':>9} {'ratio':>6} "
    f"{'page ms':>8} {'p95':>7} {'queries':>7} {'render':>7} {'chart ms':>8}"
)


def print_row(r: dict) -> None:
    print(
        f"{r['case']:<36} {r['rows']:>9} {r['bare_ms']:>9} {r['fresh_ms']:>9} "
        f"{r['ratio']:>6} {r['page_ms']:>8} {r['page_p95_ms']:>7} {r['page_queries']:>7} "
        f"{r['chart_render_ms']:>7} {r['chart_ms']:>8}"
    )


def main(argv=None) -> None:
    args = parse_args(argv)
    sizes, username = prepare(args)
    print(f"data set: {sizes}; as {username}")
    print(HEADER)
    results = measure(args, username)
    ok = all(r["ratio"] <= 2 and r["page_p95_ms"] < 100 for r in results)
    RESULTS.write_text(
        json.dumps(
            {
                "sizes": {
                    key: sizes[key]
                    for key in ["customers", "orders", "lines", "services", "churns"]
                },
                "results": results,
                "targets_met": ok,
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n"
    )
    print(f"targets met (fresh ≤ 2× bare, page p95 < 100 ms): {ok}; written to {RESULTS}")


if __name__ == "__main__":
    main()
