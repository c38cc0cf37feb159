"""
The churn scan (SPEC §3.3, §8.1): flag every normal customer without an order for N months,
close the open records of customers who ordered again, notify each manager once.

Set-based on purpose: at a million customers a query per customer would take hours. The SELECTs
are built with the ORM, which compiles the vendor-specific parts (time zone conversion, JSON,
FOR UPDATE) for PostgreSQL and for the embedded SQLite alike; each is wrapped in one
`INSERT … SELECT … ON CONFLICT DO NOTHING`, which both databases run as one statement.

Idempotent: the partial unique index cst_lost_one_open_per_customer admits one open record per
customer, so a second run (or a second worker at the same time) inserts nothing new. Runs are
also serialised by an advisory lock on PostgreSQL, so each run's counts and audit rows describe
exactly the rows it changed. Everything a run writes commits in one transaction together with
the run's result: a worker killed in the middle leaves nothing behind, and the job sweeper
(apps.jobs) runs the job again, which does the whole work.
"""

import logging
from datetime import date, datetime, time

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import (
    CharField,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Concat, JSONObject, Substr, TruncDate
from django.utils import timezone

from apps.customers.models import Churn, ChurnScanRun, Customer, Order
from apps.customers.services.churn_digest import churn_digest_mail, churn_digest_notify
from apps.rbac.models import AuditEvent

logger = logging.getLogger(__name__)

S = Churn.Status
# Any constant unique to this job: pg_advisory_xact_lock() serialises concurrent scans.
SCAN_LOCK_KEY = 0x43484E53  # "CHNS"
RECOVER_BATCH = 5000


def churn_cutoff(*, today: date, months: int) -> datetime:
    """Local midnight N months before `today`: an order at or after it is a recent order."""
    day = today - relativedelta(months=months)
    return timezone.make_aware(datetime.combine(day, time.min))


def insert_select(model, columns: list[str], select: QuerySet) -> int:
    """INSERT INTO model (columns) <select> ON CONFLICT DO NOTHING; returns the rows inserted."""
    sql, params = select.query.sql_with_params()
    quote = connection.ops.quote_name
    names = ", ".join(quote(model._meta.get_field(c).column) for c in columns)
    # Only identifiers from the model's metadata and ORM-compiled SQL are interpolated; every
    # value travels as a parameter.
    statement = f"INSERT INTO {quote(model._meta.db_table)} ({names}) {sql} ON CONFLICT DO NOTHING"
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


WARN_COLUMNS = [
    "created_at",
    "updated_at",
    "customer",
    "manager",
    "last_order_date",
    "reason",
    "status",
    "scan_run",
]


def churn_warn_select(*, run_id: int, cutoff_at: datetime, now: datetime) -> QuerySet:
    """
    One row per normal customer without an order since `cutoff_at` (and, if he never ordered,
    created before it) who has no open churn record: the values of his new warning.
    """
    orders = Order.objects.filter(customer=OuterRef("pk"))
    open_churn = Churn.objects.open().filter(customer=OuterRef("pk"))
    latest = orders.order_by("-date").values("date")[:1]
    return (
        Customer.objects.filter(status=Customer.Status.NORMAL)
        .filter(Q(created_at__lt=cutoff_at) | Exists(orders))
        .exclude(Exists(orders.filter(date__gte=cutoff_at)))
        .exclude(Exists(open_churn))
        .order_by()
        .values(
            w_created=Value(now, DateTimeField()),
            w_updated=Value(now, DateTimeField()),
            w_customer=F("pk"),
            w_manager=F("manager_id"),
            w_last=TruncDate(Subquery(latest, output_field=DateTimeField())),
            w_reason=Value("", CharField()),
            w_status=Value(S.WARNING.value, IntegerField()),
            w_run=Value(run_id, IntegerField()),
        )
    )


AUDIT_COLUMNS = [
    "action",
    "content_type",
    "object_id",
    "object_repr",
    "from_status",
    "to_status",
    "changes",
    "data",
    "created_at",
]


def warn_audit_select(*, run_id: int, now: datetime) -> QuerySet:
    """The audit row of every warning that run `run_id` created (actor empty: the system)."""
    label = f" ({S.WARNING.label})"
    return (
        Churn.objects.filter(scan_run_id=run_id, status=S.WARNING)
        .order_by()
        .values(
            a_action=Value("customers.churn.warn", CharField()),
            a_type=Value(ContentType.objects.get_for_model(Churn).pk, IntegerField()),
            a_object=Cast("pk", CharField()),
            a_repr=Substr(
                Concat(F("customer__name"), Value(label), output_field=CharField()), 1, 200
            ),
            a_from=Value("", CharField()),
            a_to=Value(str(S.WARNING.value), CharField()),
            a_changes=Value({}, JSONField()),
            a_data=JSONObject(
                customer=F("customer_id"),
                manager=F("manager_id"),
                last_order_date=F("last_order_date"),
                scan_run=F("scan_run_id"),
            ),
            a_created=Value(now, DateTimeField()),
        )
    )


def _warn(*, run: ChurnScanRun, cutoff_at: datetime, now: datetime) -> int:
    """Insert the new warnings and their audit rows: two statements, whatever the count."""
    warned = insert_select(
        Churn, WARN_COLUMNS, churn_warn_select(run_id=run.pk, cutoff_at=cutoff_at, now=now)
    )
    if warned:
        insert_select(AuditEvent, AUDIT_COLUMNS, warn_audit_select(run_id=run.pk, now=now))
    return warned


def _recover(*, cutoff_at: datetime, today: date, now: datetime) -> int:
    """
    Close the open records whose customer ordered again: an order since the record was raised,
    or one within the last N months (an order the sales system delivered late). The rows are
    locked first, so a manager's postpone or confirm at the same moment either wins or waits.
    """
    again = Order.objects.filter(customer=OuterRef("customer_id")).filter(
        Q(date__gte=OuterRef("created_at")) | Q(date__gte=cutoff_at)
    )
    rows = list(
        Churn.objects.open()
        .filter(Exists(again))
        .select_for_update(of=("self",))
        .order_by("pk")
        .values_list("pk", "status", "customer__name")
    )
    content_type = ContentType.objects.get_for_model(Churn)
    label = f" ({S.RECOVERED.label})"
    for start in range(0, len(rows), RECOVER_BATCH):
        batch = rows[start : start + RECOVER_BATCH]
        Churn.objects.filter(pk__in=[pk for pk, _status, _name in batch]).update(
            status=S.RECOVERED, recovered_date=today, updated_at=now
        )
        AuditEvent.objects.bulk_create(
            AuditEvent(
                action="customers.churn.recover",
                content_type=content_type,
                object_id=str(pk),
                object_repr=f"{name}{label}"[:200],
                from_status=str(status),
                to_status=str(S.RECOVERED.value),
                data={"recovered_date": today.isoformat()},
                created_at=now,
            )
            for pk, status, name in batch
        )
    return len(rows)


def _lock() -> None:
    """Serialise scans, and plan this transaction's statements for bulk work."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SCAN_LOCK_KEY])
            # cst_lost grows during the INSERT that anti-joins against it. With statistics
            # saying "empty" (a new installation, a freshly analysed table) the planner picks
            # a nested loop that rescans the growing table for every customer: minutes turn
            # into hours at a million customers. Hash joins stay linear whatever the stats.
            cursor.execute("SET LOCAL enable_nestloop = off")
            # The hash of a million customers' recent orders fits in memory instead of spilling.
            cursor.execute("SET LOCAL work_mem = '128MB'")


def _work(run: ChurnScanRun, *, today: date, months: int) -> list:
    """The scan's writes, in the caller's transaction; the digests to mail afterwards."""
    _lock()
    if ChurnScanRun.objects.filter(pk=run.pk, cutoff__isnull=False).exists():
        return []  # the same run delivered twice at once: the other delivery did the work
    cutoff_at = churn_cutoff(today=today, months=months)
    now = timezone.now()
    run.recovered = _recover(cutoff_at=cutoff_at, today=today, now=now)
    run.warned = _warn(run=run, cutoff_at=cutoff_at, now=now)
    digests = churn_digest_notify(run=run)
    run.notified, run.months, run.cutoff = len(digests), months, cutoff_at.date()
    run.save(update_fields=["recovered", "warned", "notified", "months", "cutoff", "updated_at"])
    return digests


def churn_scan(*, run: ChurnScanRun | None = None, today: date | None = None) -> ChurnScanRun:
    """
    One run of the scan: recover, warn, audit and notify in one transaction together with the
    run's counts; then one digest e-mail per manager (a mail failure is logged and counted, it
    does not fail the run). `run` is the run of a job (churn_scan_job); a run that is done
    already (a job run again) is left as it is. None: a new run outside the job table.
    """
    today = today or timezone.localdate()
    run = run or ChurnScanRun.objects.create()
    if run.is_done:
        return run
    with transaction.atomic():
        digests = _work(run, today=today, months=settings.CRM_CHURN_MONTHS)
    run.mail_failed = churn_digest_mail(digests)
    if run.mail_failed:
        run.save(update_fields=["mail_failed", "updated_at"])
    logger.info(
        "churn scan #%s: %s warned, %s recovered, %s managers notified",
        run.pk,
        run.warned,
        run.recovered,
        run.notified,
    )
    run.refresh_from_db()
    return run
