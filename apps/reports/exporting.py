"""
CSV and XLSX downloads of a report's table. Small tables are answered in the request through
crm.exports; bigger ones are written by a background job (streamed to a file by crm.exports'
writers, formulas neutralised) and downloaded from the job page.
"""

from django.conf import settings
from django.utils import timezone
from django.utils.encoding import force_str

from apps.jobs.services import job_create
from apps.reports import selectors
from apps.reports.registry import REPORTS
from apps.reports.services import report_url, snapshot_compute
from crm.exports import ensure_fits, export_response, write

EXPORT_JOB = "reports.export"
PROGRESS_EVERY = 5000


def table(snapshot):
    """(headers, rows) of a snapshot's table, rows streamed in rank order."""
    columns = REPORTS[snapshot.report].columns
    headers = [force_str(column.title(snapshot.payload)) for column in columns]
    rows = (
        [column.value(row) for column in columns]
        for row in selectors.snapshot_all_rows(snapshot=snapshot)
    )
    return headers, rows


def filename(snapshot, fmt: str) -> str:
    return f"{snapshot.report}-{timezone.localtime(snapshot.computed_at):%Y%m%d-%H%M}.{fmt}"


def export_now(snapshot, fmt: str):
    """The download, answered in the request (at most CRM_EXPORT_MAX_ROWS rows)."""
    headers, rows = table(snapshot)
    return export_response(
        headers=headers, rows=rows, fmt=fmt, filename=filename(snapshot, fmt).rsplit(".", 1)[0]
    )


def fits_in_request(snapshot) -> bool:
    return snapshot.row_count <= settings.CRM_EXPORT_MAX_ROWS


def export_start(*, report: str, params: dict, language: str, fmt: str, user):
    """A background export of a big table; the job page offers the file when it is done."""
    return job_create(
        kind=EXPORT_JOB,
        actor=user,
        params={
            "report": report,
            "params": params,
            "language": language,
            "format": fmt,
        },
    )


def export_job(context) -> dict:
    """The job kind reports.export: the current snapshot (computed if needed) as a file."""
    p = context.params
    snapshot = snapshot_compute(report=p["report"], params=p["params"], language=p["language"])
    total = snapshot.row_count
    ensure_fits(p["format"], total)
    context.progress(0, total)
    headers, rows = table(snapshot)
    with context.output(filename(snapshot, p["format"])) as stream:
        write(stream, p["format"], headers, context.counted(rows, total, every=PROGRESS_EVERY))
    return {"snapshot": snapshot.pk, "rows": total}


def export_job_result_url(job) -> str:
    return report_url(job.params["report"], job.params["params"])
