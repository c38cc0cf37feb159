"""
Report snapshots: computed once per (report, filters, language) and data version, served from
PostgreSQL until the data changes (RELIABILITY §3.6). Heavy reports are computed by a
background job (apps.jobs); light ones in the request. A nightly task recomputes them.
"""

import datetime
import hashlib
import json
import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation

from apps.jobs.models import Job
from apps.jobs.selectors import job_latest
from apps.jobs.services import job_create
from apps.reports import charts, selectors
from apps.reports.builders import no_progress
from apps.reports.models import DataChange, ReportRow, ReportSnapshot
from apps.reports.registry import REPORTS
from apps.reports.scope import SCOPE_PARAMS
from crm.db_routers import report_reads

logger = logging.getLogger(__name__)

COMPUTE_JOB = "reports.compute"
SOURCES = ("customer", "orders", "service", "churn", "dict", "user")
KEEP_DAYS = 7  # snapshots looked at within a week are refreshed nightly, older ones dropped
FAILED_SHOWN_FOR = datetime.timedelta(minutes=10)  # then a page visit simply tries again


def snapshot_key(report: str, params: dict, language: str) -> str:
    text = json.dumps([report, params, language], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _repeatable_read(alias: str = DEFAULT_DB_ALIAS) -> None:
    """The version and every aggregate of one computation read the same committed data."""
    with connections[alias].cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")


@contextmanager
def _consistent_reads(*, outermost: bool):
    """
    One transaction on the primary (the snapshot is written there) and, when a report replica
    is configured, one REPEATABLE READ transaction on it for every read of the computation.
    """
    with transaction.atomic():
        if outermost:
            _repeatable_read()
        with report_reads() as alias:
            if alias == DEFAULT_DB_ALIAS:
                yield
                return
            with transaction.atomic(using=alias):
                _repeatable_read(alias)
                yield


def snapshot_compute(
    *, report: str, params: dict, language: str, force: bool = False, progress=no_progress
) -> ReportSnapshot:
    """
    Compute `report` for the current data and store it (rows, figures, chart data) in one
    transaction that reads one consistent view of the data. A snapshot of this data version
    is returned as it is, unless `force` computes a newer one (the nightly refresh). The
    snapshots it replaces stay until snapshot_prune() (readers only ever pick the newest).
    """
    definition = REPORTS[report]
    key = snapshot_key(report, params, language)
    started = time.monotonic()
    outermost = not connection.in_atomic_block
    with _consistent_reads(outermost=outermost):
        version = selectors.data_version(definition.sources)
        current = selectors.snapshot_get(key=key, version=version)
        if current and not force:
            return current
        snapshot = ReportSnapshot.objects.create(
            key=key, report=report, params=params, language=language, data_version=version
        )
        with translation.override(language):
            definition.build(snapshot, params, progress)
        snapshot.compute_ms = int((time.monotonic() - started) * 1000)
        snapshot.save(update_fields=["payload", "row_count", "compute_ms"])
    return snapshot


def snapshot_prune(snapshot: ReportSnapshot) -> int:
    """Delete the snapshots of the same filters computed before `snapshot`: it replaces them."""
    older = ReportSnapshot.objects.filter(key=snapshot.key, computed_at__lt=snapshot.computed_at)
    return older.delete()[0]


def snapshot_compute_and_prune(**kwargs) -> ReportSnapshot:
    """A computation in the request (light reports): the replaced snapshots go at once."""
    snapshot = snapshot_compute(**kwargs)
    snapshot_prune(snapshot)
    return snapshot


def snapshot_chart(snapshot: ReportSnapshot, name: str, fmt: str = "svg") -> bytes:
    """
    One chart of a snapshot. The SVG is rendered once, when first asked for, and kept with
    the snapshot (a computation is its SQL; matplotlib's tens of milliseconds per chart are
    paid by the first viewer, or by the job that computed a heavy report). PNG is for
    downloads and rendered each time.
    """
    if fmt == "svg" and name in snapshot.charts:
        return snapshot.charts[name].encode()
    with translation.override(snapshot.language or None):
        content = charts.render(snapshot.payload["charts"][name], fmt)
    if fmt == "svg":
        snapshot.charts[name] = content.decode()
        table = ReportSnapshot._meta.db_table
        with connection.cursor() as cursor:  # merged: a concurrent render of another chart stays
            cursor.execute(
                f"UPDATE {table} SET charts = charts || %s::jsonb WHERE id = %s",  # noqa: S608 # nosec B608
                [json.dumps({name: snapshot.charts[name]}), snapshot.pk],
            )
    return content


def snapshot_render_charts(snapshot: ReportSnapshot) -> None:
    """Render every chart of a snapshot now (jobs and the nightly refresh do, for the viewer)."""
    for name in snapshot.payload.get("charts", {}):
        snapshot_chart(snapshot, name)


def snapshot_for(*, report: str, params: dict, language: str) -> ReportSnapshot:
    """The current snapshot, computed now if missing (light reports and internal lists)."""
    key = snapshot_key(report, params, language)
    version = selectors.data_version(REPORTS[report].sources)
    current = selectors.snapshot_get(key=key, version=version)
    return current or snapshot_compute_and_prune(report=report, params=params, language=language)


def year_choices(report: str) -> list[int]:
    """The years a report's year filter offers: those present in its data, newest first."""
    if report == "contribution":  # a scan of the orders: kept as a snapshot until they change
        return snapshot_for(report="order-years", params={}, language="").payload["years"]
    if report == "service":
        return selectors.service_years()
    return []


@dataclass
class ReportState:
    snapshot: ReportSnapshot | None = None  # the result for the current data
    stale: ReportSnapshot | None = None  # the previous result, shown while a job computes
    job: Job | None = None  # the user's job computing it


def report_state(*, report: str, params: dict, language: str, user) -> ReportState:
    """
    What a report page shows: the current snapshot if there is one. Otherwise a light report
    is computed now; a heavy one by the user's background job (started unless one is waiting
    or running, or failed a moment ago), with the previous result meanwhile.
    """
    definition = REPORTS[report]
    key = snapshot_key(report, params, language)
    current = selectors.snapshot_get(key=key, version=selectors.data_version(definition.sources))
    if current:
        return ReportState(snapshot=current)
    if not definition.heavy:
        return ReportState(
            snapshot=snapshot_compute_and_prune(report=report, params=params, language=language)
        )
    job = _compute_job(report=report, params=params, language=language, user=user)
    if job.status == Job.Status.DONE:  # finished already (a worker that was quick, or eager)
        current = selectors.snapshot_get(
            key=key, version=selectors.data_version(definition.sources)
        )
        if current:
            return ReportState(snapshot=current)
    return ReportState(stale=selectors.snapshot_latest(key=key), job=job)


def _compute_job(*, report, params, language, user) -> Job:
    job_params = {"report": report, "params": params, "language": language}
    job = job_latest(user=user, kind=COMPUTE_JOB, params=job_params)
    recent_failure = (
        job is not None
        and job.status == Job.Status.FAILED
        and job.created_at > timezone.now() - FAILED_SHOWN_FOR
    )
    if job is not None and (job.is_active or recent_failure):
        return job
    job = job_create(kind=COMPUTE_JOB, params=job_params, actor=user)
    job.refresh_from_db()
    return job


def report_retry(*, report: str, params: dict, language: str, user) -> Job:
    """The user asks again after a failure: a new job, whatever happened before."""
    return job_create(
        kind=COMPUTE_JOB,
        actor=user,
        params={"report": report, "params": params, "language": language},
    )


def report_url(report: str, params: dict) -> str:
    """The report page showing these filters."""
    hidden = ("as_of", *SCOPE_PARAMS)  # the reader's scope comes from who he is, not the URL
    query = {k: v for k, v in params.items() if v not in (None, "") and k not in hidden}
    url = reverse(f"reports:{report}")
    return f"{url}?{urlencode(query)}" if query else url


def compute_job(context) -> dict:
    """The job kind reports.compute: one snapshot with its charts, replacing the older ones."""
    p = context.params
    snapshot = snapshot_compute(
        report=p["report"], params=p["params"], language=p["language"], progress=context.progress
    )
    snapshot_render_charts(snapshot)
    snapshot_prune(snapshot)
    return {"snapshot": snapshot.pk, "rows": snapshot.row_count}


def compute_job_result_url(job) -> str:
    return report_url(job.params["report"], job.params["params"])


def data_changes_compact() -> int:
    """
    Keep the change log short: a fresh marker row per source replaces every older row. Each
    data version then holds a new maximum id, so no old version (and no old snapshot) can
    ever match again. Returns the number of rows removed.
    """
    with transaction.atomic():
        last = DataChange.objects.aggregate(last=Max("id"))["last"] or 0
        DataChange.objects.bulk_create(DataChange(source=source) for source in SOURCES)
        removed, _ = DataChange.objects.filter(id__lte=last).delete()
    return removed


def _vacuum_rows() -> None:
    """Replaced big snapshots leave many dead rows: give their space back after the refresh."""
    if connection.in_atomic_block:  # VACUUM cannot run inside a transaction (the tests' one)
        return
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {ReportRow._meta.db_table}")


def default_params(today: datetime.date) -> dict[str, dict]:
    """The filters a report opens with (what the forms produce from an empty query)."""
    return {
        "contribution": {"year": None, "name": ""},
        "composition": {"by": "level"},
        "service": {"year": None, "date_from": None, "date_to": None},
        "churn": {"customer": "", "manager": ""},
        "dashboard": {"as_of": today.isoformat()},
        "order-years": {},
    }


REFRESH_JOB = "reports.refresh"


def refresh_job(context) -> dict:
    """The nightly job reports.refresh (beat creates it): reports_refresh, with its progress."""
    return reports_refresh(progress=context.progress)


def reports_refresh(*, today: datetime.date | None = None, progress=None) -> dict:
    """
    Nightly: compact the change log, then recompute every report opened within a week (and
    each report's opening view in every language) for the current data; drop older snapshots.
    Each recomputation replaces its snapshot atomically, so pages keep being served meanwhile.
    `progress(done, total)` is told after each report (the job's progress and sign of life).
    """
    today = today or timezone.localdate()
    compacted = data_changes_compact()
    since = timezone.now() - datetime.timedelta(days=KEEP_DAYS)
    wanted = {
        (report, json.dumps(params, sort_keys=True), language)
        for report, params in default_params(today).items()
        for language, _name in settings.LANGUAGES
    }
    recent = ReportSnapshot.objects.filter(computed_at__gte=since).exclude(report="dashboard")
    wanted |= {
        (r, json.dumps(p, sort_keys=True), lang)
        for r, p, lang in recent.values_list("report", "params", "language")
    }
    computed = 0
    for report, params, language in sorted(wanted):
        snapshot = snapshot_compute(
            report=report, params=json.loads(params), language=language, force=True
        )
        snapshot_render_charts(snapshot)
        snapshot_prune(snapshot)
        computed += 1
        if progress:
            progress(computed, len(wanted))
    stale = ReportSnapshot.objects.filter(computed_at__lt=since)
    old_days = ReportSnapshot.objects.filter(report="dashboard").exclude(
        params__as_of=today.isoformat()
    )
    dropped = stale.delete()[0] + old_days.delete()[0]
    _vacuum_rows()
    return {"compacted": compacted, "computed": computed, "dropped": dropped}
