"""
CSV and XLSX downloads of list pages. Every text cell that a spreadsheet would run as a formula
is neutralised (OWASP ASVS 1.2.10; tablib's own escaping only strips a leading "=").
"""

import datetime
import decimal

import tablib
from django.http import HttpResponse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import content_disposition_header

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\0")


def safe_cell(value):
    """A value fit for a spreadsheet cell: numbers stay numbers, formulas become text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | decimal.Decimal):
        return value
    if isinstance(value, datetime.datetime):
        # Spreadsheets have no time zones: write the local wall-clock time.
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, datetime.date):
        return value
    text = force_str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def export_response(*, headers, rows, fmt: str, filename: str) -> HttpResponse:
    """A download of `rows` (sequences in the order of `headers`) as CSV or XLSX."""
    dataset = tablib.Dataset(headers=[force_str(h) for h in headers])
    for row in rows:
        dataset.append([safe_cell(value) for value in row])
    if fmt == "csv":
        # The byte order mark makes Excel (common in China) read the file as UTF-8.
        content: bytes | str = "\ufeff" + dataset.export("csv")
    else:
        content = dataset.export("xlsx")
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = content_disposition_header(True, f"{filename}.{fmt}")
    return response
