"""Two scans at once, on real connections (RELIABILITY §2.2): still one open record each."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.utils import timezone

from apps.customers.models import Churn, ChurnScanRun
from apps.customers.services import churn_scan
from apps.customers.services.churn_scanner import (
    WARN_COLUMNS,
    churn_cutoff,
    churn_warn_select,
    insert_select,
)
from apps.notifications.models import Notification
from apps.rbac.models import AuditEvent
from tests.customers.churn_factories import months_ago, old_customer, order
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

CUSTOMERS = 12


@pytest.fixture
def dormant():
    manager = UserFactory(role="account_manager")
    for _ in range(CUSTOMERS):
        order(old_customer(manager=manager), months_ago(9))


def in_threads(*functions, timeout=60):
    """Run each function in its own thread and connection; re-raise the first failure."""
    errors = []

    def wrapped(function):
        try:
            function()
        except Exception as error:  # reported to the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=wrapped, args=(f,)) for f in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a thread did not finish"
    assert not errors, errors


def test_two_scans_at_once_create_each_warning_once(dormant):
    barrier = threading.Barrier(2)

    def scan():
        barrier.wait(timeout=10)
        churn_scan()

    in_threads(scan, scan)

    runs = ChurnScanRun.objects.all()
    assert Churn.objects.filter(status=Churn.Status.WARNING).count() == CUSTOMERS
    assert sorted(run.warned for run in runs) == [0, CUSTOMERS]
    assert {run.is_done for run in runs} == {True}
    assert AuditEvent.objects.filter(action="customers.churn.warn").count() == CUSTOMERS
    assert Notification.objects.count() == 1


def test_the_partial_unique_index_settles_two_inserts_racing_without_the_lock(dormant):
    """Even without the scan's lock, the second INSERT waits for the first and adds nothing."""
    runs = [ChurnScanRun.objects.create(), ChurnScanRun.objects.create()]
    cutoff_at = churn_cutoff(today=timezone.localdate(), months=6)
    first_inserted, inserted = threading.Event(), {}

    def insert(run, *, hold):
        with transaction.atomic():
            select = churn_warn_select(run_id=run.pk, cutoff_at=cutoff_at, now=timezone.now())
            inserted[run.pk] = insert_select(Churn, WARN_COLUMNS, select)
            if hold:
                first_inserted.set()
                time.sleep(1)  # the other INSERT is now blocked on the unique index

    def second():
        first_inserted.wait(timeout=10)
        insert(runs[1], hold=False)

    in_threads(lambda: insert(runs[0], hold=True), second)

    assert inserted == {runs[0].pk: CUSTOMERS, runs[1].pk: 0}
    assert Churn.objects.count() == CUSTOMERS
