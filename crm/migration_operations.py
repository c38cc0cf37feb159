"""Migration operations shared by the apps."""

from django.db import migrations


class PostgresOnlySQL(migrations.RunSQL):
    """
    SQL that only PostgreSQL understands (triggers, storage settings). On the embedded SQLite
    fallback it is skipped; the code that relies on it says what happens there instead.
    """

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def postgres_indexes(table: str, indexes: dict[str, str]) -> list[PostgresOnlySQL]:
    """
    `CREATE INDEX IF NOT EXISTS name ON definition` for each (name, definition) of `indexes`,
    reversible, then ANALYZE of `table` so that the planner knows the indexed expressions'
    selectivity at once. PostgreSQL only, like PostgresOnlySQL.
    """
    return [
        *[
            PostgresOnlySQL(
                f"CREATE INDEX IF NOT EXISTS {name} ON {definition}",
                f"DROP INDEX IF EXISTS {name}",
            )
            for name, definition in indexes.items()
        ],
        PostgresOnlySQL(f"ANALYZE {table}", migrations.RunSQL.noop),
    ]
