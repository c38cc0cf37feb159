"""
The sweeper (apps.jobs.tasks.jobs_requeue_task) every minute, as a django-celery-beat row: the
beat process reads it from the database, so a migration is the one place that creates it.
"""

from django.db import migrations

TASK_NAME = "jobs: publish waiting jobs again"
TASK = "apps.jobs.tasks.jobs_requeue_task"


def create_schedule(apps, schema_editor):
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = interval_model.objects.get_or_create(every=60, period="seconds")
    task_model.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": TASK,
            "interval": every_minute,
            "enabled": True,
            "description": "Publishes queued background jobs the broker did not take (Redis "
            "was down) and revives running jobs whose worker stopped answering.",
        },
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
