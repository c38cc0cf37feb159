"""
Every download's Content-Disposition. File names can come from users (an uploaded workbook's
name), so the header carries a sanitised name twice (RFC 6266): an ASCII fallback for old
clients, and the readable UTF-8 name as RFC 5987 `filename*`. Nothing of the raw name reaches
the header: no quotes, angle brackets, path separators or control characters.
"""

import re
import unicodedata
from pathlib import PurePosixPath, PureWindowsPath
from urllib.parse import quote

from django.http import FileResponse

# Characters a file name never needs: markup, quoting, path and shell metacharacters.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_UNSAFE = re.compile(r'[<>:"/\\|?*;%\'`&$]')
_NOT_ASCII_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
_REPEATED = re.compile(r"_{2,}")


def safe_filename(name: str, *, default: str = "download") -> str:
    """`name` without a path, unsafe characters or surrounding dots and spaces."""
    name = _CONTROL.sub("", unicodedata.normalize("NFC", name))
    name = PureWindowsPath(PurePosixPath(name).name).name
    name = _REPEATED.sub("_", _UNSAFE.sub("_", name)).strip(" ._")
    return name[:150] or default


def ascii_fallback(name: str) -> str:
    """The name in plain ASCII for clients that ignore filename*: its extension kept."""
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    stem = _REPEATED.sub("_", _NOT_ASCII_SAFE.sub("_", stem)).strip("_") or "download"
    extension = _NOT_ASCII_SAFE.sub("", extension)
    return f"{stem}.{extension}" if extension else stem


def attachment_header(name: str) -> str:
    """The Content-Disposition value that downloads `name` as an attachment."""
    name = safe_filename(name)
    return f"attachment; filename=\"{ascii_fallback(name)}\"; filename*=UTF-8''{quote(name)}"


def file_download(stream, name: str) -> FileResponse:
    """A stored file streamed as an attachment named `name` (never shown inline)."""
    response = FileResponse(stream, as_attachment=True, filename=ascii_fallback(name))
    response["Content-Disposition"] = attachment_header(name)
    return response
