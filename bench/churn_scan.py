"""
Churn scan benchmark: the nightly scan on a large data set, against the bare SQL statement.

    python -m bench.churn_scan [--customers 1000000] [--orders 2000000] [--lines 10000000]
                               [--managers 200] [--database-url postgres://…/crm_bench_large]

Loads the data set with bench.generate if the database does not hold it yet, then times, each
from an empty churn table:
  1. the bare SQL: the scan's INSERT … SELECT … ON CONFLICT DO NOTHING for the warnings, run
     alone on a cursor (no run record, no audit, no notifications);
  2. the bare SQL of all the scan's writes: that statement plus the audit INSERT … SELECT;
  3. the scan service, first run (warnings, audit rows, recoveries, digest, run record);
  4. the scan service again (idempotent: finds nothing new);
  5. after 1 % of the warned customers ordered again: the scan, which recovers them.
Steps 1-3 run --repeat times and keep the fastest (the machine is shared; others only add
noise), each after a CHECKPOINT. Prints the figures and writes bench/results_churn.json.
Targets (issue 4): the first run under 30 s and within 2× of the bare SQL statement.
"""

import json
import os
import platform
import time
from pathlib import Path

from bench.generate import DEFAULT_URL, configure, ensure_data

RESULTS = Path(__file__).resolve().parent / "results_churn.json"
TARGET_SECONDS, TARGET_RATIO = 30.0, 2.0
CHURN_TABLES = [
    "sys_notification",
    "cst_lost_measure",
    "cst_lost",
    "cst_lost_scan_run",
    "sys_audit_event",
]


def parse_args():
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=2_000_000)
    parser.add_argument("--lines", type=int, default=10_000_000)
    parser.add_argument("--managers", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=2, help="runs of each timing (best kept)")
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_LARGE_DATABASE_URL", DEFAULT_URL)
    )
    return parser.parse_args()


def reset() -> None:
    """Back to "no churn record yet"; the customers, orders and lines stay."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(CHURN_TABLES)} RESTART IDENTITY CASCADE")
        cursor.execute("ANALYZE cst_lost")


def timed(function) -> tuple[float, object]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def bare_sql(*, with_audit: bool) -> tuple[float, int]:
    """The scan's warning statement (and its audit statement) alone, committed."""
    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import timezone

    from apps.customers.models import Churn, ChurnScanRun
    from apps.customers.services import churn_scanner as scanner
    from apps.rbac.models import AuditEvent

    reset()
    run = ChurnScanRun.objects.create(status=ChurnScanRun.Status.RUNNING)
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
    """A new order today for `fraction` of the warned customers."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO orders (created_at, updated_at, odr_date, odr_addr, odr_status, "
            "odr_cust_id) SELECT now(), now(), now(), 'bench', '5', lst_cust_id FROM cst_lost "
            "WHERE lst_status = 1 AND random() < %s",
            [fraction],
        )
        return cursor.rowcount


def remove_bench_orders() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM orders WHERE odr_addr = 'bench'")


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


def scan_figures(repeat: int) -> dict:
    from apps.customers.services import churn_scan

    def first_scan():
        reset()
        checkpoint()
        return timed(churn_scan)

    def bare(with_audit):
        def measure():
            checkpoint()
            return bare_sql(with_audit=with_audit)

        return measure

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


def report(sizes: dict, figures: dict, load: dict) -> None:
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
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    print(f"written to {RESULTS}")


def main() -> None:
    args = parse_args()
    configure(args.database_url)
    sizes = {
        "customers": args.customers,
        "orders": args.orders,
        "lines": args.lines,
        "managers": args.managers,
    }
    load = ensure_data(args.database_url, sizes)
    report(sizes, scan_figures(args.repeat), load)


if __name__ == "__main__":
    main()
