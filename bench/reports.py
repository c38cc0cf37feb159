"""
Report benchmark (issue 6): each report computed fresh against the bare SQL aggregate it
needs, and the report page served from its stored snapshot (server time, in-process through
Django's whole middleware stack, as `python -m bench` measures pages).

    python -m bench.reports [--customers 1000000] [--orders 2000000] [--lines 10000000]
                            [--tickets 1000000] [--churn 50000] [--repeat 20]
                            [--database-url postgres://…/crm_reports_bench]

The customers, orders and lines come from bench.generate (reused when already loaded); this
script adds service tickets and confirmed churn records, and the dictionary. The targets: a
fresh computation within 2× of the bare aggregate, a page from its snapshot under 100 ms.
"""

import argparse
import json
import os
import statistics
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "reports_results.json"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/crm_reports_bench"

TICKETS = """
INSERT INTO cst_service (created_at, updated_at, svr_type, svr_title, svr_status, svr_request,
                         svr_deal, svr_result, svr_create_id, svr_cust_id)
SELECT now() - make_interval(days => ((g * 7) %% 1095)::int, secs => (g * 13) %% 86400),
       now(), (ARRAY['咨询', '建议', '投诉'])[1 + g %% 3], '服务' || g,
       (ARRAY['created', 'assigned', 'handled', 'archived', 'archived'])[1 + g %% 5], '请求',
       '', '', (SELECT min(id) FROM sys_user WHERE usr_name LIKE 'bench_am%%'),
       (SELECT min(id) FROM cst_customer) + (g * 7919) %% (SELECT count(*) FROM cst_customer)
FROM generate_series(1::bigint, %(tickets)s) g
"""

# Confirmed churn of the lost customers (bench.generate makes 5 % of them lost).
CHURN = """
INSERT INTO cst_lost (created_at, updated_at, lst_last_order_date, lst_lost_date, lst_reason,
                      lst_status, lst_cust_manager_id, lst_cust_id)
SELECT now(), now(), current_date - 400, current_date - ((n * 13) %% 1095)::int,
       (ARRAY['价格太高', '服务不满意', '转向竞争对手', '经营困难'])[1 + n %% 4], 3,
       cust_manager_id, id
FROM (SELECT id, cust_manager_id, row_number() OVER (ORDER BY id) AS n
      FROM cst_customer WHERE cust_status = '2' LIMIT %(churn)s) lost
"""

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


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=2_000_000)
    parser.add_argument("--lines", type=int, default=10_000_000)
    parser.add_argument("--managers", type=int, default=200)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--churn", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=20, help="page requests per report")
    parser.add_argument("--only", default="", help="run the cases whose name contains this")
    parser.add_argument(
        "--fresh-repeat",
        type=int,
        default=3,
        help="fresh computations (and bare aggregates) per report",
    )
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_REPORTS_DATABASE_URL", DEFAULT_URL)
    )
    return parser.parse_args()


def prepare(args) -> None:
    """The generated data set, plus tickets, churn and the dictionary (each loaded once)."""
    from bench.generate import _load, configure, ensure_data, vacuum

    configure(args.database_url)  # Django is set up from here on
    from django.db import connection, transaction

    from apps.demo.reference import reference_data_load

    sizes = {
        "customers": args.customers,
        "orders": args.orders,
        "lines": args.lines,
        "managers": args.managers,
    }
    fresh = bool(ensure_data(args.database_url, sizes))
    extra = {"tickets": args.tickets, "churn": args.churn, **sizes}
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM bench_meta WHERE key = 'reports'")
        row = cursor.fetchone()
        loaded = (json.loads(row[0]) if isinstance(row[0], str) else row[0]) if row else None
    if fresh or loaded != extra:
        print(f"loading {args.tickets} services and {args.churn} confirmed churn records ...")
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")  # no FK triggers
            cursor.execute("TRUNCATE cst_service_round, cst_service, cst_lost_measure, cst_lost")
            _load(cursor, "cst_service", TICKETS, extra)
            _load(cursor, "cst_lost", CHURN, extra)
            cursor.execute("SET session_replication_role = DEFAULT")
            cursor.execute(
                "INSERT INTO bench_meta VALUES ('reports', %s) ON CONFLICT (key) "
                "DO UPDATE SET value = EXCLUDED.value",
                [json.dumps(extra)],
            )
        vacuum(args.database_url)
        import psycopg

        with psycopg.connect(args.database_url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE cst_service")
            conn.execute("VACUUM ANALYZE cst_lost")
    reference_data_load()


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
            "contribution, name contains 客户12",
            "contribution",
            {"year": None, "name": "客户12"},
            bare(
                CONTRIBUTION_SQL.format(where="AND c.cust_name ILIKE %(name)s"),
                {"name": "%客户12%"},
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


def measure(args) -> list[dict]:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from apps.rbac.models import Role, User
    from apps.reports.selectors import snapshot_latest
    from apps.reports.services import snapshot_compute, snapshot_key

    user, _ = User.objects.get_or_create(
        username="bench_exec", defaults={"role": Role.objects.get(code="executive")}
    )
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "zh-hans"
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


def main() -> None:
    args = parse_args()
    prepare(args)
    print(HEADER)
    results = measure(args)
    ok = all(r["ratio"] <= 2 and r["page_p95_ms"] < 100 for r in results)
    RESULTS.write_text(
        json.dumps(
            {
                "sizes": {
                    "customers": args.customers,
                    "orders": args.orders,
                    "lines": args.lines,
                    "tickets": args.tickets,
                    "churn": args.churn,
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
