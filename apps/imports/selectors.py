"""Reads of imports: the history in the user's scope, a batch's problems, what blocks an undo."""

from collections import defaultdict
from dataclasses import dataclass

from django.apps import apps
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from apps.imports.models import ImportBatch, ImportRecord, ImportRowError
from apps.imports.records import fingerprint
from apps.rbac.policies import import_batch_policy
from crm import hooks
from crm.locking import parents_first

CHUNK = 5000


def import_batch_list(*, user, action: str = "view") -> QuerySet[ImportBatch]:
    """The imports `user` may see: his own, or everyone's with view_all_importbatch."""
    return import_batch_policy.scope(
        user, action, ImportBatch.objects.select_related("created_by", "job")
    )


def import_batch_get(*, user, pk: int, action: str = "view") -> ImportBatch:
    """One import within the user's scope for `action`; 404 otherwise."""
    return get_object_or_404(import_batch_list(user=user, action=action), pk=pk)


def import_row_errors(*, batch: ImportBatch) -> QuerySet[ImportRowError]:
    return batch.row_errors.order_by("row", "pk")


@dataclass
class Blocker:
    row: int
    record: str
    reason: str


def import_batch_undo_blockers(*, batch: ImportBatch, lock: bool = False) -> list[Blocker]:
    """
    The rows that forbid undoing `batch`: rows it wrote whose values changed since (their
    fingerprint), rows it updated that are gone, and rows it created that other rows now
    refer to. With `lock`, the rows stay locked until commit.
    """
    created = _created_ids(batch)
    blockers = []
    labels = batch.records.values_list("model", flat=True).distinct()
    for model in parents_first([apps.get_model(label) for label in labels]):  # lock order
        records = batch.records.filter(model=model._meta.label_lower).order_by("pk")
        last = 0
        while chunk := list(records.filter(pk__gt=last)[:CHUNK]):
            last = chunk[-1].pk
            blockers += _changed(model, chunk, lock)
            blockers += _referenced(model, [r for r in chunk if r.action == "c"], created)
    return sorted(blockers, key=lambda b: b.row)


def _created_ids(batch: ImportBatch) -> dict[str, set[int]]:
    created = defaultdict(set)
    for label, pk in batch.records.filter(action=ImportRecord.Action.CREATED).values_list(
        "model", "object_id"
    ):
        created[label].add(pk)
    return created


def _changed(model, records: list[ImportRecord], lock: bool) -> list[Blocker]:
    rows = model._base_manager.filter(pk__in=[r.object_id for r in records])
    if lock:
        rows = rows.select_for_update()
    current = {obj.pk: obj for obj in rows}
    found = []
    for record in records:
        obj = current.get(record.object_id)
        if obj is None:
            if record.action == ImportRecord.Action.UPDATED:
                found.append(
                    Blocker(
                        record.row,
                        f"{model._meta.verbose_name} #{record.object_id}",
                        _("It was deleted since the import."),
                    )
                )
            continue
        if fingerprint(obj) != record.fingerprint:
            found.append(
                Blocker(
                    record.row,
                    f"{model._meta.verbose_name} {obj}",
                    _("It was changed after the import."),
                )
            )
    return found


def _referenced(model, records: list[ImportRecord], created) -> list[Blocker]:
    """Created rows that rows from elsewhere now point to (a deletion would take them too)."""
    if not records:
        return []
    ids = {r.object_id: r for r in records}
    found = {}
    for relation in model._meta.related_objects:
        if not (relation.one_to_many or relation.one_to_one) or relation.related_model is None:
            continue
        related = relation.related_model
        ours = created.get(related._meta.label_lower, set())
        pairs = related._base_manager.filter(**{f"{relation.field.name}__in": list(ids)})
        for pk, target in pairs.values_list("pk", relation.field.attname):
            if pk not in ours and target not in found:
                found[target] = Blocker(
                    ids[target].row,
                    f"{model._meta.verbose_name} #{target}",
                    _("Other records now refer to it: %(what)s.")
                    % {"what": related._meta.verbose_name_plural},
                )
    # Rows used without a foreign key (a dictionary value stored in a business row): the hook
    # "imports.in_use", filled by the app that owns the model.
    if checks := hooks.values("imports.in_use", model._meta.label_lower):
        for obj in model._base_manager.filter(pk__in=list(ids)):
            if obj.pk not in found and any(is_used(obj) for is_used in checks):
                found[obj.pk] = Blocker(
                    ids[obj.pk].row, f"{obj}", _("Business records use this value now.")
                )
    return list(found.values())
