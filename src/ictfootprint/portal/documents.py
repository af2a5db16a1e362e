"""Documents received with an endorsement (a letter, a note verbale, an e-mail): what is
accepted, by the bytes rather than the name, and how large.

Accepted: PDF, PNG, JPEG and plain UTF-8 text (an e-mail saved as text). Refused: anything
else, whatever its name says, and text that a browser could take for a page or an image with
a script (HTML, SVG, XML). Documents are always served as attachments, with their sniffed
type and ``X-Content-Type-Options: nosniff``, so that nothing received is ever run.
"""

from __future__ import annotations

import re
from typing import Final

from ictfootprint.errors import InputError, Location

MAX_BYTES: Final = 10 * 1024 * 1024
MEDIA_TYPES: Final = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "text": "text/plain; charset=utf-8",
}
_MARKUP = re.compile(rb"<\s*(!doctype|html|svg|script|\?xml|body|iframe|object|embed)", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def sniff(content: bytes, file_name: str) -> str:
    """The document's media type, from its first bytes; an error for anything not accepted."""
    where = Location(file=file_name[:200], field="document")
    if not content:
        raise InputError("empty document", where, expected="a PDF, PNG, JPEG or text file")
    if len(content) > MAX_BYTES:
        raise InputError(
            "document too large",
            where,
            expected=f"at most {MAX_BYTES // (1024 * 1024)} MiB",
            found=f"{len(content)} bytes",
        )
    if content.startswith(b"%PDF-"):
        return MEDIA_TYPES["pdf"]
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return MEDIA_TYPES["png"]
    if content.startswith(b"\xff\xd8\xff"):
        return MEDIA_TYPES["jpeg"]
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(
            "document type not accepted", where, expected="PDF, PNG, JPEG or UTF-8 text"
        ) from None
    if _CONTROL.search(text) or _MARKUP.search(content[:65536]):
        raise InputError(
            "document type not accepted",
            where,
            expected="PDF, PNG, JPEG or plain UTF-8 text (no HTML, SVG or XML)",
            found="markup or control characters",
        )
    return MEDIA_TYPES["text"]


def safe_file_name(name: str) -> str:
    """A name fit for a ``Content-Disposition`` header: letters, digits and ``._-`` only."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in base)
    return cleaned.strip("._")[:100] or "document"
