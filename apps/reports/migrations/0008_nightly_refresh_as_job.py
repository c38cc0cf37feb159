"""
The nightly report refresh becomes a background job like every other (apps.jobs): beat's row
only creates a job of the kind "reports.refresh"; the job table runs and recovers it.
"""

from django.db import migrations

from crm.migration_operations import beat_entry_creates_job

TASK_NAME = "reports: nightly refresh"


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0007_rows_autovacuum"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        beat_entry_creates_job(
            name=TASK_NAME, task="apps.reports.tasks.reports_refresh_task", kind="reports.refresh"
        )
    ]
