"""Turning the bytes of a submitted text file into text, whatever common encoding it uses.

Accepted: UTF-8 (with or without BOM), UTF-16 (BOM, or the zero-byte pattern of UTF-16 text
without one), GB18030, Windows-1256 and Latin-1/Windows-1252, declared by the sender or
detected. Binary data is refused instead of being "decoded" into nonsense: Latin-1 can decode
any bytes, so the checks for binary come first.
"""

from __future__ import annotations

import codecs
import unicodedata
from typing import Final

from charset_normalizer import from_bytes

from ictfootprint.errors import InputError, Location

#: Encodings tried, in this order, when the file is not UTF-8 and nothing is declared.
CANDIDATES: Final = ("gb18030", "cp1256", "cp1252", "latin_1")
_NOT_FILE_ENCODINGS: Final = frozenset({"unicode-escape", "raw-unicode-escape", "undefined"})
_BOMS: Final = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes, name: str, declared: str | None = None) -> tuple[str, str]:
    """Text and the encoding used; :class:`InputError` for binary data or a wrong declaration."""
    where = Location(file=name, field="encoding")
    if declared:
        try:
            info = codecs.lookup(declared)
        except LookupError:
            raise InputError("unknown encoding", where, found=declared) from None
        # rot13, base64, zlib, hex ... are codecs but not text encodings (bytes.decode refuses
        # them); the escape codecs read Python source escapes, not a file's characters
        if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_FILE_ENCODINGS:
            raise InputError(
                "not a text encoding",
                where,
                expected="a text encoding such as utf-8, utf-16, gb18030, cp1256 or latin-1",
                found=declared,
            )
        try:
            return _checked(data.decode(declared), name), declared
        except UnicodeDecodeError as exc:
            raise InputError(
                f"file is not {declared} text (byte {exc.start})", where, found=declared
            ) from None
        except UnicodeError:  # punycode and friends fail without a position
            raise InputError(f"file is not {declared} text", where, found=declared) from None
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data.decode(encoding), name), encoding
            except UnicodeDecodeError:
                raise InputError(f"file starts like {encoding} but is not", where) from None
    utf16 = _utf16_without_bom(data)
    if utf16:
        return _checked(data.decode(utf16), name), utf16
    if b"\x00" in data:
        raise _binary(name)
    try:
        return _checked(data.decode("utf-8"), name), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=list(CANDIDATES)).best()
    guessed = best.encoding if best is not None else None
    if guessed is None:
        raise InputError(
            "cannot tell the file's encoding",
            where,
            expected="UTF-8, UTF-16, GB18030, Windows-1256 or Latin-1 (or declare it)",
        )
    return _checked(data.decode(guessed), name), guessed


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text of mostly ASCII has a zero in every other byte."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _checked(text: str, name: str) -> str:
    """Refuse text full of control characters: binary data that happened to decode."""
    sample = text[:65536]
    control = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\t\r\n\f")
    if sample and control > max(2, len(sample) // 1000):
        raise _binary(name)
    return text


def _binary(name: str) -> InputError:
    return InputError("binary data, not a CSV text file", Location(file=name), expected="CSV text")
