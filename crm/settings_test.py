"""Test settings: the real PostgreSQL and Redis, a fast hasher, locmem e-mail, plain HTTP."""

import os

os.environ.setdefault(
    "SECRET_KEY", "test-only-secret-key-that-is-long-enough-for-django-checks-0123"
)
os.environ.setdefault("SECURE_HTTPS", "false")

from crm.settings import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
WHITENOISE_AUTOREFRESH = True
# Unit tests run tasks in-process; the worker tests start a real worker and turn this off.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)  # noqa: F405
ALLOWED_HOSTS = ["*"]
# The report replica's connection, pointed at the test database; the router sends report reads
# to it only where a test sets CRM_REPORTS_DATABASE = "reports" (tests/reports/test_replica.py).
DATABASES["reports"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
