"""
Several COUNTs in one round trip: `count_all([queryset, …])` -> [int, …] in the same order; and
the numbers of the page frame (menu badges, the bell), counted so once per request.
"""

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

from crm import hooks


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
        # The compiled SQL of a queryset, its parameters passed separately.
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS crm_count_{index})")  # nosec B608  # noqa: S608
        params.extend(query_params)
        places.append(index)
    if parts:
        with connections["default"].cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(parts)}", params)
            row = cursor.fetchone()
        for index, value in zip(places, row, strict=True):
            counts[index] = value
    return counts


def pks_of_all(querysets: dict) -> dict:
    """{key: set of pks} of each queryset in `querysets` ({key: QuerySet}), in one query
    (`SELECT 0, pk FROM (q0) UNION ALL SELECT 1, pk FROM (q1) …`)."""
    found: dict = {key: set() for key in querysets}
    parts, params, keys = [], [], []
    for key, queryset in querysets.items():
        try:
            sql, query_params = (
                queryset.order_by().values("pk").query.get_compiler(using=queryset.db).as_sql()
            )
        except EmptyResultSet:
            continue
        index = len(keys)
        parts.append(f"SELECT {index}, crm_q{index}.pk FROM ({sql}) AS crm_q{index}")  # noqa: S608  # nosec B608
        params.extend(query_params)
        keys.append(key)
    if parts:
        with connections[next(iter(querysets.values())).db].cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            for index, pk in cursor.fetchall():
                found[keys[index]].add(pk)
    return found


def page_counts(request) -> dict:
    """
    The numbers every page of a signed-in user shows, counted once per request in one query:
    {"menu.badge" key (a right code): n} and {"frame.count" key (a template variable): n}. Each
    hook decides what the user may count (an empty queryset for a page he cannot open).
    """
    counts = getattr(request, "_crm_page_counts", None)
    if counts is None:
        user = request.user
        values = {
            key: count(user)
            for point in ("menu.badge", "frame.count")
            for key, count in hooks.registry(point).items()
        }
        querysets = {key: v for key, v in values.items() if isinstance(v, QuerySet)}
        counted = dict(zip(querysets, count_all(querysets.values()), strict=True))
        counts = {key: counted.get(key, value) for key, value in values.items()}
        request._crm_page_counts = counts
    return counts
