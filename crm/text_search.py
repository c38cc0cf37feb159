"""
"Contains" searches that the indexes can serve at a million rows (issue 8).

Django's `icontains` compares UPPER(column::text) LIKE UPPER('%…%'); the GIN trigram indexes
(pg_trgm, on UPPER(column::text)) serve it from three characters on. A two-character search,
common in Chinese ("科技"), has no trigram: for the customer name it is answered by a GIN index
on the name's bigrams instead (crm_bigrams(), apps/customers/migrations/0008), which says
exactly the same thing for two characters.
"""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.lookups import DataContains
from django.db import connection
from django.db.models import F, Func, Q, TextField, Value
from django.db.models.functions import Cast, Upper


class Bigrams(Func):
    """crm_bigrams(UPPER(column::text)): the indexed expression (PostgreSQL only)."""

    function = "crm_bigrams"
    output_field = ArrayField(TextField())

    def __init__(self, field: str):
        super().__init__(Upper(Cast(F(field), TextField())))


class OneElementArray(Func):
    template = "ARRAY[%(expressions)s]"
    output_field = ArrayField(TextField())


def customer_name_contains(value: str, *, path: str = "") -> Q:
    """Customers (or rows through `path`, e.g. "customer__") whose name contains `value`."""
    field = f"{path}name"
    if len(value) == 2 and connection.vendor == "postgresql":
        return Q(DataContains(Bigrams(field), OneElementArray(Upper(Value(value)))))
    return Q(**{f"{field}__icontains": value})
