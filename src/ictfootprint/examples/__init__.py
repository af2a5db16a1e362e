"""The illustrative dataset: fictitious operators in four countries, for the walking skeleton.

Operators A, B and data centres C report 2020-2023; operator D (Brazil) joins in 2022, so
the demo shows a company joining that the like-for-like trend does not read as growth. Each
country's mobile lines are fictitious national statistics (``statistical`` observations on the
country entity), the denominators of coverage and of the estimate of the unreported part.

Everything loaded from here is marked illustrative (the ``illustrative`` flag on every entity,
the operators' names, every observation's source), so it can never pass for real data. It goes
in the way real data does: each operator's and each statistics office's file is submitted,
validated and accepted.
"""

from __future__ import annotations

import csv
import io
from importlib import resources
from importlib.resources.abc import Traversable

from ictfootprint.collection.service import submit
from ictfootprint.errors import IctFootprintError
from ictfootprint.model import Entity, EntityKind
from ictfootprint.store import Store

ACCEPT_COMMENT = "illustrative data (fictitious), accepted by ictfootprint demo"


def _folder() -> Traversable:
    return resources.files(__package__).joinpath("illustrative")


def _listed(cell: str) -> tuple[str, ...]:
    return tuple(part for part in cell.split(";") if part)


def _file_name(entity: Entity) -> str:
    """An operator's file is named after it; a country's statistics after the country."""
    if entity.kind is EntityKind.COUNTRY:
        return f"national-statistics-{entity.id}.csv"
    return f"{entity.id}.csv"


def illustrative_entities() -> list[Entity]:
    text = _folder().joinpath("entities.csv").read_text("utf-8")
    return [
        Entity(
            id=row["id"],
            name=row["name"],
            kind=EntityKind(row["kind"]),
            country=row["country"],
            countries_of_operation=_listed(row["countries_of_operation"]),
            subsectors=_listed(row["subsectors"]),
            illustrative=True,
        )
        for row in csv.DictReader(io.StringIO(text, newline=""))
    ]


def load_illustrative(store: Store) -> list[int]:
    """Add the illustrative entities (the countries' too, when missing), submit each one's
    file and accept it (once)."""
    accepted = []
    for entity in illustrative_entities():
        if store.find_entity(entity.id) is None:
            store.add_entity(entity)
        name = _file_name(entity)
        result = submit(store, _folder().joinpath(name).read_bytes(), name, entity.id)
        if result.status == "validated":
            store.accept_submission(result.submission_id, ACCEPT_COMMENT)
        elif result.status != "accepted":
            raise IctFootprintError(f"illustrative file {name} did not validate: {result.report}")
        accepted.append(result.submission_id)
    return accepted
