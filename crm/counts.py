"""Several COUNTs in one round trip: `count_all([queryset, …])` -> [int, …] in the same order."""

from django.core.exceptions import EmptyResultSet
from django.db import connections


def count_all(querysets) -> list[int]:
    """
    The number of rows of each queryset, read in one query: `SELECT (SELECT count(*) FROM
    (q1) …), (SELECT count(*) FROM (q2) …)`. An empty queryset (`.none()`) counts 0 without
    SQL; querysets of other databases are counted one by one.
    """
    querysets = list(querysets)
    counts: list[int | None] = [None] * len(querysets)
    parts, params, places = [], [], []
    for index, queryset in enumerate(querysets):
        if queryset.db != "default":
            counts[index] = queryset.count()
            continue
        query = queryset.order_by().values("pk").query
        try:
            sql, query_params = query.get_compiler(using=queryset.db).as_sql()
        except EmptyResultSet:
            counts[index] = 0
            continue
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS crm_count_{index})")  # noqa: S608
        params.extend(query_params)
        places.append(index)
    if parts:
        with connections["default"].cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(parts)}", params)
            row = cursor.fetchone()
        for index, value in zip(places, row, strict=True):
            counts[index] = value
    return counts
