"""
CSV and XLSX files of list pages and imports: one way of reading a list's rows (`Column`,
`export_rows`: the columns a file needs in one query, no model instances) and one way of
writing them (`write_csv`, `write_xlsx`), in the request (`export_response`, also used by the
reports' small tables) or in a background job. Every text cell that a spreadsheet would run
as a formula is neutralised (OWASP ASVS 1.2.10; tablib's and openpyxl's own escaping only
strip a leading "=").
"""

import csv
import datetime
import decimal
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from django.db.models import F, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import HttpResponse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from crm.downloads import attachment_header
from crm.exceptions import DomainError

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\0")
XLSX_MAX_ROWS = 1_048_575  # a sheet's limit, less the header row


@dataclass(frozen=True)
class Column:
    """
    One column of an export: its header, the values it reads (field paths or expressions of
    the list's queryset, fetched with values_list), and either `choices` (the stored value's
    label, as get_FOO_display() gives it) or `format`, a function of those values giving the
    cell. Without either, the single value is the cell.
    """

    header: Any
    fields: tuple
    format: Callable | None = None
    choices: Any = None

    def cell(self, start: int) -> Callable:
        """The function of a fetched tuple giving this column's cell, its values from `start`;
        choice labels are translated here, once per export, in the active language."""
        end = start + len(self.fields)
        if self.choices is not None:
            labels = {value: str(label) for value, label in self.choices.choices}
            return lambda values: labels.get(values[start], values[start])
        if self.format is None:
            return itemgetter(start)
        fmt = self.format
        return lambda values: fmt(*values[start:end])


def column(header, *fields, format: Callable | None = None, choices=None) -> Column:
    return Column(header, fields, format, choices)


def user_name(path: str):
    """A user's display name (full name, else username; NULL without a user) in SQL."""
    return Coalesce(NullIf(F(f"{path}__full_name"), Value("")), F(f"{path}__username"))


def export_rows(queryset, columns: list[Column]):
    """(values_list of what `columns` read, the function turning one of its tuples into the
    row of cells): no model instances, and only the columns the file needs."""
    fields, cells = [], []
    for col in columns:
        cells.append(col.cell(len(fields)))
        fields.extend(col.fields)
    fetched = queryset.values_list(*fields)
    if all(col.format is None and col.choices is None for col in columns):
        return fetched, list
    return fetched, lambda values: [cell(values) for cell in cells]


def safe_cell(value):
    """A value fit for a spreadsheet cell: numbers stay numbers, formulas become text."""
    kind = type(value)
    if kind is str:
        return "'" + value if value.startswith(FORMULA_PREFIXES) else value
    if kind is int or kind is float or value is None:
        return "" if value is None else value
    if isinstance(value, bool | int | float | decimal.Decimal):
        return value
    if isinstance(value, datetime.datetime):
        # Spreadsheets have no time zones: write the local wall-clock time.
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, datetime.date):
        return value
    text = force_str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def write_csv(stream, headers, rows: Iterable) -> int:
    """UTF-8 with a byte order mark, which Excel needs to read Chinese; returns the row count."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow([safe_cell(force_str(h)) for h in headers])
    count = 0
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
        count += 1
    text.flush()
    text.detach()
    return count


def write_xlsx(stream, headers, rows: Iterable, *, title: str = "", widths=None) -> int:
    """
    A streamed workbook (memory stays flat whatever the size): bold headers, frozen below
    them, wrapped cells where a value has a line break; `widths` per column if given.
    Returns the row count.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(title or "Sheet1")[:31])
    sheet.freeze_panes = "A2"
    for number, width in enumerate(widths or [], start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    bold, wrap = Font(bold=True), Alignment(wrap_text=True)
    sheet.append([_styled(sheet, safe_cell(force_str(h)), font=bold) for h in headers])
    count = 0
    for row in rows:
        cells = [safe_cell(value) for value in row]
        if any(type(cell) is str and "\n" in cell for cell in cells):
            cells = [_styled(sheet, c, alignment=wrap) if "\n" in str(c) else c for c in cells]
        sheet.append(cells)
        count += 1
    workbook.save(stream)
    return count


def _styled(sheet, value, **style) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def column_widths(headers, rows: list) -> list[int]:
    """Each column as wide as its longest text (header included), as spreadsheets fit them."""
    widths = [len(force_str(h)) for h in headers]
    for row in rows:
        for number, value in enumerate(row):
            width = len(str(safe_cell(value)))
            if width > widths[number]:
                widths[number] = width
    return widths


def ensure_fits(fmt: str, rows: int) -> None:
    """Refuse, before writing anything, an XLSX file of more rows than a sheet holds."""
    if fmt == "xlsx" and rows > XLSX_MAX_ROWS:
        raise DomainError(
            _("%(rows)s rows do not fit in one Excel sheet: choose CSV or narrow the filter.")
            % {"rows": rows}
        )


def write(stream, fmt: str, headers, rows: Iterable, *, title: str = "") -> int:
    """`rows` as CSV or XLSX into `stream` (background jobs stream them); the row count."""
    if fmt == "xlsx":
        return write_xlsx(stream, headers, rows, title=title)
    return write_csv(stream, headers, rows)


def export_response(*, headers, rows, fmt: str, filename: str) -> HttpResponse:
    """A download of `rows` (sequences in the order of `headers`) as CSV or XLSX."""
    stream = io.BytesIO()
    if fmt == "csv":
        write_csv(stream, headers, rows)
    else:
        rows = list(rows)
        widths = column_widths(headers, rows)
        write_xlsx(stream, headers, rows, title=filename, widths=widths)
    response = HttpResponse(stream.getvalue(), content_type=FORMATS[fmt])
    response["Content-Disposition"] = attachment_header(f"{filename}.{fmt}")
    return response
