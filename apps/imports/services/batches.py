"""
Writes of imports: upload (the file stored, its dry run queued), the dry run (a job), confirm
and apply (a job, all-or-nothing unless the user chose to skip the invalid rows).
"""

import io
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.imports import files
from apps.imports.catalog import KINDS
from apps.imports.models import ImportBatch, ImportRowError
from apps.imports.records import records_save
from apps.imports.services.runner import Outcome, ProgressReporter, run
from apps.jobs.services import job_create
from apps.rbac.policies import import_batch_policy
from apps.rbac.services import audit_event_create
from crm.exceptions import DomainError
from crm.exports import write_xlsx
from crm.locking import locked
from crm.workflow import transition

logger = logging.getLogger(__name__)

CHECK_JOB, APPLY_JOB = "imports.check", "imports.apply"
STORED_PROBLEMS = 10_000  # shown on the page; the error workbook lists them all
S = ImportBatch.Status


@transaction.atomic
def import_batch_create(*, actor, kind: str, upload, language: str) -> ImportBatch:
    """
    Store an uploaded file of `kind` (size, type, encoding, columns and row count checked
    first: a refused file leaves nothing behind) and queue its dry run.
    """
    import_batch_policy.require(actor, "add")
    import_kind = KINDS.get(kind)
    if import_kind is None or not import_kind.allowed(actor):
        raise PermissionDenied
    try:
        info = files.inspect(upload, upload.name, import_kind)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    batch = ImportBatch(
        kind=kind,
        created_by=actor,
        original_name=upload.name[:255],
        file_format=info.file_format,
        file_size=upload.size,
        encoding=info.encoding,
        language=language,
    )
    batch.file.save(upload.name, upload, save=False)
    batch.full_clean()
    batch.save()
    batch.job = job_create(
        kind=CHECK_JOB, params={"batch": batch.pk, "language": language}, actor=actor
    )
    batch.save(update_fields=["job", "updated_at"])
    return batch


def import_batch_check(context) -> dict:
    """The job imports.check: the dry run. Counts and invalid rows are stored; nothing else."""
    batch = ImportBatch.objects.select_related("created_by").get(pk=context.params["batch"])
    if batch.status != S.UPLOADED:
        return {"batch": batch.pk, "skipped": True}  # a repeated message: the check ran
    try:
        parsed = _parse(batch)
        with ProgressReporter(context, len(parsed.dataset)) as progress:
            outcome = run(
                batch=batch, parsed=parsed, dry_run=True, all_or_nothing=True, progress=progress
            )
    except ValidationError as error:
        _refuse(batch, " ".join(error.messages))
        raise
    except Exception:
        _refuse(batch, _("The file could not be checked because of an unexpected error."))
        raise
    _keep_checked(batch, parsed)
    _checked(batch.pk, outcome)
    return {"batch": batch.pk, **_counts(outcome)}


def checked_name(batch: ImportBatch) -> str:
    return f"imports/{batch.token}/checked.csv"


def _keep_checked(batch: ImportBatch, parsed) -> None:
    stream = io.BytesIO()
    files.write_checked(parsed, stream)
    default_storage.delete(checked_name(batch))
    default_storage.save(checked_name(batch), ContentFile(stream.getvalue()))


@transaction.atomic
def _refuse(batch: ImportBatch, message: str) -> None:
    batch = locked(ImportBatch, pk=batch.pk)
    transition(batch, to=S.FAILED)
    batch.error = message
    batch.save(update_fields=["status", "error", "updated_at"])


@transaction.atomic
def _checked(batch_id: int, outcome: Outcome) -> None:
    batch = locked(ImportBatch, pk=batch_id)
    transition(batch, to=S.CHECKED)
    batch.checked_at = timezone.now()
    _store_outcome(batch, outcome)


def _parse(batch: ImportBatch, *, checked: bool = False):
    """The file's rows: parsed from the upload, or (for the apply) as the check left them."""
    info = files.FileInfo(batch.file_format, batch.encoding)
    try:
        if checked and default_storage.exists(checked_name(batch)):
            with default_storage.open(checked_name(batch), "rb") as source:
                return files.read_checked(source)
        with batch.file.open("rb") as source:
            return files.parse(source, info, KINDS[batch.kind])
    except ValidationError:
        raise
    except Exception:  # a workbook that openpyxl cannot read, a file gone from the disk
        logger.warning("import %s: the file could not be read", batch.pk, exc_info=True)
        raise ValidationError(_("The file could not be read.")) from None


def _counts(outcome: Outcome) -> dict:
    return {
        "new": outcome.new,
        "updated": outcome.updated,
        "unchanged": outcome.unchanged,
        "invalid": outcome.invalid,
    }


def _store_outcome(batch: ImportBatch, outcome: Outcome) -> None:
    """Counts, the invalid rows (the first ones in the table, all in the workbook)."""
    batch.rows_new, batch.rows_updated = outcome.new, outcome.updated
    batch.rows_unchanged, batch.rows_invalid = outcome.unchanged, outcome.invalid
    batch.rows_total = outcome.new + outcome.updated + outcome.unchanged + outcome.invalid
    batch.row_errors.all().delete()
    ImportRowError.objects.bulk_create(
        [
            ImportRowError(
                batch=batch,
                row=p.row,
                column=p.column,
                value=p.value[:200],
                message=p.message[:500],
            )
            for p in outcome.problems[:STORED_PROBLEMS]
        ],
        batch_size=2000,
    )
    if batch.error_file:
        batch.error_file.delete(save=False)
    if outcome.problems:
        batch.error_file.save(
            "errors.xlsx", ContentFile(_error_workbook(batch, outcome)), save=False
        )
    batch.full_clean()
    batch.save()


def _error_workbook(batch: ImportBatch, outcome: Outcome) -> bytes:
    """Row, column, value and message of every problem; the values are formula-safe."""
    kind = KINDS[batch.kind]
    headers = [_("Row"), _("Column"), _("Value"), _("Message")]
    rows = (
        [p.row or "", kind.column_label(p.column), p.value, p.message] for p in outcome.problems
    )
    stream = io.BytesIO()
    write_xlsx(stream, headers, rows, title=_("Errors"))
    return stream.getvalue()


@transaction.atomic
def import_batch_apply_request(*, actor, batch_id: int, skip_invalid: bool) -> ImportBatch:
    """
    Confirm a checked import: queue the job that applies it. Refused while the check found
    invalid rows, unless the user chose to import the valid rows only.
    """
    batch = locked(ImportBatch, pk=batch_id)
    import_batch_policy.require(actor, "add", batch)
    if not KINDS[batch.kind].allowed(actor):
        raise PermissionDenied
    if batch.status == S.CHECKED and batch.rows_invalid and not skip_invalid:
        raise DomainError(
            _(
                "The check found invalid rows: correct the file and upload it "
                "again, or choose to import only the valid rows."
            )
        )
    if batch.status == S.CHECKED and not (batch.rows_new or batch.rows_updated):
        raise DomainError(_("Nothing to import: every row is unchanged or invalid."))
    transition(batch, to=S.APPLYING)
    batch.skip_invalid = skip_invalid
    batch.error = ""
    batch.job = job_create(
        kind=APPLY_JOB, actor=actor, params={"batch": batch.pk, "language": batch.language}
    )
    batch.save(update_fields=["status", "skip_invalid", "error", "job", "updated_at"])
    return batch


def import_batch_apply(context) -> dict:
    """The job imports.apply: the import itself, in one transaction with its audit event."""
    batch = ImportBatch.objects.select_related("created_by").get(pk=context.params["batch"])
    if batch.status != S.APPLYING:
        return {"batch": batch.pk, "skipped": True}
    try:
        parsed = _parse(batch, checked=True)
        with ProgressReporter(context, len(parsed.dataset)) as progress:
            outcome = _apply(batch.pk, parsed, progress)
    except Exception as error:
        message = (
            " ".join(error.messages)
            if isinstance(error, ValidationError)
            else _("The import stopped because of an unexpected error; nothing was imported.")
        )
        _apply_failed(batch.pk, message)
        raise
    if outcome is not None and outcome.rolled_back:
        raise DomainError(
            _("Nothing was imported: %(count)s rows were refused. The import page lists them.")
            % {"count": outcome.invalid}
        )
    return {"batch": batch.pk, **(_counts(outcome) if outcome else {"skipped": True})}


@transaction.atomic
def _apply(batch_id: int, parsed, progress) -> Outcome | None:
    batch = locked(ImportBatch.objects.select_related("created_by"), pk=batch_id)
    if batch.status != S.APPLYING:
        return None
    if not KINDS[batch.kind].allowed(batch.created_by):
        raise ValidationError(_("You may no longer import this kind of data."))
    outcome = run(
        batch=batch,
        parsed=parsed,
        dry_run=False,
        all_or_nothing=not batch.skip_invalid,
        progress=progress,
    )
    if outcome.rolled_back:
        transition(batch, to=S.CHECKED)
        batch.error = _(
            "The import was refused and nothing was imported: the data changed "
            "since the check. The list below shows the rows refused."
        )
        _store_outcome(batch, outcome)
        return outcome
    records_save(batch.pk, outcome.records)
    old = transition(batch, to=S.APPLIED)
    batch.applied_at = timezone.now()
    _store_outcome(batch, outcome)
    audit_event_create(
        actor=batch.created_by,
        target=batch,
        action="imports.batch.apply",
        from_status=old,
        to_status=batch.status,
        data={
            "kind": batch.kind,
            "file": batch.original_name,
            "rows": batch.rows_total,
            "skip_invalid": batch.skip_invalid,
            "records": len(outcome.records),
            **_counts(outcome),
        },
    )
    return outcome


@transaction.atomic
def _apply_failed(batch_id: int, message: str) -> None:
    batch = locked(ImportBatch, pk=batch_id)
    if batch.status == S.APPLYING:
        transition(batch, to=S.CHECKED)
        batch.error = message
        batch.save(update_fields=["status", "error", "updated_at"])
