"""The rows of a submitted file that hold errors, cut from the stored file, so that a focal
point sees the offending cells in place (the validation report says sheet, row and column)."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from typing import Any, Final

MAX_ROWS: Final = 40


def offending_rows(data: bytes, file_format: str, report: dict[str, Any]) -> list[dict[str, Any]]:
    """For each sheet, its header and the rows that have an error, with the bad columns.

    ``[{"sheet": None, "header": [{"text": "value", "letter": "C"}, ...],
    "rows": [{"row": 3, "cells": [...], "bad": {1}}]}]`` (CSV has no sheet). The header is the
    sheet's own header row (a template's is not on row 1), with each column's letter kept
    beside. Empty when the file cannot be read again or has no row-level error.
    """
    wanted: dict[str | None, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    for finding in report.get("findings", []):
        if finding.get("severity") == "error" and isinstance(finding.get("row"), int):
            wanted[finding.get("sheet")][finding["row"]].add(str(finding.get("column") or ""))
    if not wanted:
        return []
    try:
        if file_format == "csv":
            return _csv(data, report.get("encoding") or "utf-8", wanted)
        if file_format == "xlsx":
            return _xlsx(data, wanted)
    except (ValueError, LookupError, OSError, KeyError, csv.Error):
        return []  # the report itself still says where; the excerpt is a convenience
    return []


def _marked(
    header: list[str], rows: dict[int, list[str]], bad: dict[int, set[str]]
) -> list[dict[str, Any]]:
    lowered = [h.strip().lower() for h in header]
    shown = []
    for number in sorted(rows)[:MAX_ROWS]:
        columns = {lowered.index(c.lower()) for c in bad[number] if c.lower() in lowered}
        letters = {_column_index(c) for c in bad[number]} - {None}
        shown.append({"row": number, "cells": rows[number], "bad": columns | letters})
    return shown


def _column_index(reference: str) -> int | None:
    """``C`` → 2 (a spreadsheet column letter), anything else → None."""
    if not reference.isalpha() or not reference.isupper() or len(reference) > 3:
        return None
    index = 0
    for char in reference:
        index = index * 26 + ord(char) - 64
    return index - 1


def _csv(
    data: bytes, encoding: str, wanted: dict[str | None, dict[int, set[str]]]
) -> list[dict[str, Any]]:
    text = data.decode(encoding, errors="replace")
    reader = csv.reader(io.StringIO(text))
    header: list[str] = []
    rows: dict[int, list[str]] = {}
    bad = wanted.get(None, {})
    for number, record in enumerate(reader, start=1):
        if number == 1:
            header = record
        elif number in bad:
            rows[number] = record
        if len(rows) >= MAX_ROWS or number > max(bad, default=0):
            break
    if not rows:
        return []
    return [{"sheet": None, "header": _labelled(header), "rows": _marked(header, rows, bad)}]


def _xlsx(data: bytes, wanted: dict[str | None, dict[int, set[str]]]) -> list[dict[str, Any]]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        found = []
        for sheet_name, bad in wanted.items():
            if sheet_name not in book.sheetnames:
                continue
            sheet = book[sheet_name]
            header: list[str] = []
            best = 0
            rows: dict[int, list[str]] = {}
            first, last = min(bad), max(bad)
            for number, record in enumerate(sheet.iter_rows(values_only=True), start=1):
                values = ["" if v is None else str(v) for v in record]
                if number in bad:
                    rows[number] = values
                elif number < first:
                    # a template's header is not on row 1: the row above the data with the
                    # most cells, all text, is the header (a title row has one cell)
                    filled = [v for v in record if v is not None and str(v).strip()]
                    if len(filled) >= max(best, 2) and all(isinstance(v, str) for v in filled):
                        header, best = values, len(filled)
                if number >= last or len(rows) >= MAX_ROWS:
                    break
            if rows:
                width = max(len(header), *(len(r) for r in rows.values()))
                header = header + [""] * (width - len(header))
                found.append(
                    {
                        "sheet": sheet_name,
                        "header": _labelled(header),
                        "rows": _marked(header, rows, bad),
                    }
                )
        return found
    finally:
        book.close()


def _labelled(header: list[str]) -> list[dict[str, str]]:
    return [{"text": text, "letter": _letter(i)} for i, text in enumerate(header)]


def _letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
