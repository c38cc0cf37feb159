"""
The nightly report refresh (apps.reports.tasks.reports_refresh_task) at 03:00 in the business
time zone, after the churn scan (02:00) has written its warnings. A django-celery-beat row, so
the system admin can move it in Django admin.
"""

from django.conf import settings
from django.db import migrations

TASK_NAME = "reports: nightly refresh"
TASK = "apps.reports.tasks.reports_refresh_task"


def create_schedule(apps, schema_editor):
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = crontab_model.objects.get_or_create(
        minute="0", hour="3", day_of_week="*", day_of_month="*", month_of_year="*",
        timezone=settings.TIME_ZONE,
    )
    task_model.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": TASK,
            "crontab": crontab,
            "enabled": True,
            "description": "Recomputes the reports opened within a week for the current data "
            "and drops older results.",
        },
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_data_change_triggers"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
