"""
Large data set for the benchmarks: customers, orders and order lines loaded with set-based SQL
(INSERT … SELECT generate_series) into a database of its own, created if missing.

    python -m bench.generate [--customers 1000000] [--orders 2000000] [--lines 10000000]
                             [--managers 200] [--database-url postgres://…/crm_bench_large]
                             [--force]

The data is reused across runs: a second call with the same sizes only checks the counts
(--force reloads). The shape is chosen for the churn scan: about 10 % of the customers never
ordered, about a quarter of the others are dormant (latest order 6 months to 3 years ago), the
rest ordered within the last two months; 90 % are normal, 5 % lost and 5 % deleted.
"""

import argparse
import json
import os
import time

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/crm_bench_large"

SETUP = """
CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value jsonb NOT NULL);
"""

USERS = """
INSERT INTO sys_user (password, is_superuser, usr_name, full_name, email, usr_flag, language,
                      date_joined, updated_at, usr_role_id)
SELECT '!', false, 'bench_am' || g, '客户经理' || g, 'bench_am' || g || '@example.com', true,
       '', now(), now(), (SELECT id FROM sys_role WHERE code = 'account_manager')
FROM generate_series(1, %(managers)s) g
"""

PRODUCTS = """
INSERT INTO product (created_at, updated_at, prod_name, prod_type, prod_batch, prod_unit,
                     prod_price, prod_memo)
SELECT now(), now(), '产品' || g, 'M' || g, 'B' || (g %% 7), '台', 100 + g * 10, ''
FROM generate_series(1, 100) g
"""

# Customer g: created 1 day to 5 years ago; status 3 (deleted) if g % 20 = 7, 2 (lost) if
# g % 20 = 13, else 1; manager round-robin.
CUSTOMERS = """
INSERT INTO cst_customer (created_at, updated_at, cust_no, cust_name, cust_region, cust_level,
    cust_satisfy, cust_credit, cust_addr, cust_zip, cust_tel, cust_fax, cust_website,
    cust_licence_no, cust_chieftain, cust_bankroll, cust_turnover, cust_bank,
    cust_bank_account, cust_local_tax_no, cust_national_tax_no, cust_status, cust_manager_id)
SELECT now() - make_interval(days => (1 + (g * 7919) %% 1825)::int), now(),
       'KB' || lpad(g::text, 11, '0'), '客户' || g, '北京', 1 + g %% 5, 3, 3, '地址' || g,
       '100000', '010-0000', '', '', '', '', 0, 0, '', '', '', '',
       CASE g %% 20 WHEN 7 THEN '3' WHEN 13 THEN '2' ELSE '1' END,
       (SELECT min(id) FROM sys_user WHERE usr_name LIKE 'bench_am%%') + g %% %(managers)s
FROM generate_series(1::bigint, %(customers)s) g
"""

# Orders go to the customers whose number is not a multiple of 10 (the others never ordered).
# Order k of customer c: its first order is the latest, `anchor` days ago (0-59 for active
# customers, 183-1095 for the dormant quarter); later ones are up to a year older.
ORDERS = """
INSERT INTO orders (created_at, updated_at, odr_date, odr_addr, odr_status, odr_cust_id)
SELECT now(), now(),
       now() - make_interval(days => (anchor + CASE WHEN g <= k_total THEN 0
                                                    ELSE (g * 31) %% 365 END)::int,
                             secs => (g * 13) %% 86400),
       '送货地址' || c, CASE WHEN g %% 3 = 0 THEN '5' ELSE '6' END, c
FROM (
    SELECT g, k_total, c,
           CASE WHEN (c * 2654435761) %% 97 < 25 THEN 183 + (c * 13) %% 912
                ELSE (c * 7) %% 60 END AS anchor
    FROM (
        SELECT g, k_total, k + k / 9 + 1 AS c
        FROM (SELECT g, %(k_total)s AS k_total, (g - 1) %% %(k_total)s AS k
              FROM generate_series(1::bigint, %(orders)s) g) numbered
    ) mapped
) planned
"""

LINES = """
INSERT INTO orders_line (odd_count, odd_unit, odd_price, odd_order_id, odd_prod_id)
SELECT 1 + g %% 5, '台', 100 + (g %% 50) * 10, 1 + (g - 1) %% %(orders)s,
       (SELECT min(id) FROM product) + g %% 100
FROM generate_series(1::bigint, %(lines)s) g
"""

BUSINESS_TABLES = [
    "sys_notification",
    "cst_lost_measure",
    "cst_lost",
    "cst_lost_scan_run",
    "orders_line",
    "orders",
    "cst_linkman",
    "cst_activity",
    "cst_customer",
    "product",
    "sys_audit_event",
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=2_000_000)
    parser.add_argument("--lines", type=int, default=10_000_000)
    parser.add_argument("--managers", type=int, default=200)
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_LARGE_DATABASE_URL", DEFAULT_URL)
    )
    parser.add_argument("--force", action="store_true", help="reload even if the sizes match")
    return parser.parse_args()


def configure(database_url: str) -> None:
    """Django settings for a benchmark process on `database_url`, and the schema migrated."""
    from bench.__main__ import configure as configure_django
    from crm.launcher import ensure_postgres_database

    ensure_postgres_database(database_url)
    os.environ.setdefault("EMAIL_URL", "dummymail://")
    configure_django(database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _secondary_indexes(cursor, table: str) -> list[tuple[str, str]]:
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
        "(SELECT conname FROM pg_constraint)",
        [table],
    )
    return cursor.fetchall()


def _load(cursor, table: str, sql: str, params: dict) -> float:
    """Insert with the table's secondary indexes dropped, then rebuild them: much faster."""
    start = time.perf_counter()
    indexes = _secondary_indexes(cursor, table)
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    cursor.execute(sql, params)
    for _name, definition in indexes:
        cursor.execute(definition)
    seconds = time.perf_counter() - start
    print(f"  {table:<14} {seconds:7.1f} s")
    return seconds


def sizes_loaded(cursor) -> dict | None:
    cursor.execute("SELECT value FROM bench_meta WHERE key = 'sizes'")
    row = cursor.fetchone()
    return (json.loads(row[0]) if isinstance(row[0], str) else row[0]) if row else None


def generate(cursor, sizes: dict) -> dict:
    """Replace the business data by a generated data set of `sizes`; returns the timings."""
    params = {**sizes, "k_total": sizes["customers"] * 9 // 10}
    cursor.execute("SET session_replication_role = replica")  # no FK triggers while loading
    cursor.execute("SET maintenance_work_mem = '512MB'")
    cursor.execute(f"TRUNCATE {', '.join(BUSINESS_TABLES)} RESTART IDENTITY CASCADE")
    cursor.execute("DELETE FROM sys_user WHERE usr_name LIKE 'bench_am%%'")
    timings = {"users": _load(cursor, "sys_user", USERS, params)}
    timings["products"] = _load(cursor, "product", PRODUCTS, params)
    timings["customers"] = _load(cursor, "cst_customer", CUSTOMERS, params)
    timings["orders"] = _load(cursor, "orders", ORDERS, params)
    timings["lines"] = _load(cursor, "orders_line", LINES, params)
    cursor.execute("SET session_replication_role = DEFAULT")
    cursor.execute(
        "INSERT INTO bench_meta VALUES ('sizes', %s) ON CONFLICT (key) DO UPDATE "
        "SET value = EXCLUDED.value",
        [json.dumps(sizes)],
    )
    return timings


def vacuum(database_url: str) -> float:
    """VACUUM ANALYZE (outside a transaction): fresh statistics and visibility map."""
    import psycopg

    start = time.perf_counter()
    with psycopg.connect(database_url, autocommit=True) as conn:
        for table in ["cst_customer", "orders", "orders_line", "sys_user", "product"]:
            conn.execute(f"VACUUM ANALYZE {table}")
    return time.perf_counter() - start


def ensure_data(database_url: str, sizes: dict, *, force: bool = False) -> dict:
    """Load the data set unless the database already holds one of these sizes."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute(SETUP)
        if not force and sizes_loaded(cursor) == sizes:
            print(f"data set already loaded: {sizes}")
            cursor.execute("SELECT value FROM bench_meta WHERE key = 'load_seconds'")
            row = cursor.fetchone()
            return (json.loads(row[0]) if isinstance(row[0], str) else row[0]) if row else {}
    print(f"loading {sizes} ...")
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        timings = generate(cursor, sizes)
    timings["vacuum_analyze"] = vacuum(database_url)
    timings["total"] = time.perf_counter() - start
    print(
        f"  vacuum analyze {timings['vacuum_analyze']:7.1f} s\n  total          "
        f"{timings['total']:7.1f} s"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_meta VALUES ('load_seconds', %s) ON CONFLICT (key) DO UPDATE "
            "SET value = EXCLUDED.value",
            [json.dumps({k: round(v, 1) for k, v in timings.items()})],
        )
    return timings


def main() -> None:
    args = parse_args()
    configure(args.database_url)
    sizes = {
        "customers": args.customers,
        "orders": args.orders,
        "lines": args.lines,
        "managers": args.managers,
    }
    ensure_data(args.database_url, sizes, force=args.force)


if __name__ == "__main__":
    main()
