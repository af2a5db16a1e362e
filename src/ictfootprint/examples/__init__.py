"""The illustrative dataset: fictitious operators in three countries, for the walking skeleton.

Everything loaded from here is marked illustrative (entity names, the ``illustrative`` flag and
every observation's source), so it can never pass for real data.
"""

from __future__ import annotations

import csv
import io
from importlib import resources

from ictfootprint.model import Entity, EntityKind
from ictfootprint.store import RecordResult, Store

ENTITIES_FILE = "illustrative_entities.csv"
OBSERVATIONS_FILE = "illustrative_observations.csv"


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files(__package__).joinpath(name).read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def illustrative_entities() -> list[Entity]:
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
        for row in _rows(ENTITIES_FILE)
    ]


def load_illustrative(store: Store) -> RecordResult:
    """Add the illustrative entities (once) and their reported values (new revisions only)."""
    for entity in illustrative_entities():
        if store.find_entity(entity.id) is None:
            store.add_entity(entity)
    data = resources.files(__package__).joinpath(OBSERVATIONS_FILE).read_bytes()
    return store.load_long_csv(data, OBSERVATIONS_FILE, flags=("illustrative",))
