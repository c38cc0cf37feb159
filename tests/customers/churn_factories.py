"""Factories and helpers of the churn tests."""

import importlib
from datetime import date, datetime, time, timedelta

import factory
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from factory.django import DjangoModelFactory

from apps.customers.models import Churn, ChurnMeasure, ChurnScanRun, Order
from apps.jobs.models import Job
from tests.factories import CustomerFactory

LONG_AGO = timedelta(days=3 * 365)


def local(day: date, hour: int = 12) -> datetime:
    """An aware datetime at `hour` o'clock of `day` in the business time zone."""
    return timezone.make_aware(datetime.combine(day, time(hour)))


def months_ago(months: int, *, days: int = 0) -> date:
    return timezone.localdate() - relativedelta(months=months) + timedelta(days=days)


def old_customer(**kwargs):
    """A normal customer whose record is years old (so only his orders decide)."""
    kwargs.setdefault("created_at", timezone.now() - LONG_AGO)
    return CustomerFactory(**kwargs)


def order(customer, when: datetime | date) -> Order:
    if isinstance(when, date) and not isinstance(when, datetime):
        when = local(when)
    return Order.objects.create(customer=customer, date=when, address="送货地址")


class ChurnFactory(DjangoModelFactory):
    class Meta:
        model = Churn

    customer = factory.SubFactory(CustomerFactory)
    manager = factory.LazyAttribute(lambda churn: churn.customer.manager)
    last_order_date = factory.LazyFunction(lambda: months_ago(7))
    status = Churn.Status.WARNING


class ChurnMeasureFactory(DjangoModelFactory):
    class Meta:
        model = ChurnMeasure

    churn = factory.SubFactory(ChurnFactory)
    text = factory.Sequence(lambda n: f"措施{n}")
    author = factory.LazyAttribute(lambda m: m.churn.manager)


def past_scan(*, at: datetime, status: str = Job.Status.DONE, by=None, **figures) -> ChurnScanRun:
    """A run of the scan that happened at `at`: its job (when, how it ended) and its figures."""
    job = Job.objects.create(
        kind=ChurnScanRun.JOB_KIND,
        status=status,
        created_by=by,
        started_at=at,
        finished_at=at + timedelta(seconds=2),
        heartbeat_at=at + timedelta(seconds=2),
        attempts=1,
    )
    Job.objects.filter(pk=job.pk).update(created_at=at)
    run = ChurnScanRun.objects.create(job=job, **figures)
    ChurnScanRun.objects.filter(pk=run.pk).update(created_at=at)
    run.refresh_from_db()
    return run


def nightly_schedule_rows() -> None:
    """Beat's nightly scan as the migrations leave it (a transactional test's flush drops it)."""
    from django.apps import apps

    importlib.import_module("apps.customers.migrations.0005_churn_scan_schedule").create_schedule(
        apps, None
    )
    as_job = importlib.import_module("apps.customers.migrations.0012_churn_scan_run_life_in_job")
    as_job.Migration.operations[-1].code(apps, None)
