"""
Undo of an applied import: the rows it created are deleted and the rows it updated get their
previous values back, all at once and only if none of them changed since (else nothing moves
and the import page lists the rows in the way).
"""

from collections import defaultdict

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg import sql

from apps.imports.bulk import copy_update
from apps.imports.models import ImportBatch, ImportRecord
from apps.imports.selectors import Blocker, import_batch_undo_blockers
from apps.jobs.services import job_create
from apps.rbac.policies import import_batch_policy
from apps.rbac.services import audit_event_create
from crm.exceptions import DomainError
from crm.locking import locked, parents_first
from crm.workflow import transition

UNDO_JOB = "imports.undo"
CHUNK = 5000
BLOCKERS_KEPT = 100
CHECKED_AT_ONCE = 2000  # a smaller import is checked in the request: the answer comes at once
S = ImportBatch.Status


class UndoBlocked(DomainError):
    """Rows of the import changed since; `blockers` lists them."""

    def __init__(self, blockers: list[Blocker]):
        self.blockers = blockers
        super().__init__(
            _(
                "The import cannot be undone: %(count)s of its rows changed since "
                "or are used by other records."
            )
            % {"count": len(blockers)}
        )


@transaction.atomic
def import_batch_undo_request(*, actor, batch_id: int) -> ImportBatch:
    """
    Queue the undo of an applied import (its owner's, or anyone's with undo_all). A small
    import is checked at once and refused with the rows in the way; a big one by the job.
    """
    batch = locked(ImportBatch, pk=batch_id)
    import_batch_policy.require(actor, "undo", batch)
    transition(batch, to=S.UNDOING)
    if batch.records.count() <= CHECKED_AT_ONCE and (
        blockers := import_batch_undo_blockers(batch=batch)
    ):
        raise UndoBlocked(blockers)
    batch.undo_blockers = []
    batch.job = job_create(
        kind=UNDO_JOB, actor=actor, params={"batch": batch.pk, "language": batch.language}
    )
    batch.save(update_fields=["status", "undo_blockers", "job", "updated_at"])
    return batch


def import_batch_undo(context) -> dict:
    """The job imports.undo: re-checks under lock, then deletes and restores; audited."""
    counts, blockers = _undo(context.params["batch"], actor_id=context.job.created_by_id)
    if blockers:
        _blocked(context.params["batch"], blockers)
        raise UndoBlocked(blockers)
    return {"batch": context.params["batch"], **counts}


@transaction.atomic
def _undo(batch_id: int, *, actor_id) -> tuple[dict, list[Blocker]]:
    batch = locked(ImportBatch, pk=batch_id)
    if batch.status != S.UNDOING:
        return {"skipped": True}, []
    blockers = import_batch_undo_blockers(batch=batch, lock=True)
    if blockers:
        return {}, blockers  # rolled back: the rows are unlocked, _blocked() tells the user
    counts = {"deleted": _delete_created(batch), "restored": _restore_updated(batch)}
    old = transition(batch, to=S.UNDONE)
    batch.undone_at = timezone.now()
    batch.save(update_fields=["status", "undone_at", "updated_at"])
    actor = apps.get_model("rbac", "User").objects.filter(pk=actor_id).first()
    audit_event_create(
        actor=actor,
        target=batch,
        action="imports.batch.undo",
        from_status=old,
        to_status=batch.status,
        data={"kind": batch.kind, "file": batch.original_name, **counts},
    )
    return counts, []


@transaction.atomic
def _blocked(batch_id: int, blockers: list[Blocker]) -> None:
    """Back to applied, with the first rows in the way kept for the import page."""
    batch = locked(ImportBatch, pk=batch_id)
    transition(batch, to=S.APPLIED)
    batch.undo_blockers = [
        {"row": b.row, "record": b.record, "reason": b.reason} for b in blockers[:BLOCKERS_KEPT]
    ]
    batch.save(update_fields=["status", "undo_blockers", "updated_at"])


def _by_model(batch: ImportBatch, action: str) -> dict[str, list]:
    grouped = defaultdict(list)
    records = batch.records.filter(action=action).order_by("pk")
    for label, object_id, previous in records.values_list("model", "object_id", "previous"):
        grouped[label].append((object_id, previous))
    return grouped


def _delete_created(batch: ImportBatch) -> int:
    """
    Children first (an order's lines before the order). The rows are locked and nothing
    refers to them (the blockers said so), so one DELETE per chunk does; the database's
    foreign keys would refuse anything that slipped through, and the undo with it.
    """
    grouped = _by_model(batch, ImportRecord.Action.CREATED)
    children_first = reversed(parents_first([apps.get_model(label) for label in grouped]))
    with connection.cursor() as cursor:
        for model in children_first:
            meta = model._meta
            delete = sql.SQL("DELETE FROM {} WHERE {} = ANY(%s)").format(
                sql.Identifier(meta.db_table), sql.Identifier(meta.pk.column)
            )
            ids = [object_id for object_id, _previous in grouped[meta.label_lower]]
            for start in range(0, len(ids), CHUNK):
                cursor.execute(delete, [ids[start : start + CHUNK]])
    return sum(len(rows) for rows in grouped.values())


def _restore_updated(batch: ImportBatch) -> int:
    restored = 0
    for label, rows in _by_model(batch, ImportRecord.Action.UPDATED).items():
        model = apps.get_model(label)
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            objs = model._base_manager.in_bulk([object_id for object_id, _p in chunk])
            names = set()
            for object_id, previous in chunk:
                obj = objs[object_id]
                for attname, value in previous.items():
                    field = model._meta.get_field(attname)
                    setattr(obj, field.attname, field.to_python(value))
                    names.add(field.name)
            if any(f.name == "updated_at" for f in model._meta.concrete_fields):
                names.add("updated_at")  # set to now by the update (auto_now)
            copy_update(model, list(objs.values()), sorted(names))
            restored += len(chunk)
    return restored
