"""Helpers of the import tests: files built in memory, and the import run through its jobs."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from apps.imports import services
from apps.imports.catalog import KINDS
from apps.imports.models import ImportBatch
from apps.jobs.models import Job
from apps.jobs.services import job_run

CUSTOMER_HEADERS_EN = ["customer number", "name", "region", "account manager", "level"]


def csv_bytes(headers, rows, *, encoding="utf-8-sig") -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(headers)
    writer.writerows(rows)
    return text.getvalue().encode(encoding)


def xlsx_bytes(headers, rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def upload(content: bytes, name="data.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def run_jobs() -> list[Job]:
    """Run every queued job now, in this thread (as the worker would, one by one)."""
    ran = []
    while job := Job.objects.filter(status=Job.Status.QUEUED).order_by("created_at").first():
        ran.append(job_run(job_id=job.pk))
    return ran


def check(user, kind, content: bytes, name="data.csv") -> ImportBatch:
    """Upload a file and run its dry run; the batch as the check left it."""
    batch = services.import_batch_create(
        actor=user, kind=kind, upload=upload(content, name), language="en"
    )
    run_jobs()
    batch.refresh_from_db()
    return batch


def apply(user, batch, *, skip_invalid=False) -> ImportBatch:
    services.import_batch_apply_request(actor=user, batch_id=batch.pk, skip_invalid=skip_invalid)
    run_jobs()
    batch.refresh_from_db()
    return batch


def undo(user, batch) -> ImportBatch:
    services.import_batch_undo_request(actor=user, batch_id=batch.pk)
    run_jobs()
    batch.refresh_from_db()
    return batch


def headers(kind: str, language="en") -> list[str]:
    return KINDS[kind].headers(language)


def batch_factory():
    """An import of someone's file, as stored rows (the file itself is not on disk)."""
    import factory
    from factory.django import DjangoModelFactory

    from tests.factories import UserFactory

    class ImportBatchFactory(DjangoModelFactory):
        class Meta:
            model = ImportBatch

        kind = "customers"
        status = ImportBatch.Status.CHECKED
        file = "imports/missing/source.csv"
        original_name = factory.Sequence(lambda n: f"file{n}.csv")
        file_format = "csv"
        created_by = factory.SubFactory(UserFactory, role="sales_manager")
        rows_total = rows_new = 3

    return ImportBatchFactory
