"""
One builder per report: `build(snapshot, params, progress)` fills a new snapshot inside the
transaction that creates it: its rows (SQL INSERT … SELECT for the big tables, a bulk insert
for the few rows of a grouped count), its summary figures and its charts' data (rendered
later, by apps.reports.services.snapshot_chart). Builders run with
the snapshot's language active, so titles and labels are in that language.
"""

import json
from dataclasses import dataclass
from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS, connection, connections

from apps.reports.models import ReportRow, ReportSnapshot


def json_number(value):
    """Decimals become strings in JSON (exact); integers stay integers."""
    return str(value) if isinstance(value, Decimal) else value


def add_chart(snapshot: ReportSnapshot, name: str, spec: dict) -> None:
    """Keep a chart's input: the numbers the table shows, its titles in the snapshot's language."""
    spec = {**spec, **{k: [json_number(v) for v in spec[k]] for k in ("values",) if k in spec}}
    if "series" in spec:
        spec["series"] = [(n, [json_number(v) for v in vs]) for n, vs in spec["series"]]
    if "total" in spec:
        spec["total"] = json_number(spec["total"])
    snapshot.payload.setdefault("charts", {})[name] = spec


def insert_rows(snapshot: ReportSnapshot, rows: list[dict], *, amount: str | None = None) -> int:
    """A handful of already aggregated rows (a grouped count), ranked in list order."""
    ReportRow.objects.bulk_create(
        ReportRow(
            snapshot=snapshot,
            rank=rank,
            amount=row.get(amount) if amount else None,
            data={k: json_number(v) for k, v in row.items()},
        )
        for rank, row in enumerate(rows, start=1)
    )
    snapshot.row_count = len(rows)
    return len(rows)


@dataclass
class Ranked:
    count: int  # rows stored
    total: Decimal  # Σ amount
    counts: dict[str, list[tuple]]  # data key -> [(value, rows)], most rows first


def insert_ranked(
    snapshot,
    queryset,
    *,
    order: str,
    data: dict[str, str],
    amount: str = "NULL",
    join: str = "",
    counts: tuple[str, ...] = (),
) -> Ranked:
    """
    Rank the rows of an aggregate queryset and store them; the rows never travel to Python.
    The aggregate is ranked into a temporary table first: PostgreSQL runs CREATE TABLE AS
    with parallel workers, never an INSERT (about half the time on big aggregates), so the
    insert that follows only copies. `order`, `data` (JSON key -> SQL expression over `src`
    and the joined tables), `amount` and `join` are fixed strings of the builders, never user
    input; the queryset's parameters stay bound parameters. `counts` names data keys whose
    values are counted over exactly the stored rows (the charts beside the table).
    """
    sql, params = queryset.query.sql_with_params()
    if queryset.db != DEFAULT_DB_ALIAS:  # read on the report replica (crm/db_routers.py)
        return _copy_ranked(snapshot, queryset.db, sql, params, order, data, amount, join, counts)
    ranked = f"rpt_src_{snapshot.pk}"
    columns = ", ".join(f'{expression} AS "{key}"' for key, expression in data.items())
    pairs = ", ".join(f"'{key}', \"{key}\"" for key in data)
    # Built from the builders' constants only; every value is a bound parameter.
    fill = (
        f"CREATE TEMPORARY TABLE {ranked} ON COMMIT DROP AS "  # noqa: S608 # nosec B608
        f"SELECT row_number() OVER (ORDER BY {order}) AS rank, ({amount})::numeric AS amount, "
        f"{columns} FROM ({sql}) AS src {join}"
    )
    store = (
        f"WITH ins AS (INSERT INTO {ReportRow._meta.db_table} (snapshot_id, rank, amount, data) "  # noqa: S608 # nosec B608
        f"SELECT %s, rank, amount, jsonb_build_object({pairs}) FROM {ranked} RETURNING amount) "
        f"SELECT count(*), coalesce(sum(amount), 0) FROM ins"
    )
    with connection.cursor() as cursor:
        cursor.execute(fill, params)
        cursor.execute(store, [snapshot.pk])
        count, total = cursor.fetchone()
        counted = {}
        for key in counts:
            cursor.execute(
                f'SELECT "{key}", count(*) AS n FROM {ranked} GROUP BY 1 ORDER BY n DESC, 1'  # noqa: S608 # nosec B608
            )
            counted[key] = cursor.fetchall()
        cursor.execute(f"DROP TABLE {ranked}")
    snapshot.row_count = count
    return Ranked(count, total, counted)


def _copy_ranked(snapshot, alias, sql, params, order, data, amount, join, counts) -> Ranked:
    """
    insert_ranked() with the ranking read on the replica `alias`: the ranked rows stream
    from its COPY … TO STDOUT straight into a COPY … FROM STDIN of the primary's cache table
    (a replica cannot write), block by block, never as Python rows.
    """
    pairs = ", ".join(f"'{key}', {expression}" for key, expression in data.items())
    table = ReportRow._meta.db_table
    # Built from the builders' constants only; every value is a bound parameter.
    select = (
        f"SELECT %s, row_number() OVER (ORDER BY {order}), ({amount})::numeric, "  # noqa: S608 # nosec B608
        f"jsonb_build_object({pairs}) FROM ({sql}) AS src {join}"
    )
    copy_in = f"COPY {table} (snapshot_id, rank, amount, data) FROM STDIN"
    with connections[alias].cursor() as source, connection.cursor() as target:
        with (
            source.cursor.copy(f"COPY ({select}) TO STDOUT", [snapshot.pk, *params]) as rows,
            target.cursor.copy(copy_in) as into,
        ):
            for block in rows:
                into.write(block)
        target.execute(
            f"SELECT count(*), coalesce(sum(amount), 0) FROM {table} WHERE snapshot_id = %s",  # noqa: S608 # nosec B608
            [snapshot.pk],
        )
        count, total = target.fetchone()
        counted = {}
        for key in counts:
            target.execute(
                f"SELECT data -> %s AS value, count(*) AS n FROM {table} "  # noqa: S608 # nosec B608
                "WHERE snapshot_id = %s GROUP BY 1 ORDER BY n DESC, 1",
                [key, snapshot.pk],
            )
            counted[key] = [(json.loads(value), n) for value, n in target.fetchall()]
    snapshot.row_count = count
    return Ranked(count, total, counted)


def share(part, whole) -> str | None:
    """part / whole in percent with one decimal, as a string (None when whole is 0)."""
    if not whole:
        return None
    return str((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1")))


def no_progress(done: int, total: int | None = None) -> None:
    pass


def scoped(params: dict, owners: str = "owners") -> dict:
    """The selectors' owner and department filters from a report's params (apps.reports.scope)."""
    return {"owners": params.get(owners), "department": params.get("department")}
