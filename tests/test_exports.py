"""
List downloads at scale (issue 8): the rows in one query of the columns the file needs (no
model instances, no separate "over the limit?" query), the same file as before, and every
text cell that a spreadsheet would run as a formula neutralised in CSV and XLSX (S16).
"""

import csv
import datetime
import decimal
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from apps.customers.models import Customer
from crm.exceptions import DomainError
from crm.exports import XLSX_MAX_ROWS, column, ensure_fits, export_response, export_rows, safe_cell
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = reverse("customers:customer-list")
FORMULAS = ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"]
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def am_client(client_as):
    return client_as("account_manager")


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def sheet_of(response):
    return load_workbook(io.BytesIO(response.content)).active


def test_the_csv_holds_the_columns_users_read(am_client):
    me = am_client.user
    me.full_name = "张三"
    me.save(update_fields=["full_name"])
    CustomerFactory(number="KH1", name="=HYPERLINK(1)", manager=me, level=3, tel="-12")
    CustomerFactory(number="KH2", name="乙", manager=me, status=Customer.Status.LOST)

    response = am_client.get(LIST, {"export": "csv", "sort": "number"}, **EN)

    assert response.content.startswith("\ufeff".encode())
    assert response["Content-Disposition"].startswith('attachment; filename="customers.csv";')
    assert csv_rows(response) == [
        [
            "customer number",
            "name",
            "region",
            "account manager",
            "level",
            "status",
            "telephone",
            "address",
            "unified social credit code",
            "province",
            "city",
            "district",
            "tags",
        ],
        ["KH1", "'=HYPERLINK(1)", "", "张三", "3", "Normal", "'-12", "", "", "", "", "", ""],
        ["KH2", "乙", "", "张三", "1", "Lost", "", "", "", "", "", "", ""],
    ]


def test_the_xlsx_keeps_numbers_dates_and_formulas_as_text(am_client):
    me = am_client.user
    for i, name in enumerate(FORMULAS):
        CustomerFactory(number=f"KH{i}", name=name, manager=me, level=2)

    with translation.override("en"):
        response = am_client.get(LIST, {"export": "xlsx", "sort": "number"}, **EN)

    sheet = sheet_of(response)
    header, *rows = list(sheet.iter_rows())
    assert [c.value for c in header][:2] == ["customer number", "name"]
    assert all(c.font.b for c in header)
    assert sheet.freeze_panes == "A2"
    names = [row[1] for row in rows]
    # XML reads a carriage return back as a line feed; the guard is what matters.
    assert [c.value for c in names] == ["'" + v.replace("\r", "\n") for v in FORMULAS]
    assert {c.data_type for c in names} == {"s"}
    assert {(row[4].value, row[4].data_type) for row in rows} == {(2, "n")}


def test_the_rows_are_read_in_one_query_whatever_their_number(am_client):
    CustomerFactory.create_batch(2, manager=am_client.user)
    am_client.get(LIST, {"export": "csv"})
    with CaptureQueriesContext(connection) as few:
        am_client.get(LIST, {"export": "csv"})
    CustomerFactory.create_batch(20, manager=am_client.user)

    with CaptureQueriesContext(connection) as many:
        response = am_client.get(LIST, {"export": "csv"})

    assert len(csv_rows(response)) == 23
    assert len(many) == len(few)
    reads = [q["sql"] for q in many if "cst_customer" in q["sql"]]
    assert len(reads) == 1
    assert "OFFSET" not in reads[0]
    assert "cust_bankroll" not in reads[0]  # only the columns of the file


def test_a_filter_over_the_limit_is_offered_as_a_job_and_the_limit_itself_is_not(
    am_client, settings
):
    settings.CRM_EXPORT_MAX_ROWS = 3
    CustomerFactory.create_batch(3, manager=am_client.user)

    at_limit = am_client.get(LIST, {"export": "csv"})
    CustomerFactory(manager=am_client.user)
    over = am_client.get(LIST, {"export": "csv"})

    assert len(csv_rows(at_limit)) == 4
    assert over["Content-Type"].startswith("text/html")
    assert reverse("imports:list-export") in over.content.decode()


def test_the_export_keeps_the_pages_order_and_scope(am_client):
    other = UserFactory(role="account_manager")
    CustomerFactory(number="KH3", manager=am_client.user)
    CustomerFactory(number="KH1", manager=am_client.user)
    CustomerFactory(number="KH2", manager=other)

    response = am_client.get(LIST, {"export": "csv", "sort": "-number"})

    assert [row[0] for row in csv_rows(response)[1:]] == ["KH3", "KH1"]


def test_a_column_reads_labels_and_several_values():
    CustomerFactory(number="KH1", name="甲", manager=None, status=Customer.Status.LOST)
    columns = [
        column("status", "status", choices=Customer.Status),
        column("both", "number", "name", format=lambda number, name: f"{number}/{name}"),
        column("manager", "manager__username"),
    ]
    with translation.override("en"):  # labels in the language of the request
        values, cells = export_rows(Customer.objects.all(), columns)

    assert [cells(row) for row in values] == [["Lost", "KH1/甲", None]]


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (None, ""),
        (True, True),
        (7, 7),
        (1.5, 1.5),
        (decimal.Decimal("2.50"), decimal.Decimal("2.50")),
        (datetime.date(2026, 1, 2), datetime.date(2026, 1, 2)),
        ("-3", "'-3"),
        ("\0x", "'\0x"),
        ("a=b", "a=b"),
        (gettext_lazy("Normal"), "Normal"),
    ],
)
def test_safe_cell_keeps_values_and_neutralises_formulas(value, cell):
    with translation.override("en"):
        assert safe_cell(value) == cell


def test_safe_cell_writes_local_wall_clock_time(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    moment = datetime.datetime(2026, 1, 2, 0, 30, tzinfo=datetime.UTC)

    with timezone.override("Asia/Shanghai"):
        wall_clock = safe_cell(moment)

    assert (wall_clock.tzinfo, wall_clock.hour, wall_clock.minute) == (None, 8, 30)


def test_a_header_that_looks_like_a_formula_is_text_too():
    response = export_response(headers=["=x"], rows=[["-y"]], fmt="csv", filename="f")

    assert response.content.decode("utf-8-sig") == "'=x\r\n'-y\r\n"


def test_more_rows_than_a_sheet_holds_are_refused_as_xlsx_with_a_translated_reason():
    ensure_fits("xlsx", XLSX_MAX_ROWS)
    ensure_fits("csv", XLSX_MAX_ROWS + 1)
    with translation.override("zh-hans"), pytest.raises(DomainError) as refused:
        ensure_fits("xlsx", XLSX_MAX_ROWS + 1)
    assert "1048576" in str(refused.value)
    assert "Excel" in str(refused.value)
    assert "rows do not fit" not in str(refused.value)  # said in Chinese
