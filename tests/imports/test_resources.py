"""Each resource: export then import changes nothing; the dry run's counts; the row rules."""

import datetime
import io

import pytest
from django.utils import timezone

from apps.basedata.models import DictItem, Product, Storage
from apps.customers.models import Activity, Customer, Linkman, Order, OrderLine
from apps.imports.models import ImportBatch, ImportRecord
from apps.imports.services import kind_rows
from crm.exports import write
from tests.customers.factories import (
    ActivityFactory,
    LinkmanFactory,
    OrderFactory,
    OrderLineFactory,
)
from tests.factories import CustomerFactory, ProductFactory, UserFactory
from tests.imports.factories import apply, check, csv_bytes, headers

pytestmark = pytest.mark.django_db

S = ImportBatch.Status


def exported(kind: str, user, fmt: str = "csv") -> bytes:
    header_row, _queryset, rows = kind_rows(kind, user)
    stream = io.BytesIO()
    write(stream, fmt, header_row, rows)
    return stream.getvalue()


def counts(batch) -> tuple:
    return batch.rows_new, batch.rows_updated, batch.rows_unchanged, batch.rows_invalid


@pytest.fixture
def superuser(db):
    """Sees every row of every kind (no built-in role sees products and the dictionary both)."""
    return UserFactory(is_superuser=True)


@pytest.fixture
def data(reference, account_manager):
    """A few rows of every kind, with values a spreadsheet would take for formulas."""
    customers = [
        CustomerFactory(
            number="KH20260101001",
            name='=HYPERLINK("x")',
            region="北京",
            level=3,
            manager=account_manager,
            tel="-010-1",
            bankroll=12,
        ),
        CustomerFactory(
            number="KH20260101002", name="乙公司", satisfaction=None, manager=account_manager
        ),
        CustomerFactory(number="C-0003", name="@丙公司", manager=None),
    ]
    LinkmanFactory(customer=customers[0], name="周敏", sex="女", memo="+86")
    LinkmanFactory(customer=customers[1], name="李雷")
    ActivityFactory(customer=customers[0], date=timezone.now() - datetime.timedelta(days=3))
    ActivityFactory(customer=customers[1], title="\t回访", description="多行\n说明")
    order = OrderFactory(customer=customers[0])
    OrderLineFactory(order=order, product=Product.objects.first(), count=2, price="10800.00")
    OrderLineFactory(order=order, product=Product.objects.last(), count=1, price="0.50")
    OrderLineFactory(order=OrderFactory(customer=customers[1]), count=5)
    ProductFactory(name="无批次产品", batch="")
    return customers


KINDS_AND_TABLES = [
    ("customers", Customer),
    ("linkmen", Linkman),
    ("activities", Activity),
    ("orders", OrderLine),
    ("products", Product),
    ("stock", Storage),
    ("dictionary", DictItem),
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(("kind", "model"), KINDS_AND_TABLES)
def test_export_then_import_changes_nothing(superuser, data, kind, model, fmt):
    content = exported(kind, superuser, fmt)
    before = list(model.objects.order_by("pk").values())
    batch = check(superuser, kind, content, name=f"{kind}.{fmt}")
    assert batch.status == S.CHECKED, list(batch.row_errors.values_list("row", "message"))
    assert counts(batch) == (0, 0, model.objects.count(), 0)
    assert list(model.objects.order_by("pk").values()) == before


def test_reimporting_the_same_file_changes_nothing(sales_manager, reference, account_manager):
    rows = [
        [f"KH2026030100{i}", f"公司{i}", "华北", account_manager.username, "2"] for i in range(1, 4)
    ]
    content = csv_bytes(headers("customers")[:5], rows)
    first = apply(sales_manager, check(sales_manager, "customers", content))
    assert (first.status, counts(first)) == (S.APPLIED, (3, 0, 0, 0))
    stamps = list(Customer.objects.order_by("pk").values_list("updated_at", flat=True))
    again = check(sales_manager, "customers", content)
    assert counts(again) == (0, 0, 3, 0)
    assert list(Customer.objects.order_by("pk").values_list("updated_at", flat=True)) == stamps


def test_the_dry_run_counts_and_writes_nothing(sales_manager, reference, account_manager):
    CustomerFactory(number="KH20260101001", name="甲", region="北京", manager=account_manager)
    CustomerFactory(number="KH20260101002", name="乙", region="北京", manager=account_manager)
    rows = [
        ["KH20260101001", "甲", "北京", account_manager.username, "1"],  # unchanged
        ["KH20260101002", "乙二", "北京", account_manager.username, "1"],  # updated
        ["KH20260101003", "丙", "华北", account_manager.username, "1"],  # new
        ["KH20260101004", "丁", "", "", ""],  # new, defaults
        ["KH20260101005", "戊", "火星", account_manager.username, "9"],  # invalid
        ["KH20260101006", "", "北京", "nobody", "1"],  # invalid
    ]
    batch = check(sales_manager, "customers", csv_bytes(headers("customers")[:5], rows))
    assert (batch.status, counts(batch), batch.rows_total) == (S.CHECKED, (2, 1, 1, 2), 6)
    assert Customer.objects.count() == 2
    assert Customer.objects.get(number="KH20260101002").name == "乙"
    assert not ImportRecord.objects.exists()
    assert sorted(batch.row_errors.values_list("row", "column", "message")) == [
        (6, "level", "“9” is not in the dictionary “客户等级”."),
        (6, "region", "“火星” is not in the dictionary “地区”."),
        (7, "manager", "No active account manager with the username “nobody”."),
        (7, "name", "This field cannot be blank."),
    ]


def test_a_number_repeated_in_the_file_is_an_invalid_row(sales_manager, reference):
    rows = [["KH20260101001", "甲"], ["KH20260101001", "甲二"]]
    batch = check(sales_manager, "customers", csv_bytes(["customer number", "name"], rows))
    assert counts(batch) == (1, 0, 0, 1)
    assert list(batch.row_errors.values_list("row", "message")) == [
        (3, "This row repeats row 2 (same key).")
    ]


@pytest.mark.parametrize(
    ("number", "valid"),
    [("KH20260101001", True), ("KH2026010100X", False), ("C 001", False), ("ACME-1", True)],
)
def test_customer_numbers_keep_the_daily_sequence_readable(sales_manager, reference, number, valid):
    batch = check(
        sales_manager, "customers", csv_bytes(["customer number", "name"], [[number, "甲"]])
    )
    assert batch.rows_invalid == (0 if valid else 1)


def test_a_deleted_customer_is_not_imported_again(sales_manager, reference):
    CustomerFactory(number="KH20260101001", name="甲", status=Customer.Status.DELETED)
    batch = check(
        sales_manager,
        "customers",
        csv_bytes(["customer number", "name"], [["KH20260101001", "新名字"]]),
    )
    assert list(batch.row_errors.values_list("message", flat=True)) == [
        "This customer was deleted; it cannot be imported again."
    ]


def test_labels_of_either_language_are_read_for_coded_values(sales_manager, reference):
    rows = [["KH20260101001", "甲", "Major account", "3 stars", "女"]]
    batch = check(
        sales_manager,
        "customers",
        csv_bytes(["customer number", "name", "level", "credit", "region"], rows),
    )
    assert batch.rows_invalid == 1  # "女" is no region
    rows = [["KH20260101001", "甲", "Major account", "☆☆☆", "华北"]]
    batch = apply(
        sales_manager,
        check(
            sales_manager,
            "customers",
            csv_bytes(["customer number", "name", "level", "credit", "region"], rows),
        ),
    )
    customer = Customer.objects.get()
    assert (customer.level, customer.credit, customer.region) == (3, 3, "华北")


def test_stock_counts_cannot_be_negative(sales_manager, reference):
    product = Product.objects.first()
    rows = [[product.name, product.model, product.batch, "北京库", "A1", "-1"]]
    batch = check(sales_manager, "stock", csv_bytes(headers("stock")[:6], rows))
    assert list(batch.row_errors.values_list("column", "message")) == [
        ("count", "The count cannot be negative.")
    ]


def test_an_unknown_product_is_named_in_the_error(sales_manager, reference):
    rows = [["没有的产品", "X", "", "北京库", "A1", "1"]]
    batch = check(sales_manager, "stock", csv_bytes(headers("stock")[:6], rows))
    assert list(batch.row_errors.values_list("column", "message")) == [
        ("product", "No product “没有的产品 / X” (name / model / batch).")
    ]


def test_locked_dictionary_items_may_be_listed_but_not_changed(sales_manager, reference):
    rows = [
        ["客户等级", "1", "普通客户", "Ordinary", "no", "1"],
        ["客户等级", "2", "改名", "Key prospect", "no", "2"],
        ["地区", "海外", "海外", "Overseas", "yes", "9"],
    ]
    batch = check(sales_manager, "dictionary", csv_bytes(headers("dictionary"), rows))
    assert counts(batch) == (1, 0, 1, 1)
    assert list(batch.row_errors.values_list("row", "message")) == [
        (3, "“改名” is a system entry and cannot be changed.")
    ]


def test_orders_are_created_with_their_lines_and_header_conflicts_are_refused(
    sales_manager, reference, account_manager
):
    customer = CustomerFactory(number="KH20260101001", manager=account_manager)
    p1, p2, p3 = Product.objects.all()[:3]
    order_columns = ["1343445", customer.number, "2026-03-01 10:00", "北京市海淀区"]
    rows = [
        [*order_columns, p1.name, p1.model, p1.batch, "2", "台", "10800"],
        [*order_columns, p2.name, p2.model, p2.batch, "1", "台", "500.50"],
        [
            "1343445",
            customer.number,
            "2026-03-02 10:00",
            "北京市海淀区",
            p3.name,
            p3.model,
            p3.batch,
            "1",
            "台",
            "1",
        ],
    ]
    batch = apply(
        sales_manager,
        check(sales_manager, "orders", csv_bytes(headers("orders"), rows)),
        skip_invalid=True,
    )
    assert batch.status == S.APPLIED
    assert list(batch.row_errors.values_list("row", "column", "message")) == [
        (4, "order", "The order's customer, date or address differ from its row 2.")
    ]
    order = Order.objects.get(pk=1343445)
    assert (order.customer, order.lines.count()) == (customer, 2)
    assert sorted(ImportRecord.objects.values_list("model", "action")) == [
        ("customers.order", "c"),
        ("customers.orderline", "c"),
        ("customers.orderline", "c"),
    ]
    next_order = OrderFactory(customer=customer)
    assert next_order.pk > 1343445  # the id sequence continues after the sales system's numbers
