"""Figures a survey's publisher published (a regulator's total for the operators it surveys),
read from a CSV file keyed by the survey's own line ids, and stored with their source.

The file (UTF-8 or any encoding a submission may have; one header row)::

    line,year,value,unit,method,covers,note
    op-ghg-s1s2,2020,362000,t CO2e,reported,bouygues-telecom;free;orange;sfr,first edition

``line`` and ``year`` and ``value`` are required; ``unit`` defaults to the line's unit (and is
converted through the unit registry to the indicator's); ``method`` is ``reported`` (summed
from the respondents' answers, the default) or ``estimated`` (the publisher's estimate);
``covers`` names the entities (ids, ``;``-separated) the publisher says the figure covers.
The file is read whole before anything is stored; the first bad cell stops it with one line
naming file, row and column, and nothing is written. Importing the same file again writes
nothing; a changed figure becomes the next revision of its series.
"""

from __future__ import annotations

import csv
import hashlib
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from ictfootprint.collection.encoding import decode
from ictfootprint.csvfile import read_bounded
from ictfootprint.errors import InputError, Location, UnitError
from ictfootprint.model import ENTITY_ID
from ictfootprint.national_file import _lines
from ictfootprint.reference.catalogue import indicator
from ictfootprint.store import Store
from ictfootprint.store import survey_figures as _figures
from ictfootprint.store.survey_figures import SurveyFigure
from ictfootprint.surveys.mapping import SurveyMapping, load_mapping
from ictfootprint.units import convert, is_compatible, parse_unit

REQUIRED: Final = ("line", "year", "value")
OPTIONAL: Final = ("unit", "method", "covers", "note")
PUBLISHED_METHODS: Final = ("reported", "estimated")
_MAX_NOTE: Final = 500
_ENTITY: Final = re.compile(ENTITY_ID)


@dataclass(frozen=True)
class PublishedImport:
    survey: str
    file: str
    sha256: str
    read: int
    written: int
    unchanged: int

    def as_dict(self) -> dict[str, object]:
        return {
            "survey": self.survey,
            "file": self.file,
            "sha256": self.sha256,
            "read": self.read,
            "written": self.written,
            "unchanged": self.unchanged,
        }


def read_published(
    path: Path, mapping: SurveyMapping, *, citation: str
) -> tuple[list[SurveyFigure], str]:
    """The figures of a file (whole, or an :class:`InputError`) and the file's SHA-256."""
    name = path.name
    data = read_bounded(path)
    sha = hashlib.sha256(data).hexdigest()
    text, _encoding = decode(data, name)
    reader = csv.reader(_lines(text))
    try:
        header = [cell.strip().lower() for cell in next(reader, [])]
        for column in REQUIRED:
            if column not in header:
                raise InputError(
                    f"missing column {column!r}",
                    Location(file=name, row=1, column=column),
                    expected="columns "
                    + ",".join(REQUIRED)
                    + " (optional: "
                    + ",".join(OPTIONAL)
                    + ")",
                    found=",".join(header)[:200],
                )
        for column in header:
            if column not in REQUIRED + OPTIONAL or header.count(column) > 1:
                raise InputError(
                    "unknown or repeated column",
                    Location(file=name, row=1, column=column),
                    expected=",".join(REQUIRED + OPTIONAL),
                    found=column[:40],
                )
        figures: list[SurveyFigure] = []
        seen: dict[tuple[str, int], int] = {}
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                raise InputError(
                    "wrong number of columns",
                    Location(file=name, row=number),
                    expected=str(len(header)),
                    found=str(len(cells)),
                )
            row = {h: c.strip() for h, c in zip(header, cells, strict=True)}
            figure = _figure(row, mapping, citation, name, sha, number)
            key = (figure.line_id, figure.year)
            if key in seen:
                raise InputError(
                    f"the same line and year twice (first at row {seen[key]})",
                    Location(file=name, row=number, column="line"),
                    found=f"{figure.line_id} {figure.year}",
                )
            seen[key] = number
            figures.append(figure)
    except csv.Error as exc:
        raise InputError(
            f"unreadable CSV: {exc}", Location(file=name, row=reader.line_num)
        ) from None
    if not figures:
        raise InputError("no figure in the file", Location(file=name), expected="a row")
    return figures, sha


def _figure(
    row: dict[str, str], mapping: SurveyMapping, citation: str, name: str, sha: str, number: int
) -> SurveyFigure:
    def at(column: str) -> Location:
        return Location(file=name, row=number, column=column)

    line = mapping.line(row["line"], at("line"))
    try:
        year = int(row["year"])
    except ValueError:
        raise InputError("year is not a whole number", at("year"), found=row["year"]) from None
    if not 1900 <= year <= 2200:
        raise InputError("year out of range", at("year"), expected="1900 to 2200", found=str(year))
    cell = row["value"].replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
    try:
        number_read = float(cell)
    except ValueError:
        raise InputError(
            "not a number", at("value"), expected=f"a number in {line.unit}", found=row["value"]
        ) from None
    if not math.isfinite(number_read) or number_read < 0:
        raise InputError("not a finite number of 0 or more", at("value"), found=row["value"][:40])
    unit_received = row.get("unit") or line.unit
    parse_unit(unit_received, at("unit"))
    if not is_compatible(unit_received, line.unit):
        raise UnitError(
            f"unit does not convert to line {line.id}'s unit",
            at("unit"),
            expected=f"a unit of {line.unit}'s kind",
            found=unit_received,
        )
    target = indicator(line.indicator).unit if line.indicator else line.unit
    value = convert(number_read, unit_received, target, where=at("unit")).value
    method = (row.get("method") or "reported").lower()
    if method not in PUBLISHED_METHODS:
        raise InputError(
            "unknown method", at("method"), expected=" or ".join(PUBLISHED_METHODS), found=method
        )
    covers = tuple(c.strip() for c in (row.get("covers") or "").split(";") if c.strip())
    for entity_id in covers:
        if not _ENTITY.match(entity_id):
            raise InputError(
                "not an entity id",
                at("covers"),
                expected="entity ids separated by ';'",
                found=entity_id[:40],
            )
    if len(set(covers)) != len(covers):
        raise InputError("an entity named twice", at("covers"), found=row["covers"][:80])
    note = row.get("note") or None
    if note is not None and (len(note) > _MAX_NOTE or any(ord(c) < 32 and c != "\t" for c in note)):
        raise InputError(
            "note too long or with control characters",
            at("note"),
            expected=f"at most {_MAX_NOTE} printable characters",
        )
    return SurveyFigure(
        survey_id=mapping.id,
        line_id=line.id,
        year=year,
        country=mapping.country,
        indicator_id=line.indicator,
        subsector=line.subsector,
        value=value,
        unit=target,
        value_received=row["value"][:64],
        unit_received=unit_received,
        method=method,
        covers=covers,
        note=note,
        source=citation,
        lineage={"file": name, "sha256": sha, "row": number, "mapping": mapping.file},
    )


def import_published(
    store: Store, path: Path, survey: str | Path, *, citation: str
) -> PublishedImport:
    """Read the whole file, then store its figures in one transaction (nothing on error)."""
    if not citation.strip():
        raise InputError(
            "the figures' origin is not stated: every figure is recorded with its source",
            Location(file=path.name, field="source"),
            expected='--source "publisher, title, edition or date, page"',
        )
    mapping = load_mapping(survey)
    figures, sha = read_published(path, mapping, citation=citation.strip())
    with store.transaction() as connection:
        written, unchanged = _figures.record(connection, figures, store.actor)
        if written:
            store.audit(
                connection,
                "import-survey-figures",
                "survey_figures",
                mapping.id,
                {"file": path.name, "sha256": sha, "written": written, "unchanged": unchanged},
            )
    return PublishedImport(mapping.id, path.name, sha, len(figures), written, unchanged)
