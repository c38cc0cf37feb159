"""Migration operations shared by the apps."""

import json

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


def beat_entry_creates_job(*, name: str, task: str, kind: str) -> migrations.RunPython:
    """
    Beat's row `name` (django-celery-beat), which ran `task` itself, from now on only creates
    a job of `kind` (apps.jobs.tasks.job_schedule_task): the job table runs it, reports it and
    recovers it like every job. The schedule the admin may have changed is kept. Reversible.
    """
    schedule_task = "apps.jobs.tasks.job_schedule_task"

    def forwards(apps, schema_editor):
        periodic = apps.get_model("django_celery_beat", "PeriodicTask")
        periodic.objects.filter(name=name).update(
            task=schedule_task, args="[]", kwargs=json.dumps({"kind": kind})
        )

    def backwards(apps, schema_editor):
        periodic = apps.get_model("django_celery_beat", "PeriodicTask")
        periodic.objects.filter(name=name).update(task=task, args="[]", kwargs="{}")

    return migrations.RunPython(forwards, backwards)
