"""
Files the imports write: the templates, the error workbook, and exports streamed to disk, all
with crm.exports' writers (the ones list downloads use). Every cell goes through
crm.exports.safe_cell, so a value from an uploaded file that looks like a formula (=, +, -, @,
tab, CR, NUL) stays text in CSV and XLSX.
"""

import io

from crm.exports import FORMATS, write_csv, write_xlsx

CONTENT_TYPES = FORMATS
XLSX_MAX_ROWS = 1_048_575  # a sheet's limit, less the header row
TEMPLATE_COLUMN_WIDTH = 18


def write(stream, fmt: str, headers, rows, *, title: str = "") -> int:
    if fmt == "xlsx":
        return write_xlsx(stream, headers, rows, title=title)
    return write_csv(stream, headers, rows)


def template_bytes(fmt: str, headers: list[str]) -> bytes:
    """An empty file with the header row: the columns an import reads."""
    stream = io.BytesIO()
    if fmt == "xlsx":
        widths = [TEMPLATE_COLUMN_WIDTH] * len(headers)
        write_xlsx(stream, headers, [], title="Sheet", widths=widths)
    else:
        write_csv(stream, headers, [])
    return stream.getvalue()
