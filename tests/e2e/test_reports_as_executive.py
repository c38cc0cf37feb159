"""
The executive opens every report (Chromium): the dashboard, then each analysis from the menu,
switches filters and language, sees the charts load, and downloads exports. Assertions are on
data (names, numbers) and data-testid attributes, never on translated text.
"""

import csv
import io

import openpyxl
import pytest
from playwright.sync_api import expect

from apps.jobs.models import Job
from apps.jobs.services import job_run
from tests.factories import UserFactory
from tests.reports.broker import CLOSED_PORT, reset_connections, use_broker
from tests.reports.dataset import create_data, create_dictionaries

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


def rows(page) -> list[list[str]]:
    return page.locator("[data-testid=report-row]").evaluate_all(
        "rows => rows.map(r => Array.from(r.cells, c => c.innerText.trim()))"
    )


def charts_loaded(page) -> None:
    """Every chart image on the page was served and decoded (the SVG passes the CSP)."""
    images = page.locator("[data-testid^=chart-] img")
    expect(images.first).to_be_visible()
    # Images load on their own; give every one the chance to finish before judging it.
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid^=chart-] img')].every(i => i.complete)",
        timeout=10_000,
    )
    widths = images.evaluate_all("imgs => imgs.map(i => i.complete && i.naturalWidth)")
    assert widths
    assert all(widths), widths


def open_report(page, right_code: str) -> None:
    link = page.locator(f"[data-testid=menu] [data-right={right_code}]")
    link.click()
    # The previous report stays visible until the new page replaces it: wait for the new page
    # (its menu marks the report as current) before reading any row.
    expect(link).to_have_attribute("aria-current", "page")
    expect(page.get_by_test_id("report")).to_be_visible()


@pytest.fixture
def executive_page(page, live_server):
    create_dictionaries()
    create_data()
    user = UserFactory(role="executive", username="e2e_exec", password=PASSWORD)
    page.goto(f"{live_server.url}/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def test_the_executive_opens_each_report_filters_switches_language_and_exports(
    executive_page, live_server
):
    page = executive_page

    open_report(page, "L0400")  # the dashboard
    expect(page.get_by_test_id("open-churn")).to_have_text("1")
    charts_loaded(page)

    open_report(page, "L0401")  # contribution, every year
    assert [r[2] for r in rows(page)] == ["乙公司", "甲公司", "丁公司"]
    assert [r[3] for r in rows(page)] == ["30,001.00", "22,400.50", "999.90"]
    charts_loaded(page)
    page.select_option("#id_year", "2024")
    page.get_by_test_id("apply-filters").click()
    expect(page.get_by_test_id("report-row")).to_have_count(2)
    assert [r[3] for r in rows(page)] == ["30,000.00", "22,100.50"]

    with page.expect_download() as download:
        page.get_by_test_id("export-csv").click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    assert [row[2:] for row in csv.reader(io.StringIO(text))][1:] == [
        ["乙公司", "30000.00"],
        ["甲公司", "22100.50"],
    ]

    page.goto(f"{live_server.url}/reports/contribution/?year=20x4")
    expect(page.get_by_test_id("filter-error")).to_be_visible()
    expect(page.get_by_test_id("report")).to_have_count(0)

    open_report(page, "L0402")  # composition, by level then by credit
    assert [r[2] for r in rows(page)] == ["2", "0", "1", "0", "1"]
    page.select_option("#id_by", "credit")
    page.get_by_test_id("apply-filters").click()
    expect(page.get_by_test_id("report-row")).to_have_count(6)
    assert [r[2] for r in rows(page)] == ["0", "0", "2", "0", "1", "1"]
    charts_loaded(page)

    open_report(page, "L0403")  # services, one year with its months
    page.select_option("#id_year", "2024")
    page.get_by_test_id("apply-filters").click()
    expect(page.get_by_test_id("months-table")).to_be_visible()
    assert [r[2] for r in rows(page)] == ["2", "0", "1"]
    charts_loaded(page)

    open_report(page, "L0404")  # churn, then one manager
    assert [r[2] for r in rows(page)] == ["甲公司", "丁公司"]
    page.fill("#id_manager", "张")
    page.get_by_test_id("apply-filters").click()
    expect(page.get_by_test_id("report-row")).to_have_count(1)
    with page.expect_download() as download:
        page.get_by_test_id("export-xlsx").click()
    sheet = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    assert [cell.value for cell in sheet[2]][1:4] == [2024, "甲公司", "张三"]

    page.select_option("#language-select", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    open_report(page, "L0402")
    assert [r[1] for r in rows(page)][:2] == ["Ordinary", "Key prospect"]
    charts_loaded(page)


@pytest.fixture
def redis_down(settings):
    use_broker(settings, CLOSED_PORT)
    yield
    reset_connections()


def test_a_queued_report_shows_itself_once_the_worker_has_computed_it(
    executive_page, live_server, redis_down
):
    """Redis down: the page says queued and polls (htmx); the worker's run reloads it."""
    page = executive_page
    page.goto(f"{live_server.url}/reports/contribution/")
    expect(page.get_by_test_id("job-queued")).to_be_visible()
    job = Job.objects.get(kind="reports.compute")

    job_run(job_id=job.pk)  # what the worker does once Redis is back

    expect(page.get_by_test_id("report-row")).to_have_count(3, timeout=15_000)
    expect(page.get_by_test_id("job")).to_have_count(0)
