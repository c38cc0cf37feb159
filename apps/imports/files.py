"""
Reading an uploaded file safely (OWASP ASVS V5): a size limit; the type told by the content,
not the name (an XLSX must be an OOXML workbook: a zip with its content types, without macros,
external links, ActiveX or embedded objects); CSV text in UTF-8 (with or without BOM) or
GB18030/GBK and nothing else guessed; known, complete columns; and a row limit. Every refusal
is a ValidationError with a translated message, raised before anything is written.
"""

import codecs
import csv
import datetime
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path

import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.imports import xlsx
from apps.imports.catalog import ImportKind, normalise_header
from apps.imports.widgets import SPACES
from crm.exports import FORMULA_PREFIXES

XLSX_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
FORBIDDEN_PARTS = ("vbaproject", "externallink", "activex", "embeddings/", "macrosheet")
FORBIDDEN_TYPES = (b"macroenabled", b"vbaproject", b"externallink", b"activex", b"<!doctype")
MAX_ZIP_ENTRIES = 10_000
MAX_RATIO = 200  # uncompressed / compressed of one part; zip bombs reach thousands
UNSAFE_MESSAGE = gettext_lazy(
    "Workbooks with macros, external links or embedded objects are refused: save the sheet "
    "as a plain .xlsx workbook or as CSV."
)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def max_bytes() -> int:
    return getattr(settings, "CRM_IMPORT_MAX_BYTES", 20 * 1024 * 1024)


def max_rows() -> int:
    return getattr(settings, "CRM_IMPORT_MAX_ROWS", 100_000)


@dataclass
class FileInfo:
    file_format: str  # "csv" or "xlsx"
    encoding: str = ""


@dataclass
class Parsed:
    dataset: tablib.Dataset  # headers are the resource's column keys
    line_numbers: list[int]  # the file row of each dataset row (the header is row 1)


def sniff(upload, name: str) -> FileInfo:
    """Size, type by content, and the encoding of a CSV; raises ValidationError."""
    size = upload.size
    if size > max_bytes():
        raise ValidationError(
            _("The file is %(size)s; files up to %(limit)s may be imported.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes())},
            code="too_large",
        )
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    suffix = Path(name).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValidationError(_("Only CSV and Excel (.xlsx) files can be imported."), code="type")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    is_zip = head.startswith(b"PK\x03\x04")
    if suffix == ".xlsx":
        if not is_zip:
            raise ValidationError(
                _("This file is not really an Excel workbook (.xlsx)."), code="type"
            )
        check_workbook(upload)
        return FileInfo("xlsx")
    if is_zip or head.startswith(b"\xd0\xcf\x11\xe0"):  # a zip or an old binary Excel file
        raise ValidationError(
            _("This file is not a CSV text file. Save it as CSV or .xlsx."), code="type"
        )
    encoding, _text = decode(upload.read())
    upload.seek(0)
    return FileInfo("csv", encoding)


def check_workbook(upload) -> None:
    """An OOXML spreadsheet, no macros, external links, ActiveX or embedded objects."""
    not_workbook = ValidationError(
        _("This file is not really an Excel workbook (.xlsx)."), code="type"
    )
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES or any(_is_bomb(entry) for entry in entries):
                raise not_workbook
            names = {entry.filename.lower() for entry in entries}
            if "[content_types].xml" not in names:
                raise not_workbook
            types = archive.read("[Content_Types].xml").lower()
    except (zipfile.BadZipFile, KeyError, OSError, EOFError):
        raise not_workbook from None
    finally:
        upload.seek(0)
    if any(part in name for name in names for part in FORBIDDEN_PARTS) or any(
        marker in types for marker in FORBIDDEN_TYPES
    ):
        raise ValidationError(UNSAFE_MESSAGE, code="unsafe")
    if XLSX_MAIN.lower() not in types:
        raise not_workbook


def _is_bomb(entry: zipfile.ZipInfo) -> bool:
    limit = max(10 * max_bytes(), 200 * 1024 * 1024)
    ratio = entry.file_size / max(entry.compress_size, 1)
    return entry.file_size > limit or (entry.file_size > 1024 * 1024 and ratio > MAX_RATIO)


def decode(data: bytes) -> tuple[str, str]:
    """(encoding, text): UTF-8 with or without BOM, else GB18030 (a superset of GBK)."""
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data:
        raise ValidationError(
            _("This file is not a CSV text in UTF-8 or GBK. Save it as “CSV UTF-8” and try again."),
            code="encoding",
        )
    else:
        candidates = ["utf-8", "gb18030"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if CONTROL.search(text):
            break  # binary data that happens to decode
        return encoding, text
    raise ValidationError(
        _("This file is not a CSV text in UTF-8 or GBK. Save it as “CSV UTF-8” and try again."),
        code="encoding",
    )


def match_headers(header: list, kind: ImportKind) -> list[str | None]:
    """The column key of each header cell (None: an empty header, ignored)."""
    names = kind.header_names
    keys, unknown, repeated = [], [], []
    for cell in header:
        text = str(cell if cell is not None else "").strip()
        if text == "":
            keys.append(None)
            continue
        key = names.get(normalise_header(text))
        if key is None:
            unknown.append(text)
        elif key in keys:
            repeated.append(text)
        keys.append(key)
    errors = []
    if unknown:
        errors.append(
            _(
                "Unknown columns: %(columns)s. The template of this import lists the "
                "columns it reads."
            )
            % {"columns": ", ".join(unknown)}
        )
    if repeated:
        errors.append(_("Columns given twice: %(columns)s.") % {"columns": ", ".join(repeated)})
    missing = [kind.column_label(k) for k in kind.resource.required_columns() if k not in keys]
    if missing:
        errors.append(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
    if errors:
        raise ValidationError(errors, code="columns")
    return keys


def rows_of(source, info: FileInfo):
    """The file's rows as lists of cell values, the header first."""
    if info.file_format == "xlsx":
        yield from xlsx.rows(source)
        return
    source.seek(0)
    _encoding, text = decode(source.read())
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    yield from csv.reader(io.StringIO(text), delimiter=delimiter)


def cell(value):
    """A cell as text (dates stay dates); our own export's formula guard is taken off again."""
    if type(value) is not str:  # a workbook's typed cell (a CSV's cells are all text)
        if value is None:
            return ""
        if isinstance(value, datetime.datetime | datetime.date):
            return value
        if isinstance(value, bool):
            return "1" if value else "0"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        value = str(value)
    text = value.strip(SPACES)
    if text[:1] == "'" and text[1:2] and text[1:2] in FORMULA_PREFIXES:
        return text[1:]
    return text


def parse(source, info: FileInfo, kind: ImportKind) -> Parsed:
    """The whole file as a dataset of the resource's columns; raises ValidationError."""
    rows = rows_of(source, info)
    try:
        header = next(rows, None)
        if header is None:
            raise ValidationError(_("The file has no header row."), code="empty")
        keys = match_headers(list(header), kind)
        positions = [(i, key) for i, key in enumerate(keys) if key is not None]
        dataset = tablib.Dataset(headers=[key for _i, key in positions])
        lines, limit = [], max_rows()
        for line, row in enumerate(rows, start=2):
            values = [cell(row[i]) if i < len(row) else "" for i, _key in positions]
            if all(value == "" for value in values):
                continue  # a blank line
            if len(lines) >= limit:
                raise ValidationError(
                    _("The file has more than %(limit)s rows; split it into smaller files.")
                    % {"limit": limit},
                    code="too_many_rows",
                )
            dataset.append(values)
            lines.append(line)
    finally:
        rows.close()
    if not lines:
        raise ValidationError(_("The file has no data rows."), code="empty")
    return Parsed(dataset, lines)


def inspect(upload, name: str, kind: ImportKind) -> FileInfo:
    """What the upload form checks before anything is stored: all but the rows' contents."""
    info = sniff(upload, name)
    if info.file_format == "csv":
        parse(upload, info, kind)  # cheap for text: the column and row limits now
    else:
        _check_workbook_header(upload, kind)
    upload.seek(0)
    return info


def _check_workbook_header(upload, kind: ImportKind) -> None:
    try:
        rows = xlsx.rows(upload)
        header = next(rows, None)
        rows.close()
        declared = xlsx.declared_rows(upload)
    except xlsx.UnsafeWorkbook:
        raise ValidationError(UNSAFE_MESSAGE, code="unsafe") from None
    except (zipfile.BadZipFile, KeyError, ValueError, AttributeError, ET.ParseError):
        raise ValidationError(
            _("This file is not really an Excel workbook (.xlsx)."), code="type"
        ) from None
    finally:
        upload.seek(0)
    if header is None:
        raise ValidationError(_("The file has no header row."), code="empty")
    match_headers(list(header), kind)
    if declared is not None and declared - 1 > max_rows():  # the count checked again later
        raise ValidationError(
            _("The file has more than %(limit)s rows; split it into smaller files.")
            % {"limit": max_rows()},
            code="too_many_rows",
        )


LINE_COLUMN = "__row__"


def write_checked(parsed: Parsed, stream) -> None:
    """The checked dataset as UTF-8 CSV (with each row's number in the file): what the apply
    reads back, so a workbook is parsed once and the import sees exactly what was checked."""
    text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
    writer = csv.writer(text)
    writer.writerow([*parsed.dataset.headers, LINE_COLUMN])
    for line, row in zip(parsed.line_numbers, parsed.dataset, strict=True):
        writer.writerow([*row, line])
    text.flush()
    text.detach()


def read_checked(stream) -> Parsed:
    reader = csv.reader(io.TextIOWrapper(stream, encoding="utf-8", newline=""))
    headers = next(reader)[:-1]
    dataset, lines = tablib.Dataset(headers=headers), []
    for row in reader:
        dataset.append(row[:-1])
        lines.append(int(row[-1]))
    return Parsed(dataset, lines)
