"""The churn scan: the rule at its edges, recovery, idempotency, audit, the run record."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.customers.models import Churn, ChurnScanRun, Customer
from apps.customers.services import churn_scan
from apps.jobs.models import Job
from apps.jobs.services import job_run, jobs_requeue
from apps.rbac.models import AuditEvent
from tests.customers.churn_factories import (
    ChurnFactory,
    local,
    months_ago,
    old_customer,
    order,
)
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db
S = Churn.Status


def warned():
    """{customer: last order date} of the open warnings."""
    return dict(Churn.objects.filter(status=S.WARNING).values_list("customer", "last_order_date"))


def test_a_customer_whose_last_order_is_a_day_older_than_n_months_is_warned():
    customer = old_customer()
    order(customer, months_ago(6, days=-1))

    churn_scan()

    assert warned() == {customer.pk: months_ago(6, days=-1)}


def test_a_customer_whose_last_order_is_exactly_n_months_old_is_not_warned():
    order(old_customer(), local(months_ago(6), hour=0))

    churn_scan()

    assert warned() == {}


@pytest.mark.parametrize(("months", "expected"), [(3, True), (4, False)])
def test_the_number_of_months_comes_from_the_setting(settings, months, expected):
    settings.CRM_CHURN_MONTHS = months
    order(old_customer(), months_ago(4, days=5))

    churn_scan()

    assert bool(warned()) is expected


def test_the_last_order_date_is_the_local_date_of_the_latest_order():
    customer = old_customer()
    day = months_ago(8)
    order(customer, months_ago(12))
    order(customer, local(day, hour=0) + timedelta(minutes=30))  # 00:30 Shanghai = day before UTC

    churn_scan()

    assert warned() == {customer.pk: day}


def test_a_customer_who_never_ordered_counts_from_the_creation_of_his_record():
    old = CustomerFactory(created_at=local(months_ago(6, days=-1), hour=23))
    CustomerFactory(created_at=local(months_ago(6), hour=0))

    churn_scan()

    assert warned() == {old.pk: None}


@pytest.mark.parametrize("status", [Customer.Status.LOST, Customer.Status.DELETED])
def test_lost_and_deleted_customers_are_not_warned(status):
    order(old_customer(status=status), months_ago(12))

    churn_scan()

    assert warned() == {}


@pytest.mark.parametrize("status", [S.WARNING, S.POSTPONED])
def test_a_customer_with_an_open_record_gets_no_second_one(status):
    customer = old_customer()
    order(customer, months_ago(12))
    ChurnFactory(customer=customer, status=status)

    churn_scan()

    assert Churn.objects.filter(customer=customer).count() == 1


def test_a_customer_whose_earlier_record_was_recovered_is_warned_again():
    customer = old_customer()
    order(customer, months_ago(12))
    ChurnFactory(
        customer=customer, status=S.RECOVERED, created_at=timezone.now() - timedelta(days=800)
    )

    churn_scan()

    assert Churn.objects.filter(customer=customer).count() == 2
    assert warned() == {customer.pk: months_ago(12)}


def test_the_warning_keeps_the_manager_at_detection_and_is_audited_as_the_system():
    customer = old_customer()
    order(customer, months_ago(9))

    run = churn_scan()

    churn = Churn.objects.get()
    event = AuditEvent.objects.for_object(churn).get()
    assert (churn.manager, churn.scan_run, churn.status) == (customer.manager, run, S.WARNING)
    assert (event.actor, event.action, event.from_status, event.to_status) == (
        None,
        "customers.churn.warn",
        "",
        "1",
    )
    assert event.data["customer"] == customer.pk


def test_a_customer_who_orders_again_after_a_warning_is_recovered():
    customer = old_customer()
    order(customer, months_ago(9))
    churn_scan()
    order(customer, timezone.now())

    run = churn_scan()

    churn = Churn.objects.get()
    event = AuditEvent.objects.for_object(churn).filter(action="customers.churn.recover").get()
    assert (churn.status, churn.recovered_date) == (S.RECOVERED, timezone.localdate())
    assert (event.from_status, event.to_status, event.actor) == ("1", "4", None)
    assert (run.recovered, run.warned) == (1, 0)


def test_a_postponed_record_is_recovered_too_and_the_audit_says_from_postponed():
    customer = old_customer()
    churn = ChurnFactory(
        customer=customer, status=S.POSTPONED, created_at=timezone.now() - timedelta(days=10)
    )
    order(customer, timezone.now() - timedelta(days=2))

    churn_scan()

    churn.refresh_from_db()
    event = AuditEvent.objects.for_object(churn).get()
    assert (churn.status, event.from_status) == (S.RECOVERED, "2")


def test_an_order_delivered_late_but_within_n_months_recovers_the_warning():
    customer = old_customer()
    ChurnFactory(customer=customer, created_at=timezone.now())
    order(customer, timezone.now() - timedelta(days=20))  # dated before the warning

    churn_scan()

    assert Churn.objects.get().status == S.RECOVERED


def test_confirmed_records_are_left_alone():
    customer = old_customer(status=Customer.Status.LOST)
    ChurnFactory(customer=customer, status=S.CONFIRMED)
    order(customer, timezone.now())

    churn_scan()

    assert Churn.objects.get().status == S.CONFIRMED


def test_running_the_scan_twice_changes_nothing_the_second_time():
    for months in (7, 8, 20):
        order(old_customer(), months_ago(months))
    first = churn_scan()
    state = list(Churn.objects.order_by("pk").values())
    events = AuditEvent.objects.count()

    second = churn_scan()

    assert (first.warned, second.warned, second.recovered) == (3, 0, 0)
    assert list(Churn.objects.order_by("pk").values()) == state
    assert AuditEvent.objects.count() == events


def test_each_run_is_recorded_with_its_figures():
    order(old_customer(), months_ago(7))

    run = churn_scan()

    run.refresh_from_db()
    assert run.is_done
    assert (run.warned, run.recovered, run.notified, run.months) == (1, 0, 1, 6)
    assert run.cutoff == months_ago(6)


def test_the_scan_makes_the_same_number_of_queries_for_3_or_30_customers():
    def queries_for(count):
        manager = UserFactory(role="account_manager")
        for _ in range(count):
            order(old_customer(manager=manager), months_ago(7))
        with CaptureQueriesContext(connection) as ctx:
            churn_scan()
        return len(ctx.captured_queries)

    assert queries_for(3) == queries_for(30)


def scan_job(**params) -> Job:
    """A queued churn scan job, as the admin's "run now" or beat leaves it."""
    return Job.objects.create(kind="customers.churn_scan", params=params)


def test_a_failure_in_the_middle_fails_the_job_leaves_nothing_and_a_rerun_does_it_all(
    monkeypatch, caplog
):
    order(old_customer(), months_ago(7))
    job = scan_job()

    def broken(**kwargs):
        raise RuntimeError("worker lost")

    monkeypatch.setattr("apps.customers.services.churn_scanner.churn_digest_notify", broken)
    job_run(job_id=job.pk)
    job.refresh_from_db()
    run = ChurnScanRun.objects.get()
    assert (job.status, run.job, run.is_done) == (Job.Status.FAILED, job, False)
    assert job.error  # a readable message; the worker's log has the details
    assert "worker lost" in caplog.text
    assert (Churn.objects.count(), AuditEvent.objects.count()) == (0, 0)
    monkeypatch.undo()

    again = job_run(job_id=scan_job().pk)

    rerun = ChurnScanRun.objects.get(job=again)
    assert (again.status, rerun.warned, Churn.objects.count()) == (Job.Status.DONE, 1, 1)
    assert AuditEvent.objects.count() == 1


def test_a_scan_left_running_by_a_killed_worker_is_run_again_by_the_sweeper():
    """
    The worker died inside the scan's transaction: nothing of it committed. The jobs sweeper
    (the one recovery path) puts the silent job back in the queue, and its next delivery does
    the whole scan, in the same run.
    """
    order(old_customer(), months_ago(7))
    job = scan_job()
    run = ChurnScanRun.objects.create(job=job)
    silent = timezone.now() - timedelta(hours=1)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, attempts=1, started_at=silent, heartbeat_at=silent
    )

    assert jobs_requeue()["revived"] == 1
    job_run(job_id=job.pk)  # the message the sweeper publishes a minute later

    job.refresh_from_db()
    run.refresh_from_db()
    assert (job.status, job.attempts, run.warned, run.is_done) == (Job.Status.DONE, 2, 1, True)
    assert ChurnScanRun.objects.count() == 1


def test_a_job_whose_run_is_done_already_does_not_scan_again():
    job = scan_job()
    ChurnScanRun.objects.create(job=job, warned=5, months=6, cutoff=months_ago(6))
    order(old_customer(), months_ago(7))

    job_run(job_id=job.pk)

    run = ChurnScanRun.objects.get(job=job)
    assert (run.warned, Churn.objects.count()) == (5, 0)
