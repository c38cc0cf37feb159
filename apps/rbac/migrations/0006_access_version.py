"""
The access version (apps.rbac.models.version): one row, moved by triggers in the transaction
of every write to what decides permissions, menus and data scopes: once per statement (a
transaction-local setting remembers it, as the reports' triggers do), so a bulk load costs one
update of the row, and a later statement of the same transaction moves it again.
UPDATE triggers on sys_user are row-level with a WHEN clause, so a login (last_login) or a
password change moves nothing. ENABLE ALWAYS: loaders that set session_replication_role =
replica move it too.
"""

from django.db import migrations, models

from crm.migration_operations import PostgresOnlySQL

FUNCTION = """
CREATE OR REPLACE FUNCTION sys_access_bump() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    stamp text := txid_current()::text || '@' || statement_timestamp()::text;
BEGIN
    IF current_setting('rbac.access_bumped', true) IS DISTINCT FROM stamp THEN
        PERFORM set_config('rbac.access_bumped', stamp, true);
        INSERT INTO sys_access_version (id, value) VALUES (1, 1)
            ON CONFLICT (id) DO UPDATE SET value = sys_access_version.value + 1;
    END IF;
    RETURN NULL;
END
$$;
INSERT INTO sys_access_version (id, value) VALUES (1, 1) ON CONFLICT (id) DO NOTHING;
"""

# table, columns whose update matters (None: every update)
TABLES = [
    ("sys_role", None),
    ("sys_right", None),
    ("sys_role_right", None),
    ("sys_data_scope", None),
    ("sys_department", None),
    (
        "sys_user",
        ["usr_role_id", "department_id", "supervisor_id", "usr_flag", "is_superuser",
         "usr_name", "full_name"],
    ),
]


def _create(table: str, columns: list[str] | None) -> str:
    name = f"sys_access_{table}"
    if columns is None:
        return (
            f"CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION sys_access_bump();"
            f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {name};"
        )
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)
    return (
        f"CREATE TRIGGER {name} AFTER INSERT OR DELETE OR TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION sys_access_bump();"
        f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {name};"
        f"CREATE TRIGGER {name}_upd AFTER UPDATE ON {table} FOR EACH ROW "
        f"WHEN ({changed}) EXECUTE FUNCTION sys_access_bump();"
        f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {name}_upd;"
    )


def _drop(table: str) -> str:
    name = f"sys_access_{table}"
    return f"DROP TRIGGER IF EXISTS {name} ON {table}; DROP TRIGGER IF EXISTS {name}_upd ON {table};"


class Migration(migrations.Migration):
    dependencies = [
        ("rbac", "0005_user_phone"),
    ]

    operations = [
        migrations.CreateModel(
            name="AccessVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("value", models.BigIntegerField(default=0)),
            ],
            options={
                "db_table": "sys_access_version",
                "default_permissions": (),
            },
        ),
        PostgresOnlySQL(FUNCTION, "DROP FUNCTION IF EXISTS sys_access_bump() CASCADE;"),
        *[PostgresOnlySQL(_create(*table), _drop(table[0])) for table in TABLES],
    ]
