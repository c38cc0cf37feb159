"""The Django admin pages the product links to speak the user's language; /favicon.ico answers."""

import re
from importlib import import_module

import pytest
from django.apps import apps
from django_celery_beat.models import PeriodicTask

from apps.demo.reference import reference_data_load

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
TASKS = "/admin/django_celery_beat/periodictask/"


SCHEDULE_MIGRATIONS = [
    "apps.customers.migrations.0005_churn_scan_schedule",
    "apps.jobs.migrations.0002_requeue_schedule",
    "apps.reports.migrations.0004_nightly_refresh",
]


@pytest.fixture(autouse=True)
def nightly_tasks():
    """The tasks as the migrations write them (a flushing test before this one may drop them)."""
    for migration in SCHEDULE_MIGRATIONS:
        import_module(migration).create_schedule(apps, None)


def visible_text(response) -> str:
    html = re.sub(r"(?s)<script.*?</script>|<style.*?</style>", " ", response.content.decode())
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def churn_scan_task():
    return PeriodicTask.objects.get(task="apps.customers.tasks.churn_scan_task")


def test_the_nightly_tasks_are_listed_in_chinese(client_as):
    text = visible_text(client_as("admin").get(TASKS, **ZH))

    assert "客户流失夜间扫描" in text
    assert "统计报表夜间刷新" in text
    assert "后台任务：重新发布等待中的任务" in text
    assert "在 02:00 Asia/Shanghai" in text  # the crontab in words
    for english in ("nightly", "Model name", "Task Name", "Scheduler", "At 02:00"):
        assert english not in text


def test_a_nightly_task_opens_in_chinese_and_keeps_its_name(client_as):
    task = churn_scan_task()

    response = client_as("admin").get(f"{TASKS}{task.pk}/change/", **ZH)

    text = visible_text(response)
    assert text.count("客户流失夜间扫描") >= 3  # title, breadcrumbs, heading and the field
    assert "为 CRM_CHURN_MONTHS 个月未下单的客户发出流失预警" in text
    assert "nightly churn scan" not in text
    assert "Flags customers" not in text
    assert {"name", "description"}.isdisjoint(response.context["adminform"].form.fields)
    assert "crontab" in response.context["adminform"].form.fields  # its time stays editable


def test_the_nightly_tasks_in_english(client_as):
    text = visible_text(client_as("admin").get(TASKS, **EN))

    assert "customers: nightly churn scan" in text
    assert "At 02:00 Asia/Shanghai" in text


def test_the_dictionary_admin_speaks_chinese(client_as):
    reference_data_load()

    text = visible_text(client_as("admin").get("/admin/basedata/dictitem/", **ZH))

    assert "编号" in text
    assert "Pk" not in text
    assert "Model name" not in text


def test_favicon_answers_without_a_login(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/vnd.microsoft.icon"
    assert response.content.startswith(b"\x00\x00\x01\x00")  # an ICO file
