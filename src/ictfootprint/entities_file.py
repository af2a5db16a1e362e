"""Reading a CSV file of entities: ``id,name,kind,country`` plus optional ``subsectors``,
``countries_of_operation`` (lists separated by ``;``), ``lei`` and ``isin``."""

from __future__ import annotations

from typing import Final

from pydantic import ValidationError

from ictfootprint.csvfile import parse_csv
from ictfootprint.errors import InputError, Location, from_validation
from ictfootprint.model import Entity

REQUIRED: Final = ("id", "name", "kind", "country")
OPTIONAL: Final = ("subsectors", "countries_of_operation", "lei", "isin")


def read_entities(data: bytes, name: str) -> list[Entity]:
    table = parse_csv(data, name, lower_header=True)
    missing = [c for c in REQUIRED if c not in table.header]
    if missing:
        raise InputError(
            f"missing column {missing[0]!r}",
            Location(file=name, row=1),
            expected=",".join(REQUIRED + OPTIONAL),
            found=",".join(table.header),
        )
    entities = []
    seen: set[str] = set()
    for row in table.rows():
        cells = row.cells
        if cells["id"] in seen:
            raise InputError("duplicate entity id", row.at("id"), found=cells["id"])
        seen.add(cells["id"])
        try:
            entities.append(
                Entity(
                    id=cells["id"],
                    name=cells["name"],
                    kind=cells["kind"],  # type: ignore[arg-type]
                    country=cells["country"] or None,
                    subsectors=_list(cells.get("subsectors")),
                    countries_of_operation=_list(cells.get("countries_of_operation")),
                    lei=cells.get("lei") or None,
                    isin=cells.get("isin") or None,
                )
            )
        except ValidationError as exc:
            raise from_validation(exc, row.where) from None
    if not entities:
        raise InputError("file has no entities", Location(file=name))
    return entities


def _list(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(";") if part.strip())
