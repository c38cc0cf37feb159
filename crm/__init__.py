"""Project package: settings, URLs, the Celery app and the few shared building blocks."""

from crm.celery import app as celery_app

__all__ = ("celery_app",)
