"""
Running one import: the kind's resource over the parsed file, as a dry run or for real, with
progress on the job and the bad rows described for the user (row, column, value, message).
"""

import logging
import queue
import threading
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS
from django.db import connections
from django.utils.translation import gettext as _

from apps.imports.catalog import KINDS
from apps.imports.files import Parsed
from apps.imports.records import Record

logger = logging.getLogger(__name__)


@dataclass
class Problem:
    row: int | None  # the file's row (header = 1); None for the whole file
    column: str  # a column key of the resource, "" for the whole row
    value: str
    message: str


@dataclass
class Outcome:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    invalid: int = 0
    rolled_back: bool = False
    problems: list[Problem] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)


class ProgressReporter:
    """
    Writes a job's progress from a thread of its own: that thread's database connection
    commits at once, while the import's own transaction stays open until the end (progress
    written inside it would only appear when everything is done).
    """

    def __init__(self, context, total: int):
        self.context, self.total = context, total
        self.queue: queue.Queue = queue.Queue()
        self.thread = threading.Thread(target=self._work, name="import-progress", daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.queue.put(None)
        self.thread.join(timeout=30)

    def __call__(self, done: int) -> None:
        self.queue.put(done)

    def _work(self) -> None:
        try:
            while (done := self.queue.get()) is not None:
                try:
                    self.context.progress(done, self.total)
                except Exception:  # progress is a courtesy: never let it stop the import
                    logger.warning("could not record import progress", exc_info=True)
        finally:
            connections.close_all()  # this thread's connections only


def run(*, batch, parsed: Parsed, dry_run: bool, all_or_nothing: bool, progress=None) -> Outcome:
    """Import (or check) the file of `batch` as its uploader; nothing stays if rolled back."""
    kind = KINDS[batch.kind]
    resource = kind.resource(
        user=batch.created_by, line_numbers=parsed.line_numbers, on_progress=progress
    )
    result = resource.import_data(
        parsed.dataset,
        dry_run=dry_run,
        use_transactions=True,
        rollback_on_validation_errors=all_or_nothing,
    )
    totals = result.totals
    outcome = Outcome(
        new=totals["new"],
        updated=totals["update"],
        unchanged=totals["skip"],
        invalid=totals["invalid"] + totals["error"],
        problems=problems_of(result, resource, parsed),
    )
    outcome.rolled_back = (
        dry_run or result.has_errors() or (all_or_nothing and result.has_validation_errors())
    )
    if not outcome.rolled_back:
        outcome.records = resource.records
    return outcome


def problems_of(result, resource, parsed: Parsed) -> list[Problem]:
    """Every invalid row's messages by column, and the errors no row explains."""
    headers = list(parsed.dataset.headers)
    problems = []
    for invalid in result.invalid_rows:
        values = parsed.dataset[invalid.number - 1]
        by_column = sorted(
            (
                (column_of(resource, name), messages)
                for name, messages in invalid.error_dict.items()
            ),
            key=lambda item: _position(headers, item[0]),
        )
        for column, messages in by_column:
            value = values[headers.index(column)] if column in headers else ""
            for message in messages:
                problems.append(
                    Problem(
                        parsed.line_numbers[invalid.number - 1],
                        column,
                        _cell_text(value),
                        str(message),
                    )
                )
    for error_row in result.error_rows:
        for error in error_row.errors:
            logger.error("import row %s failed", error_row.number, exc_info=error.error)
        problems.append(
            Problem(
                parsed.line_numbers[error_row.number - 1],
                "",
                "",
                _("This row could not be imported because of an unexpected error."),
            )
        )
    for error in result.base_errors:
        logger.error("import failed", exc_info=error.error)
        problems.append(
            Problem(
                None,
                "",
                "",
                _(
                    "The database refused a group of rows (for example a number someone else "
                    "created meanwhile). Nothing was imported; check the file again."
                ),
            )
        )
    return problems


def column_of(resource, name: str) -> str:
    """The column key of a model field named in a ValidationError ("" for the whole row)."""
    if name == NON_FIELD_ERRORS:
        return ""
    if name in resource.fields:
        return name
    model = resource._meta.model
    for key, column in resource.fields.items():
        attribute = column.attribute or ""
        if attribute == name:
            return key
        if attribute and "__" not in attribute and model._meta.get_field(attribute).attname == name:
            return key
    return ""


def _position(headers: list[str], column: str) -> int:
    """File order; a message about the whole row comes first."""
    return headers.index(column) + 1 if column in headers else 0


def _cell_text(value) -> str:
    return str(value if value is not None else "")[:200]
