"""
Load the reference data of fixtures/reference/ idempotently.

Rows are matched on their natural keys: DictItem (type, value), Product (name, model, batch)
and Storage (product, warehouse, ware). Missing rows are inserted and rows whose values
differ are updated, so a second load writes nothing. Editable dictionary entries (service
types, regions) are the system admin's to rename, so an existing one is never overwritten.
"""

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction

from apps.basedata.models import DictItem, Product, Storage

REFERENCE_DIR = Path(settings.BASE_DIR) / "fixtures" / "reference"


@dataclass
class UpsertCount:
    """How many rows of one model a load inserted and updated."""

    created: int = 0
    updated: int = 0

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated"


@dataclass
class ReferenceResult:
    dictionary: UpsertCount = field(default_factory=UpsertCount)
    products: UpsertCount = field(default_factory=UpsertCount)
    stock: UpsertCount = field(default_factory=UpsertCount)


def _read(name: str):
    return json.loads((REFERENCE_DIR / name).read_text(encoding="utf-8"))


def _upsert(
    model,
    *,
    rows: dict[tuple, dict],
    existing: dict[tuple, object],
    keep_existing: frozenset = frozenset(),
) -> UpsertCount:
    """Insert the rows whose key is absent and update those whose values changed.

    `rows` maps a natural key to the full field values of the row; `existing` maps the same
    keys to the rows already stored. Keys in `keep_existing` are only inserted, never updated.
    """
    count = UpsertCount()
    missing = [model(**values) for key, values in rows.items() if key not in existing]
    model.objects.bulk_create(missing)
    count.created = len(missing)
    for key, values in rows.items():
        obj = existing.get(key)
        if obj is None or key in keep_existing:
            continue
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.save(update_fields=[*changed, "updated_at"])
            count.updated += 1
    return count


def _load_dictionary() -> UpsertCount:
    rows, editable = {}, set()
    for group in _read("dictionary.json"):
        for order, entry in enumerate(group["items"], start=1):
            key = (group["type"], entry["value"])
            rows[key] = {
                "type": group["type"],
                "value": entry["value"],
                "item": entry["item"],
                "item_en": entry["item_en"],
                "is_editable": group["editable"],
                "sort_order": order,
            }
            if group["editable"]:
                editable.add(key)
    stored = DictItem.objects.filter(type__in={key[0] for key in rows})
    existing = {(d.type, d.value): d for d in stored}
    return _upsert(DictItem, rows=rows, existing=existing, keep_existing=frozenset(editable))


def _product_key(entry: dict) -> tuple[str, str, str]:
    return entry["name"], entry["model"], entry["batch"]


def _load_products(data: list[dict]) -> UpsertCount:
    rows = {
        _product_key(p): {
            "name": p["name"],
            "model": p["model"],
            "batch": p["batch"],
            "unit": p["unit"],
            "price": Decimal(p["price"]),
            "memo": p["memo"],
        }
        for p in data
    }
    existing = {(p.name, p.model, p.batch): p for p in Product.objects.all()}
    return _upsert(Product, rows=rows, existing=existing)


def _load_stock(data: list[dict]) -> UpsertCount:
    product_ids = {(p.name, p.model, p.batch): p.pk for p in Product.objects.all()}
    rows = {}
    for p in data:
        product_id = product_ids[_product_key(p)]
        for s in p["stock"]:
            rows[(product_id, s["warehouse"], s["ware"])] = {
                "product_id": product_id,
                "warehouse": s["warehouse"],
                "ware": s["ware"],
                "count": s["count"],
                "memo": s["memo"],
            }
    existing = {(s.product_id, s.warehouse, s.ware): s for s in Storage.objects.all()}
    return _upsert(Storage, rows=rows, existing=existing)


@transaction.atomic
def reference_data_load() -> ReferenceResult:
    """Upsert the SPEC §6 dictionary, the products and their stock; a second run writes nothing."""
    products = _read("products.json")
    return ReferenceResult(
        dictionary=_load_dictionary(),
        products=_load_products(products),
        stock=_load_stock(products),
    )
