"""
"Contains" searches that the indexes can serve at a million rows (issue 8).

Django's `icontains` compares UPPER(column::text) LIKE UPPER('%…%'); the GIN trigram indexes
(pg_trgm, on UPPER(column::text)) serve it from three characters on. A two-character search,
common in Chinese ("科技"), has no trigram: the trigram index then reads every one of its
entries, as slow as reading the table. It is answered by a GIN index on the column's bigrams
instead (crm_bigrams(), apps/customers/migrations/0008), which says exactly the same thing for
two characters. The columns searched this way have both indexes: the customer's name and
number (customers 0007-0009), and the chance's customer name, summary and linkman (marketing
0004, 0006).
"""

import operator
from collections.abc import Sequence
from functools import reduce

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.lookups import DataContains
from django.db import connection
from django.db.models import F, Func, Q, TextField, Value
from django.db.models.functions import Cast, StrIndex, Upper
from django.db.models.lookups import GreaterThan


class Bigrams(Func):
    """crm_bigrams(UPPER(column::text)): the indexed expression (PostgreSQL only)."""

    function = "crm_bigrams"
    output_field = ArrayField(TextField())

    def __init__(self, field: str):
        super().__init__(_upper(field))


class OneElementArray(Func):
    template = "ARRAY[%(expressions)s]"
    output_field = ArrayField(TextField())


def contains(fields: str | Sequence[str], value: str, *, also: Q | None = None) -> Q:
    """
    Rows where one of `fields` contains `value`, ignoring case (or that match `also`), in the
    form that the fields' trigram and bigram indexes serve. Only for the columns that have both
    (see the module docstring).

    For two characters the condition is said twice: as the bigrams, which the index answers,
    and as the position of `value` in the column (STRPOS), which PostgreSQL checks on a row far
    faster than it computes the row's bigrams (a plpgsql call). Both say "contains", so the
    rows are the same; but where the planner walks another index (a list's sort order) and
    checks each row it meets, it tests the cheaper clause first and skips crm_bigrams() on the
    rows that fail. (Not a second LIKE: the planner would multiply the two estimates of one
    fact and expect a few rows where a thousand match.)
    """
    fields = [fields] if isinstance(fields, str) else list(fields)
    if len(value) != 2 or connection.vendor != "postgresql":
        scan = _any(Q(**{f"{field}__icontains": value}) for field in fields)
        return scan | also if also is not None else scan
    pair, text = OneElementArray(Upper(Value(value))), Upper(Value(value))
    index = _any(Q(DataContains(Bigrams(field), pair)) for field in fields)
    scan = _any(Q(GreaterThan(StrIndex(_upper(field), text), 0)) for field in fields)
    if also is not None:
        # (index OR also) AND (scan OR also), never (index AND scan) OR also: PostgreSQL
        # reorders only the top-level clauses, so the bigrams would be computed on every row.
        index, scan = index | also, scan | also
    return index & scan


def _upper(field: str) -> Upper:
    return Upper(Cast(F(field), TextField()))


def _any(conditions) -> Q:
    return reduce(operator.or_, conditions)


def customer_name_contains(value: str, *, path: str = "", also: Q | None = None) -> Q:
    """Customers (or rows through `path`, e.g. "customer__") whose name contains `value`."""
    return contains(f"{path}name", value, also=also)


def customer_name_or_number_contains(value: str) -> Q:
    """Customers whose name or number contains `value` (the service form's customer picker)."""
    return contains(["name", "number"], value)


def customer_number_contains(value: str) -> Q:
    """Customers whose number contains `value`."""
    return contains("number", value)
