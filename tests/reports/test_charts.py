"""The chart functions (pure) and the chart URLs."""

import pytest
from django.urls import reverse

from apps.reports import charts
from apps.reports.services import snapshot_compute
from tests.reports.factories import CustomerFactory, local, order_with_lines

PNG = b"\x89PNG\r\n\x1a\n"


def test_a_bar_chart_keeps_chinese_labels_as_text():
    svg = charts.bar_chart(title="客户等级", labels=["普通客户", "大客户"], values=[3, 1]).decode()
    assert svg.startswith("<?xml")
    assert "普通客户" in svg
    assert "客户等级" in svg
    assert "<path" in svg


def test_the_same_data_gives_the_same_bytes():
    first = charts.bar_chart(title="t", labels=["a"], values=[1])
    assert charts.bar_chart(title="t", labels=["a"], values=[1]) == first


def test_text_that_looks_like_markup_or_tex_is_escaped_text():
    svg = charts.bar_chart(
        title="<script>alert(1)</script>", labels=["$x^2$ & co"], values=[1]
    ).decode()
    assert "<script" not in svg
    assert "&lt;script&gt;" in svg
    assert "$x^2$ &amp; co" in svg


def test_png_output_for_downloads():
    png = charts.pareto_chart(title="贡献", labels=["甲", "乙"], values=[3, 1], total=4, fmt="png")
    assert png.startswith(PNG)


def test_no_data_gives_a_chart_with_the_message():
    svg = charts.bar_chart(title="t", labels=["a"], values=[0], no_data="没有数据").decode()
    assert "没有数据" in svg


def test_grouped_bars_for_two_years():
    svg = charts.grouped_bar_chart(
        title="t", labels=["1月", "2月"], series=[("2023", [1, 2]), ("2024", [3, 4])]
    ).decode()
    assert "2023" in svg
    assert "2024" in svg


@pytest.mark.django_db
class TestChartUrls:
    @pytest.fixture
    def snapshot(self, data):
        return snapshot_compute(
            report="contribution", params={"year": None, "name": ""}, language="zh-hans"
        )

    def url(self, snapshot, chart="main", report="contribution"):
        return reverse(f"reports:{report}-chart", args=[snapshot.pk, chart])

    def test_the_svg_is_served_with_a_policy_that_forbids_scripts(self, snapshot, client_as):
        response = client_as("executive").get(self.url(snapshot))
        assert response["Content-Type"] == "image/svg+xml"
        assert "乙公司" in response.content.decode()
        assert "script-src 'none'" in response["Content-Security-Policy"]
        assert response["X-Content-Type-Options"] == "nosniff"

    def test_the_png_is_a_download(self, snapshot, client_as):
        response = client_as("executive").get(self.url(snapshot), {"format": "png"})
        assert response.content.startswith(PNG)
        assert response["Content-Disposition"].startswith("attachment")

    def test_a_customer_name_with_markup_stays_text_in_the_svg(self, data, client_as):
        evil = CustomerFactory(name="<script>alert(1)</script>")
        order_with_lines(evil, local(2024, 1, 2), (100, "1000"))
        snapshot = snapshot_compute(
            report="contribution", params={"year": None, "name": ""}, language="zh-hans"
        )
        body = client_as("executive").get(self.url(snapshot)).content.decode()
        assert "<script" not in body
        assert "&lt;script&gt;" in body

    @pytest.mark.parametrize(
        ("chart", "report"), [("nope", "contribution"), ("main", "composition")]
    )
    def test_another_chart_or_report_is_not_found(self, snapshot, client_as, chart, report):
        response = client_as("executive").get(self.url(snapshot, chart, report))
        assert response.status_code == 404

    def test_a_role_without_the_report_right_is_refused(self, snapshot, client_as):
        assert client_as("account_manager").get(self.url(snapshot)).status_code == 403

    def test_the_svg_is_rendered_once_and_kept(self, snapshot, client_as, monkeypatch):
        client = client_as("executive")
        first = client.get(self.url(snapshot)).content
        monkeypatch.setitem(charts.CHARTS, "pareto", lambda **arguments: b"rendered again")
        assert client.get(self.url(snapshot)).content == first
