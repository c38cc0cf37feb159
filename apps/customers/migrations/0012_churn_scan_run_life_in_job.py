"""
The run's own status, times, error and requester go: its job (migration 0011) holds them. Beat's
nightly row only creates a job of the kind "customers.churn_scan" from now on.
"""

from django.db import migrations

from crm.migration_operations import beat_entry_creates_job


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0011_churn_scan_run_job"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="churnscanrun",
            name="cst_lost_scan_run_status_valid",
        ),
        migrations.RemoveField(model_name="churnscanrun", name="error"),
        migrations.RemoveField(model_name="churnscanrun", name="finished_at"),
        migrations.RemoveField(model_name="churnscanrun", name="requested_by"),
        migrations.RemoveField(model_name="churnscanrun", name="started_at"),
        migrations.RemoveField(model_name="churnscanrun", name="status"),
        beat_entry_creates_job(
            name="customers: nightly churn scan",
            task="apps.customers.tasks.churn_scan_task",
            kind="customers.churn_scan",
        ),
    ]
