"""
The import templates: an empty file with the header row, written by crm.exports' writers (the
ones list downloads and export jobs use), so a header that looks like a formula stays text.
"""

import io

from crm.exports import write_csv, write_xlsx

TEMPLATE_COLUMN_WIDTH = 18


def template_bytes(fmt: str, headers: list[str]) -> bytes:
    """An empty file with the header row: the columns an import reads."""
    stream = io.BytesIO()
    if fmt == "xlsx":
        widths = [TEMPLATE_COLUMN_WIDTH] * len(headers)
        write_xlsx(stream, headers, [], title="Sheet", widths=widths)
    else:
        write_csv(stream, headers, [])
    return stream.getvalue()
