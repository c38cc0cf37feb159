"""
Files the imports write: the templates, the error workbook, and exports streamed to disk. Every
cell goes through crm.exports.safe_cell, so a value from an uploaded file that looks like a
formula (=, +, -, @, tab, CR, NUL) stays text in CSV and XLSX.
"""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from crm.exports import safe_cell

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
XLSX_MAX_ROWS = 1_048_575  # a sheet's limit, less the header row


def write_csv(stream, headers, rows) -> int:
    """UTF-8 with a byte order mark, which Excel needs to read Chinese; returns the row count."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow([safe_cell(h) for h in headers])
    count = 0
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
        count += 1
    text.flush()
    text.detach()
    return count


def write_xlsx(stream, headers, rows, *, title: str = "") -> int:
    """A streamed workbook (memory stays flat whatever the size); returns the row count."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(title or "Sheet1")[:31])
    sheet.append([safe_cell(h) for h in headers])
    count = 0
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
        count += 1
    workbook.save(stream)
    return count


def write(stream, fmt: str, headers, rows, *, title: str = "") -> int:
    if fmt == "xlsx":
        return write_xlsx(stream, headers, rows, title=title)
    return write_csv(stream, headers, rows)


def template_bytes(fmt: str, headers: list[str]) -> bytes:
    """An empty file with the header row: the columns an import reads."""
    stream = io.BytesIO()
    if fmt == "xlsx":
        workbook = Workbook()
        sheet = workbook.active
        sheet.append([safe_cell(h) for h in headers])
        for column, _header in enumerate(headers, start=1):
            sheet.cell(row=1, column=column).font = Font(bold=True)
            sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = 18
        sheet.freeze_panes = "A2"
        workbook.save(stream)
    else:
        write_csv(stream, headers, [])
    return stream.getvalue()
