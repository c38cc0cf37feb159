"""Each report's figures against the hand-computed data set of conftest.py."""

from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import gettext

from apps.reports.services import snapshot_compute

pytestmark = pytest.mark.django_db


def compute(report, language="zh-hans", **params):
    return snapshot_compute(report=report, params=params, language=language)


def table(snapshot, *keys):
    return [tuple(row.data[k] for k in keys) for row in snapshot.rows.order_by("rank")]


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def test_contribution_ranks_customers_by_amount_over_every_year(data):
    snapshot = compute("contribution", year=None, name="")
    assert table(snapshot, "name") == [("乙公司",), ("甲公司",), ("丁公司",)]
    assert [row.amount for row in snapshot.rows.all()] == [
        Decimal("30001.00"),
        Decimal("22400.50"),
        Decimal("999.90"),
    ]
    assert snapshot.payload["total"] == "53401.40"


def test_contribution_leaves_out_deleted_customers_and_customers_without_orders(data):
    names = {row.data["name"] for row in compute("contribution", year=None, name="").rows.all()}
    assert "丙公司" not in names
    assert "戊公司" not in names


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2024, [("乙公司", Decimal("30000.00")), ("甲公司", Decimal("22100.50"))]),
        (2023, [("丁公司", Decimal("999.90")), ("甲公司", Decimal("300.00"))]),
        (2025, [("乙公司", Decimal("1.00"))]),
        (2022, []),
    ],
)
def test_contribution_of_one_year_uses_local_time_year_boundaries(data, year, expected):
    snapshot = compute("contribution", year=year, name="")
    assert [(row.data["name"], row.amount) for row in snapshot.rows.all()] == expected


def test_contribution_filters_customer_names_by_contains(data):
    snapshot = compute("contribution", year=None, name="甲")
    assert [(row.data["name"], row.amount) for row in snapshot.rows.all()] == [
        ("甲公司", Decimal("22400.50"))
    ]


def test_contribution_pareto_shares(data):
    payload = compute("contribution", year=None, name="").payload
    assert payload["top_count"] == 3
    assert payload["top_percent"] == "100.0"
    # 20 % of 3 customers, rounded up: the first one, 30001 / 53401.40
    assert payload["top_share_count"] == 1
    assert payload["top_share_amount"] == "30001.00"
    assert payload["top_share_percent"] == "56.2"


def test_composition_lists_every_level_in_dictionary_order_with_zero_counts(data):
    snapshot = compute("composition", by="level")
    assert table(snapshot, "label", "count") == [
        ("普通客户", 2),
        ("重点开发客户", 0),
        ("大客户", 1),
        ("合作伙伴", 0),
        ("战略合作伙伴", 1),
    ]
    assert snapshot.payload["total"] == 4  # the deleted customer is not counted


def test_composition_by_credit_counts_customers_without_a_value_separately(data):
    snapshot = compute("composition", by="credit")
    assert table(snapshot, "label", "count") == [
        ("☆", 0),
        ("☆☆", 0),
        ("☆☆☆", 2),
        ("☆☆☆☆", 0),
        ("☆☆☆☆☆", 1),
        (gettext("Not specified"), 1),
    ]


def test_composition_labels_follow_the_language(data):
    snapshot = compute("composition", language="en", by="level")
    assert table(snapshot, "label")[0] == ("Ordinary",)


def test_service_counts_every_type_over_every_year(data):
    snapshot = compute("service", year=None, date_from=None, date_to=None)
    assert table(snapshot, "label", "count") == [("咨询", 2), ("建议", 1), ("投诉", 1), ("其他", 1)]
    assert "months" not in snapshot.payload


def test_service_of_one_year_counts_per_type_and_per_month(data):
    snapshot = compute("service", year=2024, date_from=None, date_to=None)
    assert table(snapshot, "label", "count") == [("咨询", 2), ("建议", 0), ("投诉", 1)]
    months = [month["count"] for month in snapshot.payload["months"]]
    assert months == [1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0]


def test_service_date_range_includes_both_ends(data):
    snapshot = compute("service", year=None, date_from="2023-12-31", date_to="2024-01-10")
    assert table(snapshot, "label", "count") == [("咨询", 1), ("建议", 1), ("投诉", 0)]


def test_churn_lists_confirmed_records_only_newest_first(data):
    snapshot = compute("churn", customer="", manager="")
    assert table(snapshot, "year", "customer", "manager", "reason") == [
        (2024, "甲公司", "张三", "价格太高"),
        (2023, "丁公司", "李四", "服务不满意"),
    ]


def test_churn_counts_per_year_and_per_manager_match_the_rows(data):
    payload = compute("churn", customer="", manager="").payload
    assert payload["by_year"] == [{"year": "2023", "count": 1}, {"year": "2024", "count": 1}]
    assert payload["by_manager"] == [
        {"manager": "张三", "count": 1},
        {"manager": "李四", "count": 1},
    ]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"customer": "丁", "manager": ""}, ["丁公司"]),
        ({"customer": "", "manager": "张"}, ["甲公司"]),
        ({"customer": "甲", "manager": "李"}, []),
    ],
)
def test_churn_filters_by_customer_and_manager(data, filters, expected):
    snapshot = compute("churn", **filters)
    assert [row.data["customer"] for row in snapshot.rows.all()] == expected


def test_dashboard_key_figures(data):
    payload = compute("dashboard", as_of="2024-12-31").payload
    assert payload["revenue_this_year"] == "57100.50"  # every order counts, also C's
    assert payload["revenue_last_year"] == "1299.90"
    assert payload["revenue_last_year_same_period"] == "1299.90"
    assert payload["customers"] == 4
    assert [row["count"] for row in payload["levels"]] == [2, 0, 1, 0, 1]
    assert payload["open_churn"] == 1
    assert [row["count"] for row in payload["waiting"]] == [5, 0, 0]


def test_dashboard_compares_with_the_same_period_of_last_year(data):
    payload = compute("dashboard", as_of="2024-03-01").payload
    assert payload["revenue_last_year_same_period"] == "999.90"  # 2023-02 only, not 2023-06
