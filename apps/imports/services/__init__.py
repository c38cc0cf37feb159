"""Writes of imports: upload, dry run, apply, undo, and the exports that run as jobs."""

from apps.imports.services.batches import (
    APPLY_JOB,
    CHECK_JOB,
    import_batch_apply,
    import_batch_apply_request,
    import_batch_check,
    import_batch_create,
)
from apps.imports.services.exports import (
    KIND_EXPORT_JOB,
    LIST_EXPORT_JOB,
    kind_export_job,
    kind_export_request,
    kind_rows,
    list_export_job,
    list_export_request,
)
from apps.imports.services.undo import (
    UNDO_JOB,
    UndoBlocked,
    import_batch_undo,
    import_batch_undo_request,
)

__all__ = [
    "APPLY_JOB",
    "CHECK_JOB",
    "KIND_EXPORT_JOB",
    "LIST_EXPORT_JOB",
    "UNDO_JOB",
    "UndoBlocked",
    "import_batch_apply",
    "import_batch_apply_request",
    "import_batch_check",
    "import_batch_create",
    "import_batch_undo",
    "import_batch_undo_request",
    "kind_export_job",
    "kind_export_request",
    "kind_rows",
    "list_export_job",
    "list_export_request",
]
