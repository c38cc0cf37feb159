"""Apply all-or-nothing, the audit event, the error workbook, undo and what blocks it."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from apps.customers.models import Customer, Linkman, Order, OrderLine
from apps.imports import services
from apps.imports.models import ImportBatch, ImportRecord
from apps.imports.services import UndoBlocked
from apps.jobs.models import Job
from apps.rbac.models import AuditEvent
from crm.exceptions import DomainError
from tests.customers.factories import LinkmanFactory
from tests.factories import CustomerFactory, ProductFactory
from tests.imports.factories import apply, check, csv_bytes, headers, run_jobs, undo

pytestmark = pytest.mark.django_db

S = ImportBatch.Status
COLUMNS = ["customer number", "name", "region", "level"]


def customers_file(*rows) -> bytes:
    return csv_bytes(COLUMNS, rows)


GOOD = [["KH20260101001", "甲公司", "北京", "1"], ["KH20260101002", "乙公司", "华北", "2"]]
BAD = ["KH20260101003", "丙公司", "火星", "1"]


def test_an_import_with_invalid_rows_is_refused_without_the_users_consent(sales_manager, reference):
    batch = check(sales_manager, "customers", customers_file(*GOOD, BAD))
    with pytest.raises(DomainError, match="invalid rows"):
        services.import_batch_apply_request(
            actor=sales_manager, batch_id=batch.pk, skip_invalid=False
        )
    assert not Customer.objects.exists()


def test_the_valid_rows_alone_are_imported_when_the_user_chooses_it(sales_manager, reference):
    batch = apply(
        sales_manager,
        check(sales_manager, "customers", customers_file(*GOOD, BAD)),
        skip_invalid=True,
    )
    assert batch.status == S.APPLIED
    assert sorted(Customer.objects.values_list("number", flat=True)) == [
        "KH20260101001",
        "KH20260101002",
    ]
    assert batch.rows_invalid == 1


def test_a_row_that_fails_at_apply_time_rolls_everything_back(sales_manager, reference):
    batch = check(sales_manager, "customers", customers_file(*GOOD))
    CustomerFactory(number="KH20260101002", status=Customer.Status.DELETED)  # meanwhile
    batch = apply(sales_manager, batch)
    assert batch.status == S.CHECKED
    assert "nothing was imported" in batch.error
    assert list(Customer.objects.values_list("number", flat=True)) == ["KH20260101002"]
    assert list(batch.row_errors.values_list("row", "message")) == [
        (3, "This customer was deleted; it cannot be imported again.")
    ]
    assert not ImportRecord.objects.exists()
    assert not AuditEvent.objects.filter(action="imports.batch.apply").exists()
    job = Job.objects.get(kind=services.APPLY_JOB)
    assert (job.status, job.error) == (
        Job.Status.FAILED,
        "Nothing was imported: 1 rows were refused. The import page lists them.",
    )


def test_an_applied_import_is_one_audit_event_with_its_counts(
    sales_manager, reference, account_manager
):
    CustomerFactory(number="KH20260101001", name="旧名", region="北京")
    batch = apply(sales_manager, check(sales_manager, "customers", customers_file(*GOOD)))
    event = AuditEvent.objects.get(action="imports.batch.apply")
    assert (event.actor, event.object_id, event.to_status) == (
        sales_manager,
        str(batch.pk),
        "applied",
    )
    assert event.data == {
        "kind": "customers",
        "file": "data.csv",
        "rows": 2,
        "skip_invalid": False,
        "records": 2,
        "new": 1,
        "updated": 1,
        "unchanged": 0,
        "invalid": 0,
    }


def test_the_error_workbook_lists_every_problem_with_formulas_neutralised(sales_manager, reference):
    rows = [["KH20260101001", '=HYPERLINK("http://evil")', "@SUM(1)", "9"]]
    batch = check(sales_manager, "customers", customers_file(*rows))
    sheet = load_workbook(io.BytesIO(batch.error_file.read())).active
    cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert cells == [
        ["Row", "Column", "Value", "Message"],
        [2, "region", "'@SUM(1)", "“@SUM(1)” is not in the dictionary “地区”."],
        [2, "level", "9", "“9” is not in the dictionary “客户等级”."],
    ]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_undo_removes_created_rows_and_restores_updated_ones(sales_manager, reference):
    CustomerFactory(number="KH20260101001", name="旧名", region="北京", level=4)
    batch = apply(sales_manager, check(sales_manager, "customers", customers_file(*GOOD)))
    batch = undo(sales_manager, batch)
    assert batch.status == S.UNDONE
    customer = Customer.objects.get()
    assert (customer.number, customer.name, customer.region, customer.level) == (
        "KH20260101001",
        "旧名",
        "北京",
        4,
    )
    event = AuditEvent.objects.get(action="imports.batch.undo")
    assert event.data == {"kind": "customers", "file": "data.csv", "deleted": 1, "restored": 1}


def test_undo_is_refused_with_the_rows_changed_since(sales_manager, reference):
    batch = apply(sales_manager, check(sales_manager, "customers", customers_file(*GOOD)))
    changed = Customer.objects.get(number="KH20260101002")
    changed.tel = "010-1"
    changed.save()
    LinkmanFactory(customer=Customer.objects.get(number="KH20260101001"))
    with pytest.raises(UndoBlocked) as caught:
        services.import_batch_undo_request(actor=sales_manager, batch_id=batch.pk)
    assert [(b.row, b.reason) for b in caught.value.blockers] == [
        (2, "Other records now refer to it: linkmen."),
        (3, "It was changed after the import."),
    ]
    batch.refresh_from_db()
    assert batch.status == S.APPLIED
    assert Customer.objects.count() == 2


def test_a_row_changed_between_request_and_job_stops_the_undo(sales_manager, reference):
    batch = apply(sales_manager, check(sales_manager, "customers", customers_file(*GOOD)))
    services.import_batch_undo_request(actor=sales_manager, batch_id=batch.pk)
    Customer.objects.filter(number="KH20260101001").update(name="改过")
    run_jobs()
    batch.refresh_from_db()
    assert batch.status == S.APPLIED
    assert batch.undo_blockers == [
        {
            "row": 2,
            "record": "customer KH20260101001 改过",
            "reason": "It was changed after the import.",
        }
    ]
    assert Customer.objects.count() == 2
    assert Job.objects.get(kind=services.UNDO_JOB).status == Job.Status.FAILED


def test_undo_of_orders_removes_lines_before_orders_and_restores_a_changed_line(
    sales_manager, reference
):
    customer = CustomerFactory(number="KH20260101001")
    product, other = ProductFactory(), ProductFactory()
    order_columns = ["1343445", customer.number, "2026-03-01 10:00", "北京"]
    first = [[*order_columns, product.name, product.model, "", "2", "台", "10"]]
    apply(sales_manager, check(sales_manager, "orders", csv_bytes(headers("orders"), first)))
    second = [
        [*order_columns, product.name, product.model, "", "3", "台", "10"],
        [
            "7",
            customer.number,
            "2026-03-02 10:00",
            "上海",
            other.name,
            other.model,
            "",
            "1",
            "台",
            "5",
        ],
    ]
    batch = apply(
        sales_manager, check(sales_manager, "orders", csv_bytes(headers("orders"), second))
    )
    assert (batch.rows_new, batch.rows_updated) == (1, 1)
    undo(sales_manager, batch)
    assert list(Order.objects.values_list("pk", flat=True)) == [1343445]
    assert list(OrderLine.objects.values_list("count", flat=True)) == [2]


def test_only_the_uploader_applies_and_undoes_his_import(sales_manager, user_of, reference):
    batch = check(sales_manager, "customers", customers_file(*GOOD))
    other = user_of("sales_manager")
    with pytest.raises(PermissionDenied):
        services.import_batch_apply_request(actor=other, batch_id=batch.pk, skip_invalid=False)
    apply(sales_manager, batch)
    with pytest.raises(PermissionDenied):
        services.import_batch_undo_request(actor=other, batch_id=batch.pk)


def test_the_system_admin_may_undo_anyones_import(sales_manager, admin_user, reference):
    batch = apply(sales_manager, check(sales_manager, "customers", customers_file(*GOOD)))
    assert undo(admin_user, batch).status == S.UNDONE
    assert AuditEvent.objects.get(action="imports.batch.undo").actor == admin_user


def test_progress_is_reported_every_thousand_rows_from_its_own_thread(sales_manager, reference):
    import threading

    from apps.imports.files import parse
    from apps.imports.services.runner import ProgressReporter, run

    rows = [[f"KH20260101{i:03d}", f"公司{i}", "", ""] for i in range(1, 1001)]
    rows += [[f"ACME-{i}", f"公司{i}", "", ""] for i in range(1, 1501)]
    batch = ImportBatch(kind="customers", created_by=sales_manager)
    from apps.imports.catalog import KINDS
    from apps.imports.files import FileInfo

    parsed = parse(
        io.BytesIO(customers_file(*rows)), FileInfo("csv", "utf-8-sig"), KINDS["customers"]
    )
    calls = []

    class Context:
        def progress(self, done, total):
            calls.append((done, total, threading.current_thread().name))

    with ProgressReporter(Context(), len(rows)) as progress:
        run(batch=batch, parsed=parsed, dry_run=True, all_or_nothing=True, progress=progress)
    assert calls == [(1000, 2500, "import-progress"), (2000, 2500, "import-progress")]
    assert not Linkman.objects.exists()


def test_a_workbook_is_parsed_once_and_imported_as_checked(sales_manager, reference):
    import datetime

    from django.utils import timezone

    from apps.customers.models import Activity
    from tests.imports.factories import xlsx_bytes

    customer = CustomerFactory(number="KH20260101001")
    when = datetime.datetime(2026, 3, 1, 14, 30)  # noqa: DTZ001 (a spreadsheet has no zone)
    content = xlsx_bytes(
        ["客户编号", "时间", "地点", "概要"], [[customer.number, when, "北京", "拜访"]]
    )
    batch = check(sales_manager, "activities", content, name="visits.xlsx")
    batch.file.delete(save=False)  # the apply reads the checked rows, not the workbook again
    apply(sales_manager, batch)
    assert Activity.objects.get().date == timezone.make_aware(when)
