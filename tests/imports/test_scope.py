"""Who may import what, row by row (S18): a customer the user may not touch is an invalid row."""

import pytest
from django.core.exceptions import PermissionDenied

from apps.customers.models import Activity, Linkman
from apps.imports import services
from apps.imports.catalog import KINDS, kinds_for
from apps.imports.models import ImportBatch
from tests.customers.factories import LinkmanFactory
from tests.factories import CustomerFactory
from tests.imports.factories import apply, check, csv_bytes, upload

pytestmark = pytest.mark.django_db

LINKMAN_COLUMNS = ["customer number", "name", "office phone"]
UNTOUCHABLE = "No customer “%s” among those you may import for."


def test_the_rights_decide_the_kinds_each_role_may_import(
    admin_user, sales_manager, account_manager, executive
):
    everything = list(KINDS)
    assert [k.key for k in kinds_for(admin_user)] == everything
    # the organization is the system admin's (issue 16)
    assert [k.key for k in kinds_for(sales_manager)] == everything[:-2]
    assert everything[-2:] == ["departments", "users"]
    assert [k.key for k in kinds_for(account_manager)] == ["linkmen", "activities"]
    assert kinds_for(executive) == []


@pytest.mark.parametrize("kind", ["customers", "orders", "products", "stock", "dictionary"])
def test_an_account_manager_may_not_upload_other_kinds(account_manager, kind):
    with pytest.raises(PermissionDenied):
        services.import_batch_create(
            actor=account_manager,
            kind=kind,
            language="en",
            upload=upload(b"customer number,name\nKH1,a\n"),
        )
    assert not ImportBatch.objects.exists()


def test_an_account_manager_imports_linkmen_of_his_customers_only(account_manager, user_of):
    mine = CustomerFactory(manager=account_manager)
    theirs = CustomerFactory(manager=user_of("account_manager"))
    rows = [[mine.number, "周敏", "010-62345671"], [theirs.number, "李雷", "010-62345672"]]
    batch = check(account_manager, "linkmen", csv_bytes(LINKMAN_COLUMNS, rows))
    assert (batch.rows_new, batch.rows_invalid) == (1, 1)
    assert list(batch.row_errors.values_list("row", "column", "message")) == [
        (3, "customer", UNTOUCHABLE % theirs.number)
    ]
    apply(account_manager, batch, skip_invalid=True)
    assert list(Linkman.objects.values_list("customer", "name")) == [(mine.pk, "周敏")]


def test_a_linkman_of_someone_elses_customer_is_not_updated(account_manager, user_of):
    theirs = CustomerFactory(manager=user_of("account_manager"))
    LinkmanFactory(customer=theirs, name="李雷", tel="010-62345670")
    batch = check(
        account_manager,
        "linkmen",
        csv_bytes(LINKMAN_COLUMNS, [[theirs.number, "李雷", "010-62345679"]]),
    )
    assert (batch.rows_updated, batch.rows_invalid) == (0, 1)
    assert Linkman.objects.get().tel == "010-62345670"


def test_an_unknown_and_a_foreign_customer_read_the_same(account_manager, user_of):
    theirs = CustomerFactory(manager=user_of("account_manager"))
    rows = [[theirs.number, "李雷", "010-62345672"], ["KH19990101001", "韩梅梅", "010-62345673"]]
    batch = check(account_manager, "linkmen", csv_bytes(LINKMAN_COLUMNS, rows))
    assert list(batch.row_errors.values_list("message", flat=True)) == [
        UNTOUCHABLE % theirs.number,
        UNTOUCHABLE % "KH19990101001",
    ]


def test_the_sales_manager_imports_activities_of_any_customer(sales_manager, user_of):
    customer = CustomerFactory(manager=user_of("account_manager"))
    rows = [[customer.number, "2026-03-01 14:30", "北京", "拜访"]]
    batch = apply(
        sales_manager,
        check(sales_manager, "activities", csv_bytes(["客户编号", "时间", "地点", "概要"], rows)),
    )
    assert batch.status == ImportBatch.Status.APPLIED
    assert Activity.objects.get().customer == customer


def test_a_customer_reassigned_before_the_import_runs_makes_its_rows_invalid(
    account_manager, user_of
):
    mine = CustomerFactory(manager=account_manager)
    batch = check(
        account_manager,
        "linkmen",
        csv_bytes(LINKMAN_COLUMNS, [[mine.number, "周敏", "010-62345671"]]),
    )
    mine.manager = user_of("account_manager")
    mine.save()
    batch = apply(account_manager, batch)
    assert batch.status == ImportBatch.Status.CHECKED
    assert not Linkman.objects.exists()


def test_the_import_format_export_holds_only_the_rows_the_user_sees(account_manager, user_of):
    LinkmanFactory(customer=CustomerFactory(manager=account_manager), name="周敏")
    LinkmanFactory(customer=CustomerFactory(manager=user_of("account_manager")), name="李雷")
    _headers, _queryset, rows = services.kind_rows("linkmen", account_manager)
    assert [row[1] for row in rows] == ["周敏"]
