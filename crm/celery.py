"""The Celery application. Tasks live in each app's tasks.py and are found by autodiscovery."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")

app = Celery("crm", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def publish_connection():
    """
    A broker connection of its own for publishing a job's wake-up message from a request (or
    the sweeper): one attempt with short socket timeouts and no reconnect loop, so a stopped
    Redis refuses at once and a frozen one (SIGSTOP) costs about one socket timeout instead of
    kombu's retries (measured: 4–7.5 s with the worker's options). Use it as a context manager.
    """
    from django.conf import settings

    return app.connection_for_write(transport_options=settings.CRM_JOB_PUBLISH_TRANSPORT_OPTIONS)
