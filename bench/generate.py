"""
Large data set for the benchmarks, loaded with set-based SQL (INSERT … SELECT generate_series)
into a database of its own, created if missing.

    python -m bench.generate [--scale 1.0] [--customers 1000000] [--linkmen 3000000]
                             [--activities 5000000] [--orders 2000000] [--lines 10000000]
                             [--chances 200000] [--services 500000] [--churns 100000]
                             [--users 200] [--database-url postgres://…/crm_bench_large]
                             [--force]

--scale multiplies every default (0.01: a hundredth); an explicit size wins over the scale.
The data is reused across runs: a second call with the same sizes only checks them (--force
reloads). The reference data (dictionary, products) is loaded first; every row satisfies the
models' constraints, and the text is Chinese drawn from the demo generator's word lists.

Shape: 200 users in the four roles (bench_admin1…, bench_manager1…, bench_am1…, bench_exec1…,
password "bench-2026", listed per role in bench_meta 'users'), most of them account managers
owning the customers round-robin, placed in 20 departments of 4 levels (ORG_TREE) with their
supervisors; bench_head1 (role department_head, scope 本部门及下级部门) heads 华东区.
Customers KB00000000001… (the app numbers KH+date+seq):
about 10 % never ordered, a quarter and every lost one are dormant (latest order 6 months to
3 years ago), the rest ordered within two months; 90 % normal, 5 % lost, 5 % deleted; dates
over five years. Linkmen (~3 per customer), activities, orders and lines (catalogue prices),
sales chances in all four states with plans, service tickets in every resting state with their
handling rounds, churn records in all four states with postpone measures.
"""

import argparse
import itertools
import json
import os
import secrets
import time

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/crm_bench_large"
PASSWORD = "bench-2026"  # noqa: S105  (the benchmark users' published login, not a secret)

DEFAULT_SIZES = {
    "customers": 1_000_000,
    "linkmen": 3_000_000,
    "activities": 5_000_000,
    "orders": 2_000_000,
    "lines": 10_000_000,
    "chances": 200_000,
    "services": 500_000,
    "churns": 100_000,
    "users": 200,
}
# Below these every state, role and relation still appears.
MINIMUM_SIZES = {"customers": 40, "chances": 20, "services": 20, "churns": 8, "users": 8}

SETUP = """
CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value jsonb NOT NULL);
"""

# Emptied (with everything referencing them) before a load. The catalogue and dictionary stay:
# they are the reference data, upserted by reference_data_load.
BUSINESS_TABLES = [
    "sys_notification",
    "cst_lost_measure",
    "cst_lost",
    "cst_lost_scan_run",
    "cst_service_round",
    "cst_service",
    "sal_plan",
    "sal_chance",
    "orders_line",
    "orders",
    "cst_linkman",
    "cst_activity",
    "cst_customer",
    "sys_audit_event",
]

# (timing key, table, statement of bench.data_sql, primary key column inserted explicitly)
STEPS = [
    ("customers", "cst_customer", "CUSTOMERS", "id"),
    ("linkmen", "cst_linkman", "LINKMEN", "id"),
    ("activities", "cst_activity", "ACTIVITIES", "id"),
    ("orders", "orders", "ORDERS", "odr_id"),
    ("lines", "orders_line", "LINES", "id"),
    ("chances", "sal_chance", "CHANCES", "id"),
    ("plans", "sal_plan", "PLANS", None),
    ("services", "cst_service", "SERVICES", "id"),
    ("service_rounds", "cst_service_round", "ROUNDS", None),
    ("churns", "cst_lost", "CHURNS", "id"),
    ("churn_measures", "cst_lost_measure", "MEASURES", None),
]
ROLE_PREFIXES = {
    "admin": "bench_admin",
    "sales_manager": "bench_manager",
    "account_manager": "bench_am",
    "executive": "bench_exec",
}


def sizes_for(scale: float = 1.0, **explicit) -> dict:
    """The default sizes times `scale` (each at least its minimum), explicit ones as given."""
    sizes = {
        key: max(MINIMUM_SIZES.get(key, 1), round(value * scale))
        for key, value in DEFAULT_SIZES.items()
    }
    sizes.update({key: value for key, value in explicit.items() if value is not None})
    return sizes


def normalise(sizes: dict) -> dict:
    """Complete a partial dict (older callers pass customers/orders/lines/managers)."""
    sizes = dict(sizes)
    if "managers" in sizes:
        sizes.setdefault("users", sizes.pop("managers"))
    return {**DEFAULT_SIZES, **sizes}


def role_counts(users: int) -> dict:
    """Admins, sales managers and executives by the few; the rest are account managers."""
    admins, managers, executives = max(1, users // 100), max(1, users // 25), max(1, users // 40)
    return {
        "admin": admins,
        "sales_manager": managers,
        "account_manager": users - admins - managers - executives,
        "executive": executives,
    }


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="factor on every default size")
    for key, value in DEFAULT_SIZES.items():
        parser.add_argument(f"--{key}", type=int, default=None, help=f"default {value:,}")
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_LARGE_DATABASE_URL", DEFAULT_URL)
    )
    parser.add_argument("--force", action="store_true", help="reload even if the sizes match")
    return parser.parse_args(argv)


def configure(database_url: str) -> None:
    """Django settings for a benchmark process on `database_url`, and the schema migrated."""
    from crm.launcher import ensure_postgres_database

    ensure_postgres_database(database_url)
    os.environ.update(
        {
            "DATABASE_URL": database_url,
            "DEBUG": "false",
            "SECURE_HTTPS": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "LOG_LEVEL": "WARNING",
            "CELERY_TASK_ALWAYS_EAGER": "true",
        }
    )
    if not os.environ.get("SECRET_KEY"):
        os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
    os.environ.setdefault("EMAIL_URL", "dummymail://")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _secondary_indexes(cursor, table: str) -> list[tuple[str, str]]:
    """The indexes of `table` that back no constraint (primary key, unique): droppable."""
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
        "(SELECT conname FROM pg_constraint)",
        [table],
    )
    return cursor.fetchall()


def _load(cursor, table: str, statement: str, params: dict) -> float:
    """Insert with the table's secondary indexes dropped, then rebuild them: much faster."""
    start = time.perf_counter()
    indexes = _secondary_indexes(cursor, table)
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    cursor.execute(statement, params)
    rows = cursor.rowcount
    for _name, definition in indexes:
        cursor.execute(definition)
    seconds = time.perf_counter() - start
    print(f"  {table:<18} {rows:>11,} rows {seconds:7.1f} s", flush=True)
    return seconds


def _meta(cursor, key: str):
    cursor.execute("SELECT value FROM bench_meta WHERE key = %s", [key])
    row = cursor.fetchone()
    return (json.loads(row[0]) if isinstance(row[0], str) else row[0]) if row else None


def _meta_set(cursor, key: str, value) -> None:
    cursor.execute(
        "INSERT INTO bench_meta VALUES (%s, %s) ON CONFLICT (key) DO UPDATE "
        "SET value = EXCLUDED.value",
        [key, json.dumps(value, ensure_ascii=False)],
    )


def sizes_loaded(cursor) -> dict | None:
    return _meta(cursor, "sizes")


def users_loaded(cursor) -> dict | None:
    """The benchmark usernames per role code, as the last load wrote them."""
    return _meta(cursor, "users")


def _users(cursor, params: dict) -> dict:
    """Insert the benchmark users; returns their ids and usernames per role."""
    from django.contrib.auth.hashers import make_password

    from bench import data_sql as sql

    counts = role_counts(params["users"])
    cursor.execute(
        sql.USERS,
        {
            **params,
            "password": make_password(PASSWORD),
            "n_admin": counts["admin"],
            "n_manager": counts["sales_manager"],
            "n_am": counts["account_manager"],
            "n_exec": counts["executive"],
        },
    )
    ids, names = {}, {}
    for role, prefix in ROLE_PREFIXES.items():
        wanted = [f"{prefix}{n}" for n in range(1, counts[role] + 1)]
        cursor.execute("SELECT usr_name, id FROM sys_user WHERE usr_name = ANY(%s)", [wanted])
        found = dict(cursor.fetchall())
        ids[role], names[role] = [found[name] for name in wanted], wanted
    # Users of an earlier, larger load stay (rows may refer to them) but can no longer sign in.
    cursor.execute(
        "UPDATE sys_user SET usr_flag = false WHERE usr_name ~ %s AND NOT usr_name = ANY(%s)",
        [r"^bench_(admin|manager|am|exec)[0-9]+$", [n for v in names.values() for n in v]],
    )
    return {"ids": ids, "names": names}


# The organization (issue 16): 20 departments in 4 levels. Regions and branches are headed by
# the sales managers, teams by their first account manager; every user reports to the head of
# his department, a head to the head of the department above. The department head measured by
# bench.pages is bench_head1, head of 华东区 with the scope 本部门及下级部门 everywhere.
ORG_ROOT = "基准公司"
ORG_TREE = {
    "华东区": {"上海分公司": ["浦东组", "浦西组"], "杭州分公司": ["西湖组", "滨江组"]},
    "华北区": {"北京分公司": ["海淀组", "朝阳组"], "天津分公司": ["和平组", "南开组"]},
    "华南区": {"广州分公司": ["天河组"], "深圳分公司": ["南山组"]},
}
HEAD_ROLE = "department_head"
HEAD_USER = "bench_head1"
HEAD_RIGHTS = ("L0201", "L0202", "L04", "L0400", "L0401", "L0402", "L0403", "L0404")


def _organization(cursor, users: dict) -> dict:
    """
    Place the benchmark users in the department tree (replaced on each load) with their
    supervisors; create the department head's role and user. Returns {department: [user ids]}.
    20 rows through treebeard's own API, then one UPDATE per department for its members.
    """

    from apps.rbac.models import DataScope, Department, Right, Role, User

    ids = users["ids"]
    cursor.execute(
        "UPDATE sys_user SET department_id = NULL, supervisor_id = NULL WHERE usr_name ~ '^bench_'"
    )
    for old in Department.objects.filter(name=ORG_ROOT, depth=1):
        Department.objects.filter(path__startswith=old.path).delete()
    tree = Department.objects
    root = tree.add_root(
        instance=Department(name=ORG_ROOT, name_en="Bench Corp", head_id=ids["executive"][0])
    )
    role, _new = Role.objects.update_or_create(
        code=HEAD_ROLE,
        defaults={"name": "部门负责人", "name_en": "Department head", "is_active": True},
    )
    role.rights.set(Right.objects.filter(code__in=_tree_codes(HEAD_RIGHTS)))
    for module in DataScope.Module.values:
        DataScope.objects.update_or_create(
            role=role, module=module, defaults={"scope": DataScope.Scope.DEPARTMENT_TREE}
        )
    head, _new = User.objects.update_or_create(
        username=HEAD_USER,
        defaults={
            "full_name": "华东区负责人",
            "email": f"{HEAD_USER}@example.com",
            "is_active": True,
            "role": role,
            "password": User.objects.get(pk=ids["admin"][0]).password,  # the same hash
        },
    )
    managers = itertools.cycle(ids["sales_manager"])  # few: one may head several departments
    members: dict[int, list[int]] = {root.pk: [*ids["admin"], *ids["executive"]]}
    supervisor_of: dict[int, int] = {}
    teams = []
    for region_name, branches in ORG_TREE.items():
        region_head = head.pk if region_name == "华东区" else next(managers)
        region = tree.add_child(root, instance=Department(name=region_name, head_id=region_head))
        members[region.pk] = [region_head]
        supervisor_of[region_head] = ids["executive"][0]
        for branch_name, team_names in branches.items():
            branch_head = next(managers)
            branch = tree.add_child(
                region, instance=Department(name=branch_name, head_id=branch_head)
            )
            members[branch.pk] = [branch_head]
            supervisor_of[branch_head] = region_head
            teams += [
                (tree.add_child(branch, instance=Department(name=team)), branch_head)
                for team in team_names
            ]
    for n, am in enumerate(ids["account_manager"]):
        team, _boss = teams[n % len(teams)]
        members.setdefault(team.pk, []).append(am)
    for team, boss in teams:
        first, *rest = members.get(team.pk, []) or [None]
        if first is None:
            continue
        Department.objects.filter(pk=team.pk).update(head_id=first)
        supervisor_of[first] = boss
        supervisor_of.update(dict.fromkeys(rest, first))
    for department, user_ids in members.items():
        cursor.execute(
            "UPDATE sys_user SET department_id = %s WHERE id = ANY(%s)", [department, user_ids]
        )
    cursor.execute(
        "UPDATE sys_user u SET supervisor_id = s.boss FROM unnest(%s::bigint[], %s::bigint[]) "
        "AS s (id, boss) WHERE u.id = s.id AND s.id <> s.boss",
        [list(supervisor_of), list(supervisor_of.values())],
    )
    return {"departments": Department.objects.filter(path__startswith=root.path).count()}


def _tree_codes(codes) -> list[str]:
    """The rights `codes` and their parents (the menu needs the folder of a page)."""
    from apps.rbac.models import Right

    wanted = set(codes)
    parents = Right.objects.filter(code__in=wanted).values_list("parent_id", flat=True)
    return sorted(wanted | {p for p in parents if p})


def _products(cursor) -> dict:
    cursor.execute("SELECT id, prod_name, prod_unit, prod_price FROM product ORDER BY id")
    rows = cursor.fetchall()
    if not rows:
        raise RuntimeError("no product: the reference data did not load")
    return {
        "prod_id": [r[0] for r in rows],
        "prod_name": [r[1] for r in rows],
        "prod_unit": [r[2] or "台" for r in rows],
        "prod_price": [r[3] for r in rows],
        "n_products": len(rows),
    }


def _reset_identity(cursor, table: str, column: str) -> None:
    """Explicit ids were inserted: move the identity past them so the app can insert."""
    # table and column are constants of STEPS
    statement = f"SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE(max({column}), 0) + 1, false) FROM {table}"  # noqa: E501, S608
    cursor.execute(statement, [table, column])


def generate(cursor, sizes: dict) -> dict:
    """Replace the business data by a generated data set of `sizes`; returns the timings."""
    from django.utils import timezone

    from bench import data_sql as sql

    sizes = normalise(sizes)
    cursor.execute("SET maintenance_work_mem = '512MB'")
    cursor.execute("SET max_parallel_maintenance_workers = 2")
    cursor.execute("SET work_mem = '256MB'")
    cursor.execute(f"TRUNCATE {', '.join(BUSINESS_TABLES)} RESTART IDENTITY CASCADE")
    cursor.execute("SET session_replication_role = replica")  # no FK triggers while loading
    params = {
        **sizes,
        **sql.vocabulary(),
        **_products(cursor),
        "now": timezone.now(),
        "k_total": sizes["customers"] * 9 // 10,
    }
    start = time.perf_counter()
    users = _users(cursor, params)
    timings = {"users": time.perf_counter() - start}
    print(f"  {'sys_user':<18} {sizes['users']:>11,} rows {timings['users']:7.1f} s", flush=True)
    params.update(
        {
            "am_ids": users["ids"]["account_manager"],
            "n_am": len(users["ids"]["account_manager"]),
            "manager_ids": users["ids"]["sales_manager"],
            "n_manager": len(users["ids"]["sales_manager"]),
        }
    )
    begin = time.perf_counter()
    org = _organization(cursor, users)
    users["names"][HEAD_ROLE] = [HEAD_USER]
    timings["organization"] = time.perf_counter() - begin
    print(f"  {'sys_department':<18} {org['departments']:>11,} rows", flush=True)
    for key, table, statement, pk in STEPS:
        if key == "services":
            begin = time.perf_counter()
            cursor.execute(sql.SERVICE_PLAN, params)
            timings["service_plan"] = time.perf_counter() - begin
        timings[key] = _load(cursor, table, getattr(sql, statement), params)
        if pk:
            _reset_identity(cursor, table, pk)
    cursor.execute("SET session_replication_role = DEFAULT")
    _meta_set(cursor, "sizes", sizes)
    _meta_set(cursor, "users", users["names"])
    _meta_set(cursor, "password", PASSWORD)
    _meta_set(cursor, "generated_at", params["now"].isoformat())
    return timings


def generated_at(cursor):
    """
    The "now" of the load: its dates are placed relative to it. Loads that did not store it
    (bench_meta 'generated_at') derive it from order 1, customer 1's latest order, placed
    anchor(1) days and 13 seconds before it (data_sql.ORDERS).
    """
    from datetime import datetime

    from bench import data_sql as sql

    stored = _meta(cursor, "generated_at")
    if stored:
        return datetime.fromisoformat(stored)
    statement = f"SELECT odr_date + make_interval(days => ({sql.anchor('1')})::int, secs => 13) FROM orders WHERE odr_id = 1"  # noqa: E501, S608  (constants)
    cursor.execute(statement, {})
    row = cursor.fetchone()
    if not row:
        raise RuntimeError("no generated data set: order 1 is missing")
    return row[0]


CHURN_STEPS = ("churns", "churn_measures")


def churns_reload() -> dict:
    """
    Replace the churn records and their measures by the generated ones, exactly as the load
    wrote them (same rows, ids and dates): bench.churn_scan empties them to time the scan from
    scratch, then puts them back with this. Returns the timings.
    """
    from django.db import connection, transaction

    from bench import data_sql as sql

    timings = {}
    with transaction.atomic(), connection.cursor() as cursor:
        sizes = sizes_loaded(cursor)
        if not sizes:
            raise RuntimeError("no generated data set in this database (bench_meta 'sizes')")
        params = {**normalise(sizes), **sql.vocabulary(), "now": generated_at(cursor)}
        cursor.execute("TRUNCATE cst_lost_measure, cst_lost RESTART IDENTITY")
        cursor.execute("SET session_replication_role = replica")  # no FK triggers, as generate
        for key, table, statement, pk in STEPS:
            if key in CHURN_STEPS:
                timings[key] = _load(cursor, table, getattr(sql, statement), params)
                if pk:
                    _reset_identity(cursor, table, pk)
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("ANALYZE cst_lost")
        cursor.execute("ANALYZE cst_lost_measure")
    return timings


def vacuum(database_url: str | None = None) -> float:
    """VACUUM ANALYZE the loaded tables (Django's connection, outside any transaction)."""
    from django.db import connection

    start = time.perf_counter()
    with connection.cursor() as cursor:
        for table in ["sys_user", "product", *reversed(BUSINESS_TABLES)]:
            cursor.execute(f"VACUUM ANALYZE {table}")
    return time.perf_counter() - start


def ensure_data(database_url: str, sizes: dict, *, force: bool = False) -> dict:
    """Load the data set unless the database already holds one of these sizes; the timings."""
    from django.db import connection, transaction

    from apps.demo.reference import reference_data_load

    sizes = normalise(sizes)
    with connection.cursor() as cursor:
        cursor.execute(SETUP)
        if not force and sizes_loaded(cursor) == sizes:
            print(f"data set already loaded: {sizes}")
            return _meta(cursor, "load_seconds") or {}
    print(f"loading {sizes} ...", flush=True)
    start = time.perf_counter()
    reference_data_load()
    timings = {"reference_data": time.perf_counter() - start}
    with transaction.atomic(), connection.cursor() as cursor:
        timings.update(generate(cursor, sizes))
    timings["vacuum_analyze"] = vacuum(database_url)
    timings["total"] = time.perf_counter() - start
    print(
        f"  {'vacuum analyze':<35} {timings['vacuum_analyze']:7.1f} s\n"
        f"  {'total':<35} {timings['total']:7.1f} s"
    )
    with connection.cursor() as cursor:
        _meta_set(cursor, "load_seconds", {k: round(v, 1) for k, v in timings.items()})
    return timings


def main(argv=None) -> None:
    args = parse_args(argv)
    configure(args.database_url)
    sizes = sizes_for(args.scale, **{key: getattr(args, key) for key in DEFAULT_SIZES})
    ensure_data(args.database_url, sizes, force=args.force)


if __name__ == "__main__":
    main()
