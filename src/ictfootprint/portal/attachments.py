"""Files attached to a case study: what they are is read from their bytes, not their name.

Allowed: PDF, PNG, JPEG, plain text and CSV (UTF-8). Nothing a browser could take for a page or
a script: no SVG, HTML or XML, and no file of any allowed type that also carries HTML or script
markup (a polyglot: a "PNG" or "PDF" whose bytes hold ``<script>`` or ``<svg``). The name's
extension must agree with the content. At most :data:`MAX_BYTES`. Files are served as
downloads (``Content-Disposition: attachment``, ``X-Content-Type-Options: nosniff``) with the
type found here.

>>> sniff("figures.csv", b"year,kWh\\n2023,12\\n")
'text/csv'
"""

from __future__ import annotations

import re
from typing import Final

from ictfootprint.api.downloads import safe_name
from ictfootprint.errors import InputError, Location

MAX_BYTES: Final = 5 * 1024 * 1024
#: media type → the extensions a name may have for it
TYPES: Final = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "text/plain": (".txt",),
    "text/csv": (".csv",),
}
# markup that makes bytes a page or a script to a browser that sniffs
_MARKUP: Final = re.compile(
    rb"<\s*(script|svg|html|body|iframe|object|embed|meta|link|style|!doctype|\?xml)\b"
    rb"|javascript:",
    re.IGNORECASE,
)


def _where(name: str) -> Location:
    return Location(file=name, field="file")


def sniff(name: str, data: bytes) -> str:
    """The media type of an attachment; :class:`InputError` saying why when it is refused."""
    where = _where(name)
    if len(data) > MAX_BYTES:
        raise InputError(
            "attachment too large",
            where,
            expected=f"at most {MAX_BYTES // (1024 * 1024)} MB",
            found=f"{len(data)} bytes",
        )
    if not data:
        raise InputError("empty attachment", where, expected="a file with content", found="0 bytes")
    media_type = _content_type(data)
    if media_type is None:
        raise InputError(
            "attachment of a type not allowed",
            where,
            expected="PDF, PNG, JPEG, plain text or CSV",
            found=repr(data[:16])[2:-1],
        )
    if _MARKUP.search(data):
        raise InputError(
            "attachment carries HTML or script markup",
            where,
            expected=f"a plain {media_type} file",
            found=_MARKUP.search(data).group(0).decode("latin-1"),  # type: ignore[union-attr]
        )
    if media_type == "text/plain" and name.lower().endswith(".csv"):
        media_type = "text/csv"
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in TYPES[media_type]:
        raise InputError(
            "the file name's extension does not match its content",
            where,
            expected=" or ".join(TYPES[media_type]),
            found=extension or "no extension",
        )
    return media_type


def _content_type(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR":
        return "image/png"
    if data.startswith(b"\xff\xd8\xff") and data.rstrip(b"\x00").endswith(b"\xff\xd9"):
        return "image/jpeg"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if any(ord(c) < 32 and c not in "\t\r\n" for c in text):
        return None
    return "text/plain"


def clean_name(name: str | None) -> str:
    """The name kept for an attachment (its last path part, no control characters)."""
    return safe_name(name, "attachment")[:200]
