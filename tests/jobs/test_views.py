"""The job pages: only the job's creator sees it; htmx polls until the job ends."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.jobs.models import Job
from apps.jobs.services import job_run
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
S = Job.Status


@pytest.fixture
def mine(client_as):
    client = client_as("executive")
    job = Job.objects.create(kind="tests.echo", params={}, created_by=client.user)
    return client, job


def test_the_creator_sees_his_queued_job(mine):
    client, job = mine
    response = client.get(reverse("jobs:job-detail", args=[job.pk]))
    assert b'data-status="queued"' in response.content
    assert b'data-testid="job-queued"' in response.content


def test_someone_else_gets_a_404_for_page_and_file(mine, client_as):
    _client, job = mine
    job_run(job_id=job.pk)
    other = client_as("executive")
    assert other.get(reverse("jobs:job-detail", args=[job.pk])).status_code == 404
    assert other.get(reverse("jobs:job-download", args=[job.pk])).status_code == 404


def test_htmx_polls_while_the_job_waits_or_runs(mine):
    client, job = mine
    response = client.get(reverse("jobs:job-detail", args=[job.pk]), headers={"HX-Request": "true"})
    assert b"hx-trigger" in response.content
    assert b"<html" not in response.content
    assert "HX-Refresh" not in response


def test_when_the_job_ends_htmx_reloads_the_page_that_shows_it(mine):
    client, job = mine
    Job.objects.filter(pk=job.pk).update(status=S.RUNNING, progress_done=1, progress_total=4)
    running = client.get(reverse("jobs:job-detail", args=[job.pk]), headers={"HX-Request": "true"})
    assert b"25%" in running.content
    Job.objects.filter(pk=job.pk).update(status=S.QUEUED)
    job_run(job_id=job.pk)
    done = client.get(reverse("jobs:job-detail", args=[job.pk]), headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"
    assert b"hx-trigger" not in done.content
    assert b'href="/result/"' in done.content


def test_a_job_without_a_file_has_nothing_to_download(mine):
    client, job = mine
    assert client.get(reverse("jobs:job-download", args=[job.pk])).status_code == 404
    job_run(job_id=job.pk)
    assert client.get(reverse("jobs:job-download", args=[job.pk])).status_code == 404


def test_the_file_is_downloaded_as_an_attachment(client_as, media):
    client = client_as("sales_manager")
    job = Job.objects.create(kind="tests.echo", params={"file": "out.csv"}, created_by=client.user)
    job_run(job_id=job.pk)
    response = client.get(reverse("jobs:job-download", args=[job.pk]))
    assert response["Content-Disposition"].startswith('attachment; filename="out.csv"')
    assert b"".join(response.streaming_content) == b"a,b\n1,2\n"


def test_the_job_list_shows_only_my_jobs(mine):
    client, job = mine
    Job.objects.create(kind="tests.echo", created_by=UserFactory(role="executive"))
    response = client.get(reverse("jobs:job-list"))
    assert list(response.context["object_list"]) == [job]


WORKER_LOST = "执行此任务的后台进程已停止"  # "The background worker running this job stopped"


def test_a_running_job_whose_worker_fell_silent_says_it_will_be_resumed(mine, settings):
    client, job = mine
    silent = timezone.now() - timedelta(seconds=settings.CRM_JOB_STALE_SECONDS + 1)
    Job.objects.filter(pk=job.pk).update(status=S.RUNNING, attempts=1, heartbeat_at=silent)

    page = client.get(reverse("jobs:job-detail", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert WORKER_LOST in page.content.decode()
    assert "后台进程恢复后，任务将从头重新执行" in page.content.decode()
    assert b"hx-trigger" in page.content  # and it keeps watching


def test_a_running_job_with_a_recent_sign_of_life_shows_its_progress_only(mine):
    client, job = mine
    Job.objects.filter(pk=job.pk).update(
        status=S.RUNNING, attempts=1, heartbeat_at=timezone.now(), progress_done=1, progress_total=4
    )

    page = client.get(reverse("jobs:job-detail", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert WORKER_LOST not in page.content.decode()
    assert b"25%" in page.content


def test_a_job_given_back_to_the_queue_says_its_worker_stopped(mine):
    client, job = mine
    Job.objects.filter(pk=job.pk).update(status=S.QUEUED, attempts=1)

    page = client.get(reverse("jobs:job-detail", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert WORKER_LOST in page.content.decode()
    assert b'data-testid="job-queued"' not in page.content
