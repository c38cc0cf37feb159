"""
The benchmarks share bench.generate's data set: the churn scan benchmark puts the generated
churn records back after emptying them, and the import benchmark refuses to empty it.
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from apps.customers.models import Churn, ChurnScanRun, Customer, Order
from apps.notifications.models import Notification
from apps.rbac.models import AuditEvent, User
from bench import churn_scan
from bench import imports as import_bench
from bench.generate import churns_reload, ensure_data, normalise, sizes_for

pytestmark = pytest.mark.django_db(transaction=True)  # VACUUM runs outside any transaction

SIZES = normalise(sizes_for(0.0005))  # 500 customers, 50 churn records, …


@pytest.fixture
def loaded():
    ensure_data(connection.settings_dict["NAME"], SIZES, force=True)
    yield SIZES
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_meta")


def someone_elses_rows() -> tuple[AuditEvent, Notification]:
    """An audit event and a notification that have nothing to do with the churn scan."""
    user = User.objects.filter(is_active=True).first()
    event = AuditEvent.objects.create(
        action="customers.customer.update",
        content_type=ContentType.objects.get_for_model(Customer),
        object_id="1",
        object_repr="某客户",
    )
    note = Notification.objects.create(recipient=user, title="别的通知", body="", link="/")
    return event, note


def test_the_churn_benchmark_leaves_the_generated_churn_records_as_it_found_them(loaded):
    event, note = someone_elses_rows()
    orders = Order.objects.count()
    before, marks = churn_scan.fingerprint(), churn_scan.watermarks()

    figures = churn_scan.scan_figures(1, marks)
    restored = churn_scan.restore(marks)
    checks = churn_scan.verify(loaded, before, marks)

    assert figures["warned"] > 0
    assert figures["recovered"] == figures["ordered_again"] > 0
    assert checks["ok"], checks
    assert checks["same_as_before"], checks
    assert restored["bench_orders_left"] == 0
    assert Churn.objects.count() == loaded["churns"]
    assert set(Churn.objects.values_list("status", flat=True)) == {1, 2, 3, 4}
    assert not ChurnScanRun.objects.exists()
    assert Order.objects.count() == orders
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    assert Notification.objects.filter(pk=note.pk).exists()


def test_the_churn_records_reload_identically_when_the_load_did_not_store_its_moment(loaded):
    before = churn_scan.fingerprint()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM bench_meta WHERE key = 'generated_at'")
        cursor.execute("DELETE FROM cst_lost_measure")
        cursor.execute("DELETE FROM cst_lost WHERE lst_status = 3")

    churns_reload()

    assert churn_scan.fingerprint() == before


def test_the_import_benchmark_refuses_to_empty_the_generated_data_set(loaded):
    with pytest.raises(SystemExit, match=r"holds bench\.generate's data set"):
        import_bench.prepare(managers=2)

    assert Customer.objects.count() == loaded["customers"]
