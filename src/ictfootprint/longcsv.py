"""The long CSV format: the simplest way for another system to send observations.

One value a row. Required columns: ``entity_id,indicator,year,value,unit``; optional:
``country,subsector,method,source,comment``. ``indicator`` is a catalogue id; ``unit`` any unit
convertible to the indicator's canonical unit (``GWh`` for an MWh indicator, ``kt CO2e`` for
tCO2e); ``country`` an ISO 3166 code; ``method`` reported (default), estimated or statistical.

The file is read whole before anything is stored; the first bad row stops it with an
:class:`~ictfootprint.errors.InputError` naming file, row and field.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from ictfootprint.csvfile import parse_csv, parse_year
from ictfootprint.errors import InputError, Location
from ictfootprint.model import Method, Observation
from ictfootprint.normalise import observation

REQUIRED: Final = ("entity_id", "indicator", "year", "value", "unit")
OPTIONAL: Final = ("country", "subsector", "method", "source", "comment")
INPUT_METHODS: Final = (Method.REPORTED, Method.ESTIMATED, Method.STATISTICAL)


@dataclass(frozen=True)
class LongFile:
    file_name: str
    sha256: str
    observations: tuple[Observation, ...]
    rows: tuple[int, ...]  # the file row of each observation, for errors found later

    def check_entities(self, known: set[str], path: str) -> None:
        """Every row's entity must exist: an unknown one is named with its row."""
        for row, obs in zip(self.rows, self.observations, strict=True):
            if obs.entity_id not in known:
                raise InputError(
                    "unknown entity (add it first: ictfootprint entities add)",
                    Location(file=path, row=row, field="entity_id"),
                    found=obs.entity_id,
                )


def read_long_csv(
    data: bytes, name: str, *, default_source: str | None = None, flags: tuple[str, ...] = ()
) -> LongFile:
    """Parse a long CSV file (bytes) into observations in canonical units, or raise."""
    table = parse_csv(data, name, lower_header=True)
    header = table.header
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise InputError(
            f"missing column {missing[0]!r}",
            Location(file=name, row=1, field=missing[0]),
            expected=",".join(REQUIRED),
            found=",".join(header),
        )
    unknown = [c for c in header if c not in REQUIRED + OPTIONAL]
    if unknown:
        raise InputError(
            f"unknown column {unknown[0]!r}",
            Location(file=name, row=1, column=unknown[0]),
            expected="one of " + ",".join(REQUIRED + OPTIONAL),
        )
    digest = hashlib.sha256(data).hexdigest()
    source = default_source or f"file {Path(name).name} (sha256 {digest[:12]})"
    rows: list[Observation] = []
    numbers: list[int] = []
    first_row: dict[tuple[str, str, int, str | None, str | None], int] = {}
    for line in table.rows():
        row, where, number = line.cells, line.where, line.number
        obs = _observation(row, where, source, flags)
        key = (obs.entity_id, obs.indicator_id, obs.year, obs.country, obs.subsector)
        if key in first_row:
            raise InputError(
                f"duplicate of row {first_row[key]} (same entity, indicator, year, country, "
                "sub-sector)",
                Location(file=name, row=number, field="indicator"),
                found=obs.indicator_id,
            )
        first_row[key] = number
        rows.append(obs)
        numbers.append(number)
    if not rows:
        raise InputError("file has no data rows", Location(file=name))
    return LongFile(Path(name).name, digest, tuple(rows), tuple(numbers))


def _observation(
    row: dict[str, str], where: Location, source: str, flags: tuple[str, ...]
) -> Observation:
    def at(field: str) -> Location:
        return Location(where.file, None, where.row, field, field)

    for column in REQUIRED:
        if column != "unit" and not row[column]:
            raise InputError(f"missing {column}", at(column))
    year = parse_year(row["year"], at("year"))
    method_text = row.get("method") or Method.REPORTED.value
    try:
        method = Method(method_text)
    except ValueError:
        method = None
    if method not in INPUT_METHODS:
        raise InputError(
            "unknown method",
            at("method"),
            expected=", ".join(m.value for m in INPUT_METHODS),
            found=method_text,
        )
    assert method is not None
    return observation(
        entity_id=row["entity_id"],
        indicator_id=row["indicator"],
        year=year,
        value=row["value"],
        unit=row["unit"] or None,
        method=method,
        source=row.get("source") or source,
        country=row.get("country") or None,
        subsector=row.get("subsector") or None,
        where=where,
        quality_flags=flags,
        comment=row.get("comment") or None,
    )
