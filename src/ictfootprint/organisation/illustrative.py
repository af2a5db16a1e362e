"""The illustrative organisation (fictitious, flagged everywhere): ``org-illustrative``.

Its inventory and flight lists (``examples/organisation/``, README there) go in the way an
organisation's own files do: the inventory first, then each year's flight list. Its totals
are 1,969 tCO2e (2022) and 2,582 tCO2e (2023), +31 %, with a 2010 base year.
"""

from __future__ import annotations

from importlib import resources
from typing import Final

from ictfootprint.model import Entity, EntityKind
from ictfootprint.organisation.inventory import import_flights, import_inventory
from ictfootprint.store import Store

ENTITY_ID: Final = "org-illustrative"
NAME: Final = "Illustrative international organisation (illustrative data)"
YEARS: Final = (2010, 2022, 2023)


def load_illustrative_organisation(store: Store) -> str:
    """Add the entity (once) and import its inventory and flight lists; importing again
    writes nothing new (the same figures are already current)."""
    if store.find_entity(ENTITY_ID) is None:
        store.add_entity(
            Entity(
                id=ENTITY_ID,
                name=NAME,
                kind=EntityKind.ORGANISATION,
                country="CHE",
                illustrative=True,
            )
        )
    folder = resources.files("ictfootprint.examples").joinpath("organisation")
    with resources.as_file(folder) as path:
        import_inventory(store, ENTITY_ID, path / f"{ENTITY_ID}-inventory.csv")
        for year in YEARS:
            import_flights(store, ENTITY_ID, path / f"{ENTITY_ID}-flights-{year}.csv", year)
    return ENTITY_ID
