"""Exports as jobs: the user's scope only, formulas neutralised in CSV and XLSX (S7, S16)."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from apps.imports import services
from apps.jobs.models import Job
from tests.factories import CustomerFactory
from tests.imports.factories import run_jobs

pytestmark = pytest.mark.django_db

# (PostgreSQL stores no NUL byte; crm.exports.safe_cell guards it too.)
DANGEROUS = ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"]


def job_file(job: Job):
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    return job.result_file.open("rb").read()


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def xlsx_cells(content: bytes):
    return [list(row) for row in load_workbook(io.BytesIO(content)).active.iter_rows()]


@pytest.fixture
def dangerous_customers(sales_manager, account_manager):
    return [
        CustomerFactory(number=f"KH20260101{i:03d}", name=value, manager=account_manager)
        for i, value in enumerate(DANGEROUS, start=1)
    ]


def test_a_csv_export_in_the_import_format_neutralises_formulas(sales_manager, dangerous_customers):
    job = services.kind_export_request(
        actor=sales_manager, kind="customers", fmt="csv", language="en"
    )
    run_jobs()
    names = [row[1] for row in csv_rows(job_file(job))[1:]]
    assert names == ["'" + value for value in DANGEROUS]


def test_an_xlsx_export_writes_formulas_as_text(sales_manager, dangerous_customers):
    job = services.kind_export_request(
        actor=sales_manager, kind="customers", fmt="xlsx", language="en"
    )
    run_jobs()
    cells = [row[1] for row in xlsx_cells(job_file(job))[1:]]
    # XML reads a carriage return back as a line feed; the guard is what matters.
    assert [cell.value for cell in cells] == ["'" + v.replace("\r", "\n") for v in DANGEROUS]
    assert {cell.data_type for cell in cells} == {"s"}


def test_a_big_list_export_runs_as_a_job_with_the_lists_filter_and_scope(
    client, account_manager, user_of, settings
):
    settings.CRM_EXPORT_MAX_ROWS = 1
    mine = [CustomerFactory(name=f"甲{i}", manager=account_manager) for i in range(3)]
    CustomerFactory(name="甲 of someone else", manager=user_of("account_manager"))
    CustomerFactory(name="乙", manager=account_manager)
    client.force_login(account_manager)
    response = client.post(
        reverse("imports:list-export"),
        {"url_name": "customers:customer-list", "query": "name=甲&export=csv", "format": "csv"},
    )
    job = Job.objects.get(kind=services.LIST_EXPORT_JOB)
    assert response.url == job.get_absolute_url()
    run_jobs()
    rows = csv_rows(job_file(job))
    assert sorted(row[0] for row in rows[1:]) == sorted(c.number for c in mine)
    assert job.result == {"rows": 3}


def test_a_list_export_of_a_page_the_user_may_not_open_is_refused(client, executive):
    client.force_login(executive)
    response = client.post(
        reverse("imports:list-export"),
        {"url_name": "customers:customer-list", "query": "", "format": "csv"},
    )
    assert response.status_code == 403
    assert not Job.objects.exists()


@pytest.mark.parametrize("url_name", ["imports:batch-create", "home", "nope:nothing"])
def test_only_list_pages_can_be_exported(client, sales_manager, url_name):
    client.force_login(sales_manager)
    response = client.post(
        reverse("imports:list-export"), {"url_name": url_name, "query": "", "format": "csv"}
    )
    assert response.status_code == 404
    assert not Job.objects.exists()


def test_the_export_offer_page_posts_the_current_filter(client, sales_manager, settings):
    settings.CRM_EXPORT_MAX_ROWS = 0
    CustomerFactory(name="甲")
    client.force_login(sales_manager)
    response = client.get(reverse("customers:customer-list"), {"name": "甲", "export": "xlsx"})
    html = response.content.decode()
    assert 'name="url_name" value="customers:customer-list"' in html
    assert 'name="query" value="name=%E7%94%B2"' in html
    assert 'name="format" value="xlsx"' in html
