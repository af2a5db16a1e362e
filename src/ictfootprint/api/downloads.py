"""The ``Content-Disposition`` of a download, for any file name a client sent (RFC 6266).

A header is Latin-1 text of one line: a name in another script made the download a 500, and a
quote, a CR or an LF in it could end the value early or start another header. So the name is
reduced to its last path part without control characters, given as ASCII in ``filename``
(what every client understands) and in full as UTF-8 in ``filename*`` (RFC 5987), which
clients that know it prefer.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final
from urllib.parse import quote

UNSAFE_ASCII: Final = re.compile(r"[^A-Za-z0-9._ -]")
MAX_NAME: Final = 150


def safe_name(name: str | None, fallback: str) -> str:
    """The last part of ``name`` (after any ``/`` or ``\\``), without control characters or
    leading dots, at most 150 characters; ``fallback`` when nothing is left."""
    last = re.split(r"[/\\]", name or "")[-1]
    kept = "".join(c for c in last if unicodedata.category(c)[0] != "C").strip().lstrip(".")
    return kept[-MAX_NAME:] if kept.strip() else fallback


def ascii_name(name: str) -> str:
    """``name`` in printable ASCII: accents dropped, anything else (quotes too) as ``_``."""
    return UNSAFE_ASCII.sub("_", _fold(name)).strip() or "download"


def _fold(name: str) -> str:
    # each character to its ASCII letters (é -> e), or to "_" when it has none (— or 😀)
    out = []
    for char in name:
        if char.isascii():
            out.append(char)
            continue
        base = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
        out.append(base or "_")
    return "".join(out)


def attachment(name: str | None, fallback: str) -> str:
    """``attachment; filename="..."`` and, for a name outside ASCII, ``filename*=UTF-8''...``."""
    clean = safe_name(name, fallback)
    header = f'attachment; filename="{ascii_name(clean)}"'
    if not clean.isascii() or clean != ascii_name(clean):
        header += f"; filename*=UTF-8''{quote(clean, safe='')}"
    return header
