"""
The nightly churn scan (SPEC §3.3, §8.1) as django-celery-beat rows: 02:00 in the business time
zone. The system admin changes the time in Django admin (Periodic tasks); the beat process reads
it from the database, so a migration is the one place that creates it.
"""

from django.conf import settings
from django.db import migrations

TASK_NAME = "customers: nightly churn scan"
TASK = "apps.customers.tasks.churn_scan_task"


def create_schedule(apps, schema_editor):
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = crontab_model.objects.get_or_create(
        minute="0",
        hour="2",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone=settings.TIME_ZONE,
    )
    task_model.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": TASK,
            "crontab": crontab,
            "enabled": True,
            "description": "Flags customers without an order for CRM_CHURN_MONTHS months, "
            "closes the warnings of customers who ordered again, notifies the managers.",
        },
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0004_churn_scan_run"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
