"""
Churn scan benchmark: the nightly scan on the large data set, against the bare SQL statement.

    python -m bench.churn_scan [--repeat 2] [--database-url postgres://…/crm_bench_large]

Runs on bench.generate's data set as it is loaded (sizes in bench_meta; the default data set is
generated first if the database holds none). Times, each from an empty churn table:
  1. the bare SQL: the scan's INSERT … SELECT … ON CONFLICT DO NOTHING for the warnings, run
     alone on a cursor (no run record, no audit, no notifications);
  2. the bare SQL of all the scan's writes: that statement plus the audit INSERT … SELECT;
  3. the scan service, first run (warnings, audit rows, recoveries, digest, run record);
  4. the scan service again (idempotent: finds nothing new);
  5. after 1 % of the warned customers ordered again: the scan, which recovers them.
Steps 1-3 run --repeat times and keep the fastest (the machine is shared; others only add
noise), each after a CHECKPOINT. Prints the figures and writes bench/results_churn.json.
Targets (issue 4): the first run under 30 s and within 2× of the bare SQL statement.

What it changes, and restores. To time the scan from scratch it empties cst_lost and
cst_lost_measure (the generator's 100,000 churn records in every state and their measures);
the steps write churn records, scan runs, in-app digests, audit events and, in step 5, orders
(address 'bench'). Afterwards, also after an error or Ctrl-C, it deletes what it wrote and
only that (scan runs, digests and the scan's audit events with ids above those present when it
started; the audit log is append-only, so its trigger is bypassed for this one DELETE), deletes
the 'bench' orders, reloads the generator's churn records and measures (bench.generate.
churns_reload: the same rows, ids and dates) and checks them against bench_meta's size and the
fingerprint taken at the start. Nothing else is touched. Meanwhile the churn list is empty:
run it when no other benchmark uses the database (`make bench` runs the scripts in turn).
"""

import json
import os
import platform
import time
from pathlib import Path

from bench.generate import (
    DEFAULT_URL,
    SETUP,
    churns_reload,
    configure,
    ensure_data,
    sizes_for,
    sizes_loaded,
)

RESULTS = Path(__file__).resolve().parent / "results_churn.json"
TARGET_SECONDS, TARGET_RATIO = 30.0, 2.0
# The audit actions of the scan (apps.customers.services.churn_scanner): the only ones removed.
SCAN_AUDIT_ACTIONS = ["customers.churn.warn", "customers.churn.recover"]
BENCH_ORDER_ADDRESS = "bench"


def parse_args(argv=None):
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=2, help="runs of each timing (best kept)")
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_LARGE_DATABASE_URL", DEFAULT_URL)
    )
    return parser.parse_args(argv)


def data_set(database_url: str) -> tuple[dict, dict]:
    """The sizes of the loaded data set (the default one is loaded first if there is none)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(SETUP)
        sizes = sizes_loaded(cursor) or sizes_for()
    return sizes, ensure_data(database_url, sizes)


def _scalar(sql: str, params=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def watermarks() -> dict:
    """The highest ids before the benchmark: the scan's rows are the ones above them."""
    return {
        table: _scalar(f"SELECT COALESCE(max(id), 0) FROM {table}")  # noqa: S608 (constants)
        for table in ["cst_lost_scan_run", "sys_notification", "sys_audit_event"]
    }


def fingerprint() -> dict:
    """Count and digest of every churn record and measure (all columns), and the states."""
    from django.db import connection

    figures = {}
    with connection.cursor() as cursor:
        for table in ["cst_lost", "cst_lost_measure"]:
            cursor.execute(
                f"SELECT count(*), md5(COALESCE(string_agg(t::text, ',' ORDER BY t.id), '')) "  # noqa: S608
                f"FROM {table} t"
            )
            figures[table] = list(cursor.fetchone())
        cursor.execute("SELECT lst_status, count(*) FROM cst_lost GROUP BY 1 ORDER BY 1")
        figures["states"] = {str(status): count for status, count in cursor.fetchall()}
    return figures


def remove_scan_rows(cursor, marks: dict) -> None:
    """The scan runs, digests and scan audit events written since `marks`, and nothing else."""
    from django.urls import reverse

    cursor.execute("DELETE FROM cst_lost_scan_run WHERE id > %s", [marks["cst_lost_scan_run"]])
    cursor.execute(
        "DELETE FROM sys_notification WHERE id > %s AND link LIKE %s",
        [marks["sys_notification"], reverse("customers:churn-list") + "%"],
    )
    # The audit log is append-only (a trigger refuses DELETE); replica mode skips that trigger
    # for this statement only (LOCAL: until the end of the caller's transaction).
    cursor.execute("SET LOCAL session_replication_role = replica")
    cursor.execute(
        "DELETE FROM sys_audit_event WHERE id > %s AND action = ANY(%s)",
        [marks["sys_audit_event"], SCAN_AUDIT_ACTIONS],
    )
    cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def vacuum(*tables: str) -> None:
    """VACUUM ANALYZE after the deletes, so that dead rows do not slow the next step."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {table}")


def reset(marks: dict) -> None:
    """Back to "no churn record yet"; the customers, orders and lines stay."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE cst_lost_measure, cst_lost RESTART IDENTITY")
        remove_scan_rows(cursor, marks)
    vacuum("cst_lost_scan_run", "sys_notification", "sys_audit_event")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cst_lost")  # statistics say "empty", as on a new installation


def timed(function) -> tuple[float, object]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def bare_sql(marks: dict, *, with_audit: bool) -> tuple[float, int]:
    """The scan's warning statement (and its audit statement) alone, committed."""
    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import timezone

    from apps.customers.models import Churn, ChurnScanRun
    from apps.customers.services import churn_scanner as scanner
    from apps.rbac.models import AuditEvent

    reset(marks)
    checkpoint()
    run = ChurnScanRun.objects.create()
    today, now = timezone.localdate(), timezone.now()
    cutoff_at = scanner.churn_cutoff(today=today, months=settings.CRM_CHURN_MONTHS)
    select = scanner.churn_warn_select(run_id=run.pk, cutoff_at=cutoff_at, now=now)
    audit = scanner.warn_audit_select(run_id=run.pk, now=now)

    def statements():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_nestloop = off")  # as the scan plans it
            cursor.execute("SET LOCAL work_mem = '128MB'")
            rows = scanner.insert_select(Churn, scanner.WARN_COLUMNS, select)
            if with_audit:
                scanner.insert_select(AuditEvent, scanner.AUDIT_COLUMNS, audit)
        return rows

    return timed(statements)


def order_again(fraction: float = 0.01) -> int:
    """
    A new order today for `fraction` of the warned customers (at least one, the same ones for
    the same data: a random draw found none on a small data set now and then).
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO orders (created_at, updated_at, odr_date, odr_addr, odr_status, "
            "odr_cust_id) SELECT now(), now(), now(), %s, '5', lst_cust_id FROM ("
            "SELECT lst_cust_id, row_number() OVER (ORDER BY id) AS n, count(*) OVER () AS total "
            "FROM cst_lost WHERE lst_status = 1) warned WHERE n <= greatest(1, ceil(total * %s))",
            [BENCH_ORDER_ADDRESS, fraction],
        )
        return cursor.rowcount


def remove_bench_orders() -> int:
    """The orders of order_again (no line refers to them); the generator's have real addresses."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM orders WHERE odr_addr = %s", [BENCH_ORDER_ADDRESS])
        return cursor.rowcount


def checkpoint() -> None:
    """Flush dirty pages now, so that a checkpoint caused by one step does not land in the next."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")


def best_of(repeat: int, measure) -> tuple[float, list[float], object]:
    """The fastest of `repeat` runs (the machine is shared: the others only add noise)."""
    samples, result = [], None
    for _ in range(repeat):
        seconds, result = measure()
        samples.append(round(seconds, 3))
    return min(samples), samples, result


def scan_figures(repeat: int, marks: dict) -> dict:
    from apps.customers.services import churn_scan

    def first_scan():
        reset(marks)
        checkpoint()
        return timed(churn_scan)

    def bare(with_audit):
        return lambda: bare_sql(marks, with_audit=with_audit)

    figures, samples = {}, {}
    figures["bare_sql_s"], samples["bare_sql_s"], rows = best_of(repeat, bare(False))
    figures["bare_sql_rows"] = rows
    figures["bare_sql_with_audit_s"], samples["bare_sql_with_audit_s"], _rows = best_of(
        repeat, bare(True)
    )
    figures["scan_first_s"], samples["scan_first_s"], run = best_of(repeat, first_scan)
    figures.update(warned=run.warned, managers_notified=run.notified)
    checkpoint()
    figures["scan_rerun_s"], rerun = timed(churn_scan)
    figures["rerun_warned"] = rerun.warned
    figures["ordered_again"] = order_again()
    try:
        checkpoint()
        figures["scan_recover_s"], recovery = timed(churn_scan)
        figures["recovered"] = recovery.recovered
    finally:
        remove_bench_orders()
    figures["ratio_first_to_bare"] = figures["scan_first_s"] / figures["bare_sql_s"]
    figures["ratio_first_to_bare_with_audit"] = (
        figures["scan_first_s"] / figures["bare_sql_with_audit_s"]
    )
    figures = {k: round(v, 3) if isinstance(v, float) else v for k, v in figures.items()}
    return {**figures, "samples": samples}


def restore(marks: dict) -> dict:
    """Remove what the benchmark wrote and reload the generator's churn records; the timings."""
    from django.db import connection, transaction

    start = time.perf_counter()
    removed = remove_bench_orders()  # none left normally: scan_figures removes them itself
    with transaction.atomic(), connection.cursor() as cursor:
        remove_scan_rows(cursor, marks)
    timings = churns_reload()
    vacuum("cst_lost", "cst_lost_measure", "cst_lost_scan_run", "sys_notification")
    vacuum("sys_audit_event", "orders")
    return {
        "bench_orders_left": removed,
        **{k: round(v, 1) for k, v in timings.items()},
        "total_s": round(time.perf_counter() - start, 1),
    }


def verify(sizes: dict, before: dict, marks: dict) -> dict:
    """The churn tables as the generator left them, and nothing of the benchmark's left."""
    from django.urls import reverse

    after = fingerprint()
    checks = {
        "churn_records": after["cst_lost"][0],
        "measures": after["cst_lost_measure"][0],
        "states": after["states"],
        "same_as_before": after == before,
        "size_as_generated": after["cst_lost"][0] == sizes["churns"],
        "every_state": sorted(after["states"]) == ["1", "2", "3", "4"],
        "bench_orders": _scalar(
            "SELECT count(*) FROM orders WHERE odr_addr = %s", [BENCH_ORDER_ADDRESS]
        ),
        "scan_runs_left": _scalar(
            "SELECT count(*) FROM cst_lost_scan_run WHERE id > %s", [marks["cst_lost_scan_run"]]
        ),
        "digests_left": _scalar(
            "SELECT count(*) FROM sys_notification WHERE id > %s AND link LIKE %s",
            [marks["sys_notification"], reverse("customers:churn-list") + "%"],
        ),
        "audit_events_left": _scalar(
            "SELECT count(*) FROM sys_audit_event WHERE id > %s AND action = ANY(%s)",
            [marks["sys_audit_event"], SCAN_AUDIT_ACTIONS],
        ),
    }
    checks["ok"] = (
        checks["size_as_generated"]
        and checks["every_state"]
        and not any(
            checks[k]
            for k in ["bench_orders", "scan_runs_left", "digests_left", "audit_events_left"]
        )
    )
    return checks


def report(sizes: dict, figures: dict, load: dict, restored: dict, checks: dict) -> None:
    ok_time = figures["scan_first_s"] < TARGET_SECONDS
    ok_ratio = figures["ratio_first_to_bare"] <= TARGET_RATIO
    print(f"\ndata set: {sizes}")
    print(
        f"bare SQL (warnings INSERT … SELECT)       {figures['bare_sql_s']:8.2f} s  "
        f"{figures['bare_sql_rows']} rows"
    )
    print(f"bare SQL (warnings + audit statements)    {figures['bare_sql_with_audit_s']:8.2f} s")
    print(
        f"scan, first run                           {figures['scan_first_s']:8.2f} s  "
        f"{figures['warned']} warned, {figures['managers_notified']} managers notified"
    )
    print(
        f"scan, rerun (idempotent)                  {figures['scan_rerun_s']:8.2f} s  "
        f"{figures['rerun_warned']} warned"
    )
    print(
        f"scan after {figures['ordered_again']} customers ordered again  "
        f"{figures['scan_recover_s']:8.2f} s  {figures['recovered']} recovered"
    )
    print(
        f"first run / bare SQL: {figures['ratio_first_to_bare']:.2f}× "
        f"(with audit: {figures['ratio_first_to_bare_with_audit']:.2f}×)"
    )
    print(
        f"targets: < {TARGET_SECONDS:.0f} s {'met' if ok_time else 'MISSED'}; "
        f"≤ {TARGET_RATIO:.0f}× bare SQL {'met' if ok_ratio else 'MISSED'}"
    )
    print_restore(restored, checks)
    RESULTS.write_text(
        json.dumps(
            {
                "machine": {
                    "cpus": os.cpu_count(),
                    "python": platform.python_version(),
                    "platform": platform.platform(),
                },
                "sizes": sizes,
                "load_seconds": {k: round(v, 1) for k, v in load.items()},
                "figures": figures,
                "targets": {
                    "scan_first_s": TARGET_SECONDS,
                    "ratio_first_to_bare": TARGET_RATIO,
                    "met": ok_time and ok_ratio,
                },
                "restored": {**restored, **checks},
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    print(f"written to {RESULTS}")


def print_restore(restored: dict, checks: dict) -> None:
    print(
        f"restored in {restored['total_s']:.1f} s: {checks['churn_records']} churn records "
        f"{checks['states']}, {checks['measures']} measures; "
        f"{'as found at the start' if checks['same_as_before'] else 'the generated ones'}; "
        f"left behind: {checks['bench_orders']} orders, {checks['scan_runs_left']} scan runs, "
        f"{checks['digests_left']} digests, {checks['audit_events_left']} audit events"
    )
    if not checks["same_as_before"] and checks["ok"]:
        print("  (the churn tables differed from the generated ones at the start; now they match)")


def main(argv=None) -> None:
    args = parse_args(argv)
    configure(args.database_url)
    sizes, load = data_set(args.database_url)
    marks, before = watermarks(), fingerprint()
    removed = remove_bench_orders()  # left by an earlier run that was killed
    if removed:
        print(f"removed {removed} orders an interrupted earlier run left")
    try:
        figures = scan_figures(args.repeat, marks)
    finally:
        restored = restore(marks)
        checks = verify(sizes, before, marks)
        if not checks["ok"]:
            print_restore(restored, checks)
            raise SystemExit(f"the churn tables were not restored: {checks}")
    report(sizes, figures, load, restored, checks)


if __name__ == "__main__":
    main()
