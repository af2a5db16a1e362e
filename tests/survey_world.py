"""A country's operators with accepted submissions and a regulator's published figures, shared
by the survey comparison tests (store, CLI, API, page). The figures are hand-checked:

* ``op-ghg-s1s2`` 2025: published 362,000 t CO2e for op-a..op-d; accepted: op-a 150 kt and
  op-b 100,000 t (location-based), so ours = 250,000 t, difference -112,000 t (-30.94 %);
  market-based: 120 kt + 90,000 t = 210,000 t. op-c and op-d sent nothing.
* ``op-energy`` 2025: published 3.8 TWh (an estimate) = 3,800,000 MWh; accepted op-a 1.2 TWh
  and op-b 900 GWh (estimated), ours 2,100,000 MWh, difference -1,700,000 MWh (-44.74 %).
"""

from __future__ import annotations

from pathlib import Path

from ictfootprint.collection.service import submit
from ictfootprint.model import Entity, EntityKind
from ictfootprint.store import Store
from rounds_world import operators

YEAR = 2025
HEADER = "indicator,year,value,unit,method,source,comment\n"
ANSWERS = {
    "op-a": HEADER
    + f"ghg_s1s2_location,{YEAR},150,kt CO2e,reported,Annual report p.9,\n"
    + f"ghg_s1s2_market,{YEAR},120,kt CO2e,reported,Annual report p.9,\n"
    + f"energy_total,{YEAR},1.2,TWh,reported,Annual report p.8,\n",
    "op-b": HEADER
    + f"ghg_s1s2_location,{YEAR},100000,t CO2e,reported,CSR report,\n"
    + f"ghg_s1s2_market,{YEAR},90000,t CO2e,reported,CSR report,\n"
    + f"energy_total,{YEAR},900,GWh,estimated,Meter extrapolation,\n",
}
PUBLISHED = (
    "line,year,value,unit,method,covers,note\n"
    f"op-ghg-s1s2,{YEAR},362000,t CO2e,reported,op-a;op-b;op-c;op-d,Edition test\n"
    f"op-energy,{YEAR},3.8,TWh,estimated,op-a;op-b;op-c;op-d,\n"
    f"op-energy-per-line-radio,{YEAR},12,kWh/line,reported,,by generation\n"
)
CITATION = "Regulator, annual survey (test edition), table 1"


def country_with_answers(store: Store) -> None:
    """Four FRA operators (two accepted), a FRA data centre and a Belgian operator (both
    with accepted values that must stay out of the operators' sum)."""
    operators(store)
    store.add_entity(
        Entity(
            id="dc-fr",
            name="Data centre FR (test)",
            kind=EntityKind.COMPANY,
            country="FRA",
            subsectors=("data_centre",),
        )
    )
    store.add_entity(
        Entity(
            id="op-be",
            name="Operator BE (test)",
            kind=EntityKind.COMPANY,
            country="BEL",
            subsectors=("mobile_network",),
        )
    )
    answers = dict(ANSWERS)
    answers["dc-fr"] = HEADER + f"energy_total,{YEAR},5,GWh,reported,Meters,\n"
    answers["op-be"] = HEADER + f"energy_total,{YEAR},7,GWh,reported,Meters,\n"
    for entity_id, text in answers.items():
        sent = submit(store, text.encode(), f"{entity_id}.csv", entity_id)
        assert sent.status == "validated", sent
        store.accept_submission(sent.submission_id, "checked")


def published_file(folder: Path) -> Path:
    path = folder / "published.csv"
    path.write_text(PUBLISHED, encoding="utf-8")
    return path
