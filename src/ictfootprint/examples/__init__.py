"""The illustrative dataset: fictitious operators in three countries, for the walking skeleton.

Everything loaded from here is marked illustrative (entity names, the ``illustrative`` flag,
every observation's source), so it can never pass for real data. It goes in the way real data
does: each operator's file is submitted, validated and accepted.
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


def illustrative_entities() -> list[Entity]:
    text = _folder().joinpath("entities.csv").read_text("utf-8")
    return [
        Entity(
            id=row["id"],
            name=row["name"],
            kind=EntityKind(row["kind"]),
            country=row["country"],
            countries_of_operation=tuple(row["countries_of_operation"].split(";")),
            subsectors=tuple(row["subsectors"].split(";")),
            illustrative=True,
        )
        for row in csv.DictReader(io.StringIO(text, newline=""))
    ]


def load_illustrative(store: Store) -> list[int]:
    """Add the illustrative entities, submit each one's file and accept it (once)."""
    accepted = []
    for entity in illustrative_entities():
        if store.find_entity(entity.id) is None:
            store.add_entity(entity)
        name = f"{entity.id}.csv"
        result = submit(store, _folder().joinpath(name).read_bytes(), name, entity.id)
        if result.status == "validated":
            store.accept_submission(result.submission_id, ACCEPT_COMMENT)
        elif result.status != "accepted":
            raise IctFootprintError(f"illustrative file {name} did not validate: {result.report}")
        accepted.append(result.submission_id)
    return accepted
