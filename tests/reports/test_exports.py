"""CSV and XLSX downloads of the report tables: same numbers, formulas neutralised."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from apps.jobs.models import Job
from apps.reports.services import snapshot_compute
from tests.reports.factories import CustomerFactory, local, order_with_lines

pytestmark = pytest.mark.django_db

ALL = {"year": None, "name": ""}


@pytest.fixture
def manager_client(client_as):
    return client_as("sales_manager")


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())  # Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def read_xlsx(content: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_composition_csv_has_the_table_rows(data, manager_client):
    response = manager_client.get(reverse("reports:composition"), {"export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = read_csv(response.content)
    assert len(rows[0]) == 4
    assert rows[1:] == [
        ["1", "普通客户", "2", "50.0"],
        ["2", "重点开发客户", "0", "0.0"],
        ["3", "大客户", "1", "25.0"],
        ["4", "合作伙伴", "0", "0.0"],
        ["5", "战略合作伙伴", "1", "25.0"],
    ]


def test_contribution_xlsx_keeps_amounts_as_numbers(data, manager_client):
    snapshot_compute(report="contribution", params=ALL, language="zh-hans")
    response = manager_client.get(reverse("reports:contribution"), {"export": "xlsx"})
    rows = read_xlsx(response.content)
    assert [(r[0], r[2], r[3]) for r in rows[1:]] == [
        (1, "乙公司", 30001),
        (2, "甲公司", 22400.5),
        (3, "丁公司", 999.9),
    ]


def test_a_name_that_looks_like_a_formula_is_exported_as_text(data, manager_client):
    evil = CustomerFactory(name='=HYPERLINK("http://evil.example","x")')
    order_with_lines(evil, local(2024, 1, 2), (1, "1"))
    snapshot_compute(report="contribution", params=ALL, language="zh-hans")
    csv_rows = read_csv(
        manager_client.get(reverse("reports:contribution"), {"export": "csv"}).content
    )
    assert csv_rows[-1][2] == "'" + evil.name
    sheet = openpyxl.load_workbook(
        io.BytesIO(manager_client.get(reverse("reports:contribution"), {"export": "xlsx"}).content)
    ).active
    cell = sheet.cell(row=sheet.max_row, column=3)
    assert (cell.data_type, cell.value) == ("s", "'" + evil.name)


def test_export_of_a_report_not_computed_yet_returns_to_the_page(data, manager_client):
    response = manager_client.get(reverse("reports:contribution"), {"export": "csv"})
    assert response.status_code == 302
    assert response.url == reverse("reports:contribution")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_big_export_is_written_by_a_job_and_downloaded_from_its_page(
    data, manager_client, settings, tmp_path, fmt, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    settings.CRM_EXPORT_MAX_ROWS = 2
    snapshot_compute(report="contribution", params=ALL, language="zh-hans")
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.get(reverse("reports:contribution"), {"export": fmt})
    job = Job.objects.get(kind="reports.export")
    assert response.url == job.get_absolute_url()
    assert (job.status, job.result["rows"]) == (Job.Status.DONE, 3)
    page = manager_client.get(job.get_absolute_url())
    assert b'data-testid="job-download"' in page.content
    download = manager_client.get(reverse("jobs:job-download", args=[job.pk]))
    content = b"".join(download.streaming_content)
    rows = read_csv(content) if fmt == "csv" else read_xlsx(content)
    assert [str(r[2]) for r in rows[1:]] == ["乙公司", "甲公司", "丁公司"]


def test_the_file_and_sheet_are_named_by_the_local_time_of_the_computation(data, manager_client):
    snapshot = snapshot_compute(report="contribution", params=ALL, language="zh-hans")
    utc_evening = datetime.datetime(2026, 3, 1, 20, 30, tzinfo=datetime.UTC)  # 04:30 in Shanghai
    type(snapshot).objects.filter(pk=snapshot.pk).update(computed_at=utc_evening)

    response = manager_client.get(reverse("reports:contribution"), {"export": "xlsx"})

    assert "contribution-20260302-0430.xlsx" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["contribution-20260302-0430"]
