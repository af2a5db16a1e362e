"""Reading a JSON submission: ``{"values": [{"indicator": ..., "year": ..., "value": ...,
"unit": ...}, ...]}`` (or the list alone), with the same optional fields as the long CSV."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Final

from ictfootprint.collection.raw import Cell, Notice, RawFile, RawValue, RowCells
from ictfootprint.errors import InputError, Location

_TEXT: Final = (
    "indicator",
    "unit",
    "entity_id",
    "method",
    "source",
    "comment",
    "country",
    "subsector",
)


def read_json(data: bytes, name: str) -> RawFile:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError("JSON must be UTF-8 text", Location(file=name)) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"not valid JSON: {exc.msg}", Location(file=name, row=exc.lineno, column=str(exc.colno))
        ) from None
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


def _value(entry: dict[str, Any], name: str, index: int, result: RawFile, where: Cell) -> RawValue:
    cells = RowCells(name, index, (*_TEXT, "year", "value"))
    text: dict[str, str | None] = {}
    for field in _TEXT:
        raw = entry.get(field)
        if raw is not None and not isinstance(raw, str):
            result.notices.append(
                Notice(
                    "json-type",
                    "error",
                    f"{field} must be text",
                    cells[field],
                    found=repr(raw)[:50],
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
                found=repr(value)[:50],
            )
        )
        value = None
    year = entry.get("year")
    return RawValue(
        indicator=text["indicator"] or "",
        year=year if isinstance(year, int | str) and not isinstance(year, bool) else "",
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
