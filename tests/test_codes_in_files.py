"""A sub-sector code in a submitted file is read the way the command line reads it: as typed in
a spreadsheet (``mobile-network``, ``Mobile_Network``), it is the catalogue's code."""

from __future__ import annotations

from pathlib import Path

from ictfootprint.collection.service import submit
from ictfootprint.model import Entity, EntityKind
from ictfootprint.store import Store

CSV = "indicator,year,value,unit,subsector\nenergy_electricity,2022,1000,MWh,{}\n"


def _store(tmp_path: Path) -> Store:
    store = Store.open(str(tmp_path / "codes.db"))
    store.add_entity(Entity(id="op-1", name="Operator", kind=EntityKind.COMPANY, country="FRA"))
    return store


def test_a_hyphenated_subsector_in_a_file_is_the_catalogue_code(tmp_path: Path) -> None:
    store = _store(tmp_path)
    result = submit(store, CSV.format("Mobile-Network").encode(), "f.csv", "op-1")
    assert result.status == "validated", result.report["findings"]
    store.accept_submission(result.submission_id)
    [stored] = store.current_observations(entity_ids=["op-1"])
    assert stored.subsector == "mobile_network"


def test_an_unknown_subsector_in_a_file_lists_the_known_ones(tmp_path: Path) -> None:
    result = submit(_store(tmp_path), CSV.format("satellite").encode(), "f.csv", "op-1")
    assert result.status == "rejected"
    [finding] = [f for f in result.report["findings"] if f["column"] == "subsector"]
    assert finding["found"] == "satellite" and "mobile_network" in finding["expected"]
