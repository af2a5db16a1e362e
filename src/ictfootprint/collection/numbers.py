"""Numbers written as text: decimal comma or point, thousands separators, "not available".

A file's convention is declared (a locale such as ``fr`` or ``en_US``) or detected from all of
its numbers together; a number that could be read two ways ("1,234") with nothing to decide is
an error, never a guess. Cells such as ``n/a`` or ``—`` say "no value" and are left out with a
warning.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from babel import Locale, UnknownLocaleError
from babel.numbers import get_decimal_symbol

from ictfootprint.errors import InputError, Location

#: Written instead of a value to say there is none (compared case-insensitively, stripped).
NOT_AVAILABLE: Final = frozenset(
    {
        "n/a",
        "na",
        "n.a.",
        "n.a",
        "nd",
        "n.d.",
        "-",
        "—",
        "–",
        "..",
        "...",
        "null",
        "none",
        "nan",
        "s.o.",
        "s/o",
        "nc",
        "n.c.",
        "无",
        "不适用",
        "غير متاح",
        "غير متوفر",
        "н/д",
    }
)
_SPACES: Final = " \u00a0\u202f\u2009"
_ARABIC_SEPARATORS: Final = frozenset("\u066b\u066c")  # ٫ decimal, ٬ thousands
_PLAIN: Final = re.compile(r"[+-]?(\d+)([.,]\d+)?([eE][+-]?\d+)?")
_GROUPED: Final = re.compile(r"[+-]?\d{1,3}([.,' \u00a0\u202f\u2009]\d{3})+([.,]\d+)?")


@dataclass(frozen=True)
class NumberFormat:
    """How a file writes numbers: its decimal mark, and how the format was decided."""

    decimal: str  # "." or ","
    basis: str  # "declared locale fr", "detected", "default"

    @property
    def locale_label(self) -> str:
        return f"decimal '{self.decimal}' ({self.basis})"


class NumberError(ValueError):
    """A text cell that is not a number (carries what was expected)."""

    def __init__(self, message: str, expected: str) -> None:
        super().__init__(message)
        self.expected = expected


def is_not_available(text: str) -> bool:
    return text.strip().lower() in NOT_AVAILABLE


def declared_format(locale: str) -> NumberFormat:
    try:
        parsed = Locale.parse(locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        raise InputError(
            "unknown locale", Location(field="locale"), expected="e.g. en, fr, de_CH", found=locale
        ) from None
    mark = get_decimal_symbol(parsed)
    return NumberFormat("," if mark == "," else ".", f"declared locale {locale}")


def detect_format(texts: Iterable[str]) -> tuple[NumberFormat, set[str]]:
    """The decimal mark the file's numbers agree on, and the texts that contradict it.

    Evidence: a mark followed by other than exactly three digits is a decimal mark
    ("12,5"); with both marks in one number the last is decimal ("1.234,5").
    """
    comma: set[str] = set()
    point: set[str] = set()
    for raw in texts:
        text = raw.strip().strip(_SPACES)
        mark = _decimal_evidence(text)
        if mark == ",":
            comma.add(raw)
        elif mark == ".":
            point.add(raw)
    if comma and point:
        minority = comma if len(comma) < len(point) else point
        majority = "." if minority is comma else ","
        return NumberFormat(majority, "detected, mixed"), minority
    if comma:
        return NumberFormat(",", "detected"), set()
    return NumberFormat(".", "detected" if point else "default"), set()


def _decimal_evidence(text: str) -> str | None:
    digits_and_marks = text.lstrip("+-")
    if not digits_and_marks or not re.fullmatch(r"[\d.,' \u00a0\u202f\u2009]+", digits_and_marks):
        return None
    last_comma, last_point = text.rfind(","), text.rfind(".")
    if last_comma >= 0 and last_point >= 0:
        return "," if last_comma > last_point else "."
    for mark, position in ((",", last_comma), (".", last_point)):
        if position >= 0:
            after = text[position + 1 :]
            if text.count(mark) == 1 and not (len(after) == 3 and after.isdigit()):
                return mark
    return None


def parse_number(text: str, fmt: NumberFormat) -> float:
    """Read one number in the file's format; :class:`NumberError` if it is not one.

    Decimal digits of any script are digits (``١٢٣٤``); the Arabic decimal separator ``٫`` and
    thousands separator ``٬`` say which they are, so they need no declared format.
    """
    cleaned = text.strip()
    if _ARABIC_SEPARATORS.intersection(cleaned):
        cleaned = cleaned.replace("\u066c", "").replace("\u066b", fmt.decimal)
    for space in _SPACES:
        cleaned = cleaned.replace(space, " ")
    expected = f"a number with decimal '{fmt.decimal}'"
    if _PLAIN.fullmatch(cleaned):
        mark = cleaned.replace("+", "").replace("-", "")
        if "," in mark or "." in mark:
            used = "," if "," in mark else "."
            after = mark.split(used)[1].split("e")[0].split("E")[0]
            if fmt.basis == "default" and len(after) == 3 and "e" not in mark.lower():
                raise NumberError(
                    f"ambiguous number: {used!r} may be a decimal mark or a thousands separator",
                    "declare the number format: --locale fr or --locale en (API field locale)",
                )
            if used != fmt.decimal:
                if len(after) == 3 and "e" not in mark.lower():
                    # "1,234" in a decimal-point file: a thousands separator
                    return float(cleaned.replace(used, ""))
                raise NumberError(
                    f"decimal mark {used!r} where the file uses {fmt.decimal!r}", expected
                )
        return float(cleaned.replace(",", "."))
    if _GROUPED.fullmatch(cleaned):
        group_marks = set(re.findall(r"\d([.,' ])\d{3}", cleaned))
        decimal_part = re.search(r"([.,])(\d+)$", cleaned)
        if decimal_part and decimal_part.group(1) == fmt.decimal and len(group_marks) <= 2:
            body = cleaned[: decimal_part.start()]
            body = re.sub(r"[.,' ]", "", body)
            return float(f"{body}.{decimal_part.group(2)}")
        if fmt.decimal in group_marks:
            raise NumberError(
                f"{fmt.decimal!r} used both as decimal mark and thousands separator", expected
            )
        return float(re.sub(r"[.,' ]", "", cleaned))
    raise NumberError("not a number", expected)
