"""
Triggers that tell the reports their data changed (see apps.reports.models).

Each source (customer, orders, service, churn, dict, user) gets one rpt_data_change row per
statement that touched it, however many rows: the function remembers the statement in a
transaction-local setting. (Per statement, not per transaction: a snapshot computed inside a
transaction must not outlive a later change in that same transaction.) INSERT, DELETE and
TRUNCATE are statement-level triggers (a bulk load costs one call); UPDATE triggers are
row-level with a WHEN clause on the columns the reports read, so editing a customer's address
does not invalidate any report.
ENABLE ALWAYS makes them fire for loaders that set session_replication_role = replica too.

The snapshot tables are UNLOGGED: they are a cache, rebuilt on demand after a crash.
"""

from django.db import migrations

from crm.migration_operations import PostgresOnlySQL

FUNCTION = """
CREATE OR REPLACE FUNCTION rpt_note_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    setting text := 'rpt.changed_' || TG_ARGV[0];
    stamp text := txid_current()::text || '@' || statement_timestamp()::text;
BEGIN
    IF current_setting(setting, true) IS DISTINCT FROM stamp THEN
        PERFORM set_config(setting, stamp, true);
        INSERT INTO rpt_data_change (source, changed_at) VALUES (TG_ARGV[0], clock_timestamp());
    END IF;
    RETURN NULL;
END
$$;
"""

# table, source, columns whose update matters (None: every update)
SOURCES = [
    ("cst_customer", "customer", ["cust_name", "cust_status", "cust_level", "cust_credit",
                                  "cust_satisfy"]),
    ("orders", "orders", None),
    ("orders_line", "orders", None),
    ("cst_service", "service", ["svr_type", "svr_status", "created_at"]),
    ("cst_lost", "churn", ["lst_status", "lst_lost_date", "lst_reason", "lst_cust_manager_id",
                           "lst_cust_id"]),
    ("bas_dict", "dict", None),
    ("sys_user", "user", ["usr_name", "full_name"]),
]


def _create(table: str, source: str, columns: list[str] | None) -> str:
    name = f"rpt_change_{table}"
    statements = []
    if columns is None:
        events = "INSERT OR UPDATE OR DELETE OR TRUNCATE"
    else:
        events = "INSERT OR DELETE OR TRUNCATE"
        changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)
        statements.append(
            f"CREATE TRIGGER {name}_upd AFTER UPDATE ON {table} FOR EACH ROW "
            f"WHEN ({changed}) EXECUTE FUNCTION rpt_note_change('{source}');"
            f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {name}_upd;"
        )
    if table != "sys_user":  # a new user changes no report; only a renamed one does
        statements.append(
            f"CREATE TRIGGER {name} AFTER {events} ON {table} FOR EACH STATEMENT "
            f"EXECUTE FUNCTION rpt_note_change('{source}');"
            f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {name};"
        )
    return "\n".join(statements)


def _drop(table: str) -> str:
    name = f"rpt_change_{table}"
    return f"DROP TRIGGER IF EXISTS {name} ON {table}; DROP TRIGGER IF EXISTS {name}_upd ON {table};"


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_snapshots"),
        ("customers", "0002_initial"),
        ("service", "0001_initial"),
        ("basedata", "0001_initial"),
        ("rbac", "0001_initial"),
    ]

    operations = [
        PostgresOnlySQL(FUNCTION, "DROP FUNCTION IF EXISTS rpt_note_change() CASCADE;"),
        *[PostgresOnlySQL(_create(*source), _drop(source[0])) for source in SOURCES],
        # Unlogged: a cache. rpt_row first, a logged table may not reference an unlogged one.
        PostgresOnlySQL(
            "ALTER TABLE rpt_row SET UNLOGGED; ALTER TABLE rpt_snapshot SET UNLOGGED;",
            "ALTER TABLE rpt_snapshot SET LOGGED; ALTER TABLE rpt_row SET LOGGED;",
        ),
    ]
