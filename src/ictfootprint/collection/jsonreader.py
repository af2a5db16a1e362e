"""Reading a JSON submission: ``{"values": [{"indicator": ..., "year": ..., "value": ...,
"unit": ...}, ...]}`` (or the list alone), with the same optional fields as the long CSV.

Untrusted JSON is bounded before Python's parser sees it: nesting deeper than
:data:`MAX_DEPTH` is refused (the parser recurses), an integer longer than :data:`MAX_DIGITS`
becomes a float (``int()`` refuses 4,300 digits; the value check then refuses the magnitude),
and a key given twice in one object is an error, not the last one silently winning.
"""

from __future__ import annotations

import hashlib
import json
import re
import reprlib
from itertools import accumulate
from typing import Any, Final

from ictfootprint.collection.raw import TEXT_FIELDS, Cell, Notice, RawFile, RawValue, RowCells
from ictfootprint.errors import InputError, Location

#: Deepest nesting of arrays and objects read (a submission needs 3: {"values": [{...}]}).
MAX_DEPTH: Final = 32
#: Longest integer read as an integer; a longer one is read as a float (and refused as a value).
MAX_DIGITS: Final = 40
_ESCAPE: Final = re.compile(rb"\\.", re.DOTALL)
_DEPTH: Final = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}
_NOT_BRACKET: Final = bytes(b for b in range(256) if b not in _DEPTH)


_REPR: Final = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 50
_REPR.maxlist = _REPR.maxdict = 4
_REPR.maxlevel = 2


def _short(value: Any) -> str:
    """A short repr of a value of the wrong type (never the whole of a 40 MB list)."""
    return _REPR.repr(value)[:60]


#: Key (not a string, so no JSON key can equal it) under which an object keeps the keys that
#: appeared more than once in it; objects without duplicates stay plain dicts.
_TWICE: Final = object()


def _object(pairs: list[tuple[str, Any]]) -> dict[Any, Any]:
    result: dict[Any, Any] = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        twice: list[str] = []
        for key, _ in pairs:
            if key in seen:
                twice.append(key)
            seen.add(key)
        result[_TWICE] = tuple(twice)
    return result


def _integer(text: str) -> int | float:
    return int(text) if len(text.lstrip("-")) <= MAX_DIGITS else float(text)


def nesting_depth(data: bytes) -> int:
    """How deep arrays and objects nest in JSON text, brackets inside strings not counted.

    Linear and in C but for the final walk over the brackets alone: escapes dropped, then the
    parts between quotes (strings) dropped, then everything but brackets.
    """
    unescaped = _ESCAPE.sub(b"", data) if b"\\" in data else data
    outside = b"".join(unescaped.split(b'"')[::2])  # quotes alternate: out, in, out, ...
    brackets = outside.translate(None, _NOT_BRACKET)
    return max(accumulate((_DEPTH[b] for b in brackets), initial=0))


def read_json(data: bytes, name: str) -> RawFile:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("JSON must be UTF-8 text", Location(file=name)) from None
    if not text.strip():
        raise InputError(
            "empty file", Location(file=name), expected='{"values": [...]}', found="no JSON"
        )
    depth = nesting_depth(data)
    if depth > MAX_DEPTH:
        raise InputError(
            "JSON nested too deep",
            Location(file=name),
            expected=f"at most {MAX_DEPTH} levels of arrays and objects",
            found=f"{depth} levels",
        )
    try:
        document = json.loads(text, object_pairs_hook=_object, parse_int=_integer)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
            Location(file=name),
        ) from None
    except RecursionError:  # the depth check above should make this unreachable
        raise InputError("JSON nested too deep", Location(file=name)) from None
    if isinstance(document, dict) and _TWICE in document:
        twice = document[_TWICE][0]
        raise InputError(
            f"key {twice!r} appears twice in the document",
            Location(file=name, field=twice),
            expected="each key once",
        )
    entries = document.get("values") if isinstance(document, dict) else document
    if not isinstance(entries, list):
        raise InputError(
            "no list of values",
            Location(file=name, field="values"),
            expected='{"values": [{"indicator": ..., "year": ..., "value": ..., "unit": ...}]}',
        )
    result = RawFile(name, "json", hashlib.sha256(data).hexdigest(), encoding="utf-8")
    for index, entry in enumerate(entries, start=1):
        where = Cell(Location(file=name, row=index, field=f"values[{index - 1}]"))
        if not isinstance(entry, dict):
            result.notices.append(
                Notice(
                    "json-entry",
                    "error",
                    "entry is not an object",
                    where,
                    found=type(entry).__name__,
                )
            )
            continue
        result.values.append(_value(entry, name, index, result, where))
    return result


def _value(entry: dict[Any, Any], name: str, index: int, result: RawFile, where: Cell) -> RawValue:
    cells = RowCells(name, index, (*TEXT_FIELDS, "year", "value"))
    for key in entry.get(_TWICE, ()):
        result.notices.append(
            Notice(
                "json-duplicate-key",
                "error",
                f"key {key!r} appears twice in this entry: which one is meant?",
                cells.get(key, where),
                expected="each key once",
                found=key,
            )
        )
    text: dict[str, str | None] = {}
    for field in TEXT_FIELDS:
        raw = entry.get(field)
        if raw is not None and not isinstance(raw, str):
            result.notices.append(
                Notice(
                    "json-type",
                    "error",
                    f"{field} must be text",
                    cells[field],
                    found=_short(raw),
                )
            )
            raw = None
        text[field] = raw
    value = entry.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float | str | type(None)):
        result.notices.append(
            Notice(
                "json-type",
                "error",
                "value must be a number or text",
                cells["value"],
                found=_short(value),
            )
        )
        value = None
    return RawValue(
        indicator=text["indicator"] or "",
        year=_year(entry.get("year")),
        value=value,
        unit=text["unit"],
        cells=cells,
        entity_id=text["entity_id"],
        method=text["method"],
        source=text["source"],
        comment=text["comment"],
        country=text["country"],
        subsector=text["subsector"],
    )


def _year(year: Any) -> str | int:
    """A year as found: ``2023`` and ``2023.0`` are 2023; any other number stays text, so the
    year check says it is not a whole number (rather than "missing")."""
    if isinstance(year, bool) or year is None:
        return ""
    if isinstance(year, float):
        return int(year) if year.is_integer() else repr(year)[:50]
    return year if isinstance(year, int | str) else ""
