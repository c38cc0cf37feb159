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
