"""The import pages: history, upload, preview, confirm, undo, downloads, templates."""

import io
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.customers.models import Customer
from apps.imports.models import ImportBatch
from apps.imports.views import ERRORS_PER_PAGE
from apps.jobs.models import Job
from tests.factories import CustomerFactory
from tests.imports.factories import apply, batch_factory, check, csv_bytes, upload

pytestmark = pytest.mark.django_db

COLUMNS = ["customer number", "name", "region"]
GOOD = csv_bytes(COLUMNS, [["KH20260101001", "甲公司", "北京"], ["KH20260101002", "乙公司", ""]])
WITH_BAD_ROW = csv_bytes(
    COLUMNS, [["KH20260101001", "甲公司", "北京"], ["KH20260101002", "乙公司", "火星"]]
)


@pytest.fixture
def manager_client(client, sales_manager, reference):
    client.force_login(sales_manager)
    client.user = sales_manager
    return client


def test_the_history_shows_ones_own_imports_only(manager_client, sales_manager):
    factory = batch_factory()
    mine = factory(created_by=sales_manager, original_name="mine.csv")
    factory(original_name="someone-else.csv")
    response = manager_client.get(reverse("imports:batch-list"))
    assert [b.pk for b in response.context["object_list"]] == [mine.pk]


def test_the_system_admin_sees_every_import(client, admin_user):
    factory = batch_factory()
    factory.create_batch(2)
    client.force_login(admin_user)
    response = client.get(reverse("imports:batch-list"))
    assert len(response.context["object_list"]) == 2


def test_the_history_costs_the_same_queries_for_10_and_30_rows(client, admin_user):
    client.force_login(admin_user)
    url = reverse("imports:batch-list")

    def queries(count: int) -> int:
        batch_factory().create_batch(count - ImportBatch.objects.count())
        client.get(url, {"sort": "kind"})  # the frame's memos (new users move their version)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, {"sort": "kind"})
        assert response.context["paginator"].count == count
        return len(captured.captured_queries)

    assert queries(10) == queries(30) <= 12


def test_uploading_a_file_checks_it_and_shows_the_preview(
    manager_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(
            reverse("imports:batch-create"),
            {"kind": "customers", "file": upload(WITH_BAD_ROW), "submit_token": uuid.uuid4()},
        )
    batch = ImportBatch.objects.get()
    assert response.url == batch.get_absolute_url()
    page = manager_client.get(response.url)
    html = page.content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CHECKED  # the dry run ran once committed
    assert 'data-testid="count-new">1<' in html
    assert 'data-testid="count-invalid">1<' in html
    assert "“火星” is not in the dictionary “地区”." in html
    assert 'data-testid="skip-invalid"' in html
    assert not Customer.objects.exists()


def test_a_refused_file_is_explained_on_the_form_and_nothing_is_stored(manager_client):
    response = manager_client.post(
        reverse("imports:batch-create"),
        {"kind": "customers", "file": upload(b"colour\nred\n"), "submit_token": uuid.uuid4()},
    )
    assert response.status_code == 200
    assert "Unknown columns: colour." in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_body_far_over_the_limit_is_refused_before_it_is_read(manager_client, settings):
    settings.CRM_IMPORT_MAX_BYTES = 1000
    big = upload(csv_bytes(COLUMNS, [["KH20260101001", "甲" * 100, "北京"]] * 400))
    response = manager_client.post(
        reverse("imports:batch-create"),
        {"kind": "customers", "file": big, "submit_token": uuid.uuid4()},
    )
    assert response.status_code == 413
    assert "The file is too large: files up to 1000" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_the_upload_form_offers_only_the_kinds_the_user_may_import(client, account_manager):
    client.force_login(account_manager)
    response = client.get(reverse("imports:batch-create"))
    assert [k.key for k in response.context["kinds"]] == ["linkmen", "activities"]
    assert [c[0] for c in response.context["form"].fields["kind"].choices] == [
        "linkmen",
        "activities",
    ]


def test_confirming_applies_the_import(
    manager_client, sales_manager, django_capture_on_commit_callbacks
):
    batch = check(sales_manager, "customers", GOOD)
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(reverse("imports:batch-apply", args=[batch.pk]))
    assert response.url == batch.get_absolute_url()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    assert Customer.objects.count() == 2


def test_confirming_with_invalid_rows_needs_the_users_choice(manager_client, sales_manager):
    batch = check(sales_manager, "customers", WITH_BAD_ROW)
    response = manager_client.post(reverse("imports:batch-apply", args=[batch.pk]), follow=True)
    assert "correct the file and upload it again" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CHECKED


def test_the_invalid_rows_are_paginated(manager_client, sales_manager):
    rows = [[f"KH20260101{i:03d}", "", ""] for i in range(1, ERRORS_PER_PAGE + 6)]
    batch = check(sales_manager, "customers", csv_bytes(COLUMNS, rows))
    response = manager_client.get(batch.get_absolute_url(), {"page": 2})
    assert len(response.context["page_obj"]) == 5


def test_undo_refused_shows_the_rows_in_the_way(manager_client, sales_manager):
    batch = apply(sales_manager, check(sales_manager, "customers", GOOD))
    Customer.objects.filter(number="KH20260101002").update(name="改过")
    response = manager_client.post(reverse("imports:batch-undo", args=[batch.pk]), follow=True)
    html = response.content.decode()
    assert "cannot be undone" in html
    assert 'data-testid="blocker" data-row="3"' in html
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED


def test_the_files_go_to_those_who_see_the_import_only(
    manager_client, sales_manager, client, user_of
):
    batch = check(sales_manager, "customers", WITH_BAD_ROW)
    response = manager_client.get(reverse("imports:batch-file", args=[batch.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == WITH_BAD_ROW
    errors = manager_client.get(reverse("imports:batch-errors", args=[batch.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(errors.streaming_content))).active
    assert sheet.max_row == 2
    client.force_login(user_of("sales_manager"))
    assert client.get(reverse("imports:batch-file", args=[batch.pk])).status_code == 404
    assert client.get(reverse("imports:batch-errors", args=[batch.pk])).status_code == 404


def test_templates_have_the_headers_in_the_users_language(manager_client):
    response = manager_client.get(
        reverse("imports:template", args=["customers"]),
        {"format": "xlsx"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]][:3] == ["客户编号", "名称", "地区"]
    response = manager_client.get(
        reverse("imports:template", args=["customers"]),
        {"format": "csv"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.content.decode("utf-8-sig").startswith("customer number,name,region,")


def test_a_template_of_a_kind_the_user_may_not_import_is_refused(client, account_manager):
    client.force_login(account_manager)
    assert client.get(reverse("imports:template", args=["customers"])).status_code == 403
    assert client.get(reverse("imports:template", args=["nothing"])).status_code == 404


def test_the_export_in_the_import_format_starts_a_job(
    manager_client, django_capture_on_commit_callbacks
):
    CustomerFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(
            reverse("imports:kind-export", args=["customers"]), {"format": "csv"}
        )
    assert response.url.startswith("/jobs/")


def test_a_downloaded_file_is_named_safely_whatever_name_it_was_uploaded_with(
    manager_client, sales_manager
):
    batch = check(sales_manager, "customers", WITH_BAD_ROW, name='evil<svg onload=1>"客户".csv')

    file = manager_client.get(reverse("imports:batch-file", args=[batch.pk]))
    errors = manager_client.get(reverse("imports:batch-errors", args=[batch.pk]))

    assert file["Content-Disposition"] == (
        "attachment; filename=\"evil_svg_onload_1.csv\"; filename*=UTF-8''"
        "evil_svg%20onload%3D1_%E5%AE%A2%E6%88%B7_.csv"
    )
    assert "<" not in errors["Content-Disposition"]
    assert errors["Content-Disposition"].endswith("%E5%AE%A2%E6%88%B7_-errors.xlsx")
    assert "<" not in file["Content-Disposition"]


def test_a_check_whose_worker_stopped_says_it_will_be_resumed(manager_client, settings):
    manager_client.post(
        reverse("imports:batch-create"),
        {"kind": "customers", "file": upload(GOOD), "submit_token": uuid.uuid4()},
    )  # the dry run's job is queued (published after commit: never here)
    batch = ImportBatch.objects.get()
    silent = timezone.now() - timedelta(seconds=settings.CRM_JOB_STALE_SECONDS + 1)
    Job.objects.filter(pk=batch.job_id).update(status=Job.Status.RUNNING, heartbeat_at=silent)

    html = manager_client.get(batch.get_absolute_url()).content.decode()

    assert batch.status == ImportBatch.Status.UPLOADED  # "Being checked"
    assert "The background worker running this job stopped" in html
    assert "resumed when a worker is back" in html
