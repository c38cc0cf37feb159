"""The report pages as the executive and the sales manager see them: filters, results, charts."""

import pytest
from django.urls import reverse

from apps.jobs.models import Job
from apps.reports import charts
from apps.reports.models import ReportSnapshot
from apps.reports.services import snapshot_compute

pytestmark = pytest.mark.django_db

PAGES = [
    "reports:dashboard",
    "reports:contribution",
    "reports:composition",
    "reports:service",
    "reports:churn",
]


@pytest.fixture
def executive_client(client_as):
    return client_as("executive")


def rows_of(response):
    return [
        [column.value(row) for column in response.context["columns"]]
        for row in response.context["rows"]
    ]


@pytest.mark.parametrize("name", PAGES)
def test_each_report_opens_for_the_executive(
    data, executive_client, name, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        executive_client.get(reverse(name))  # heavy reports: the job runs after commit
    response = executive_client.get(reverse(name))
    assert response.status_code == 200
    assert response.context["state"].snapshot is not None
    assert b'data-testid="report"' in response.content


def test_contribution_table_shows_the_ranked_amounts(data, executive_client):
    snapshot_compute(report="contribution", params={"year": 2024, "name": ""}, language="zh-hans")
    response = executive_client.get(reverse("reports:contribution"), {"year": "2024"})
    assert [(r[0], r[2], str(r[3])) for r in rows_of(response)] == [
        (1, "乙公司", "30000.00"),
        (2, "甲公司", "22100.50"),
    ]
    assert "30,000.00" in response.content.decode()


def test_the_year_filter_offers_the_years_with_orders(data, executive_client):
    response = executive_client.get(reverse("reports:composition"))
    assert response.status_code == 200
    form = executive_client.get(reverse("reports:contribution")).context["form"]
    assert [value for value, _label in form.fields["year"].widget.choices] == [
        "",
        "2025",
        "2024",
        "2023",
    ]


@pytest.mark.parametrize(
    ("name", "query", "field"),
    [
        ("reports:contribution", {"year": "20x4"}, "year"),
        ("reports:contribution", {"year": "1800"}, "year"),
        ("reports:service", {"year": "abc"}, "year"),
        ("reports:service", {"date_from": "2024-05-01", "date_to": "2024-04-01"}, "__all__"),
        ("reports:service", {"year": "2024", "date_from": "2024-05-01"}, "__all__"),
        ("reports:service", {"date_from": "2024-13-45"}, "date_from"),
        ("reports:composition", {"by": "colour"}, "by"),
    ],
)
def test_a_bad_filter_gets_a_message_not_an_error_page(data, executive_client, name, query, field):
    response = executive_client.get(reverse(name), query)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert b'data-testid="filter-error"' in response.content
    assert not ReportSnapshot.objects.exclude(report="order-years").exists()
    assert not Job.objects.exists()


def test_the_page_number_out_of_range_shows_the_last_page(data, executive_client):
    snapshot_compute(report="churn", params={"customer": "", "manager": ""}, language="zh-hans")
    response = executive_client.get(reverse("reports:churn"), {"page": "99"})
    assert response.status_code == 200
    assert response.context["page_obj"].number == 1
    assert executive_client.get(reverse("reports:churn"), {"page": "x"}).status_code == 200


def test_english_pages_show_english_labels(data, client_as, settings):
    client = client_as("sales_manager")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("reports:composition"))
    assert response.context["snapshot"].language == "en"
    assert [r[1] for r in rows_of(response)][:2] == ["Ordinary", "Key prospect"]


def test_a_heavy_report_not_computed_yet_says_it_is_queued(data, executive_client):
    response = executive_client.get(reverse("reports:contribution"))
    assert response.status_code == 200
    assert b'data-status="queued"' in response.content
    assert b'data-testid="job-queued"' in response.content
    assert b'hx-trigger="every' in response.content


def test_a_failed_computation_is_shown_with_a_way_to_try_again(
    data, executive_client, django_capture_on_commit_callbacks
):
    url = reverse("reports:contribution")
    executive_client.get(url)
    job = Job.objects.get()
    Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, error="boom")
    response = executive_client.get(url)
    assert b'data-testid="job-error"' in response.content
    assert b'data-testid="report-retry"' in response.content
    with django_capture_on_commit_callbacks(execute=True):
        assert executive_client.post(url).status_code == 302
    assert Job.objects.filter(status=Job.Status.DONE).count() == 1


def test_the_chart_gets_the_same_numbers_as_the_table(data, executive_client, monkeypatch):
    received = {}

    def spy(**arguments):
        received.update(arguments)
        return b"<svg/>"

    monkeypatch.setitem(charts.CHARTS, "pareto", spy)
    snapshot_compute(report="contribution", params={"year": None, "name": ""}, language="zh-hans")
    response = executive_client.get(reverse("reports:contribution"))
    chart = reverse("reports:contribution-chart", args=[response.context["snapshot"].pk, "main"])
    assert executive_client.get(chart).content == b"<svg/>"
    table = rows_of(response)
    assert list(received["labels"]) == [row[2] for row in table]
    assert list(received["values"]) == [row[3] for row in table]
    assert received["total"] == sum(row[3] for row in table)


@pytest.mark.parametrize(
    ("report", "params", "chart"),
    [
        ("composition", {"by": "level"}, "main"),
        ("service", {"year": 2024, "date_from": None, "date_to": None}, "main"),
        ("service", {"year": 2024, "date_from": None, "date_to": None}, "months"),
    ],
)
def test_bar_charts_get_the_same_numbers_as_the_tables(
    data, executive_client, report, params, chart, monkeypatch
):
    received = {}
    monkeypatch.setitem(
        charts.CHARTS, "bar", lambda **arguments: received.update(arguments) or b"<svg/>"
    )
    snapshot = snapshot_compute(report=report, params=params, language="zh-hans")
    executive_client.get(reverse(f"reports:{report}-chart", args=[snapshot.pk, chart]))
    if chart == "months":
        expected = [m["count"] for m in snapshot.payload["months"]]
    else:
        expected = [row.data["count"] for row in snapshot.rows.all()]
    assert list(received["values"]) == expected


def test_churn_charts_count_exactly_the_table_rows(data):
    snapshot = snapshot_compute(
        report="churn", params={"customer": "", "manager": ""}, language="zh-hans"
    )
    years = snapshot.payload["charts"]["years"]
    managers = snapshot.payload["charts"]["managers"]
    assert sum(years["values"]) == sum(managers["values"]) == snapshot.rows.count() == 2
