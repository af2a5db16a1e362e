"""Characters in submitted text that no database keeps, and digits of other scripts.

PostgreSQL refuses NUL in text and JSON; no encoder writes a lone UTF-16 surrogate
(``"\\ud800"`` in JSON decodes to one); the other C0 control codes are invisible in every
report and spreadsheet. Such text is refused at its cell, and described by code point, never
echoed. Decimal digits of other scripts (Arabic-Indic ``٢٠٢٣``, full-width ``２０２３``) are
legitimate: they are read, and the report says so.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

#: C0 controls except tab, line feed and carriage return; lone surrogates.
_REFUSED: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
_NON_ASCII_DIGIT: Final = re.compile(r"(?![0-9])\d")


def refused_character(text: str) -> str | None:
    """``"U+0000 at character 3"`` for the first character no database keeps, else ``None``."""
    found = _REFUSED.search(text)
    if found is None:
        return None
    return f"U+{ord(found.group()):04X} at character {found.start() + 1}"


def printable(text: str) -> str:
    """``text`` with every refused character replaced by U+FFFD, safe to store in a report."""
    return _REFUSED.sub("\ufffd", text)


def digit_script(text: str) -> str | None:
    """The script of the first decimal digit other than 0-9 in ``text`` (``"Arabic-Indic"``,
    ``"Fullwidth"``), else ``None``.

    >>> digit_script("٢٠٢٣"), digit_script("2023")
    ('Arabic-Indic', None)
    """
    found = _NON_ASCII_DIGIT.search(text)
    if found is None:
        return None
    name = unicodedata.name(found.group(), "")
    script = name.rsplit(" DIGIT ", 1)[0] if " DIGIT " in name else f"U+{ord(found.group()):04X}"
    return script.title()
