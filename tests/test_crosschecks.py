"""Checks across submissions: Scope 2 against electricity accepted earlier and against the
grids of every country of operation, intensities against history and peers, S1+S2 against a
restated total; on SQLite and PostgreSQL.

Grid factors are the shipped defaults (grid_factors_codecarbon.csv, gCO2e/kWh = tCO2e/GWh):
SWE 40.695 (2023), FIN 79.158 (2023), LTU 160.072 (2023), KAZ 821.391 (2023),
UZB 1,167.603 (2022), FRA 56.039 (2023); AND (Andorra) has none.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from ictfootprint.collection.consistency import check_store, differs_percent, shown
from ictfootprint.collection.service import SubmitResult, submit
from ictfootprint.model import Entity, EntityKind
from ictfootprint.store import Store

HEADER = "indicator,year,value,unit,method,source,comment,country\n"
NORDIC_EAST = ("SWE", "FIN", "LTU", "KAZ", "UZB")


@pytest.fixture
def store(db_url: str) -> Store:
    store = Store.open(db_url, actor="focal-point")
    store.add_entity(
        Entity(
            id="op-1",
            name="Operator One",
            kind=EntityKind.COMPANY,
            country="FRA",
            subsectors=("mobile_network",),
        )
    )
    store.add_entity(
        Entity(
            id="nordic",
            name="Nordic and Central Asian Operator",
            kind=EntityKind.COMPANY,
            country="SWE",
            countries_of_operation=NORDIC_EAST,
            subsectors=("mobile_network",),
        )
    )
    return store


def _send(store: Store, entity: str, rows: str, *, accept: bool = False) -> SubmitResult:
    result = submit(store, (HEADER + rows).encode(), f"{entity}-{len(rows)}.csv", entity)
    assert result.status == "validated", result.report["findings"]
    if accept:
        store.accept_submission(result.submission_id)
    return result


def _found(result: SubmitResult, rule: str) -> list[dict[str, Any]]:
    return [f for f in result.report["findings"] if f["rule"] == rule]


# Scope 2 ------------------------------------------------------------------------------------


def test_scope2_sent_after_electricity_was_accepted_is_checked_against_it(store: Store) -> None:
    _send(store, "op-1", "energy_electricity,2022,3000,MWh,,,,\n", accept=True)
    # 3,000 MWh × 56.039 tCO2e/GWh = 168.117 t; 900 t is +435 %
    result = _send(store, "op-1", "ghg_scope2_location,2022,900,tCO2e,,,,\n")
    (finding,) = _found(result, "scope2-location-plausible")
    assert finding["row"] == 2
    assert "accepted, revision 1" in finding["message"]
    assert "+435 %" in finding["message"] and "168.117" in finding["message"]
    assert "FRA 56.039 gCO2e/kWh" in finding["message"]


def test_electricity_sent_after_scope2_was_accepted_is_checked_too(store: Store) -> None:
    _send(store, "op-1", "ghg_scope2_location,2022,900,tCO2e,,,,\n", accept=True)
    result = _send(store, "op-1", "energy_electricity,2022,3000,MWh,,,,\n")
    (finding,) = _found(result, "scope2-location-plausible")
    assert finding["indicator"] == "energy_electricity" and finding["row"] == 2


def test_multinational_group_scope2_draws_no_false_alarm_with_operates_in(store: Store) -> None:
    # 1,000,000 MWh used 50 % in SWE, 20 % FIN, 10 % LTU, 12 % KAZ, 8 % UZB, location-based:
    # 500 × 40.695 + 200 × 79.158 + 100 × 160.072 + 120 × 821.391 + 80 × 1,167.603
    # = 20,347.5 + 15,831.6 + 16,007.2 + 98,566.92 + 93,408.24 = 244,161.46 t.
    # The headquarters' grid alone gives 1,000 GWh × 40.695 = 40,695 t: +500 %, the old alarm.
    reported = 20_347.5 + 15_831.6 + 16_007.2 + 98_566.92 + 93_408.24
    assert round(reported, 2) == 244_161.46
    rows = (
        f"energy_electricity,2022,1000000,MWh,,,,\nghg_scope2_location,2022,{reported},tCO2e,,,,\n"
    )
    assert not _found(_send(store, "nordic", rows), "scope2-location-plausible")
    # any split lies between SWE's 40.695 and UZB's 1,167.603 t/GWh: 40,695 to 1,167,603 t,
    # ± 25 %: a thousandfold slip is still caught, and the finding names every factor
    slip = rows.replace(f"{reported},tCO2e", f"{reported},kt CO2e")
    (finding,) = _found(_send(store, "nordic", slip), "scope2-location-plausible")
    message = finding["message"]
    for named in ("SWE 40.695", "FIN 79.158", "LTU 160.072", "KAZ 821.391", "UZB 1,167.603"):
        assert named in message
    assert "weights unknown" in message and "40,695 to 1,167,603 tCO2e" in message
    assert finding["expected"] == "30,521.25 to 1,459,503.75"


def test_group_scope2_is_weighted_by_the_entitys_electricity_by_country(store: Store) -> None:
    # electricity by country accepted first; half in SWE, half in KAZ:
    # 1,000 GWh × (0.5 × 40.695 + 0.5 × 821.391) = 431,043 t
    _send(
        store,
        "nordic",
        "energy_electricity,2022,500000,MWh,,,,SWE\nenergy_electricity,2022,500000,MWh,,,,KAZ\n",
        accept=True,
    )
    group = "energy_electricity,2022,1000000,MWh,,,,\nghg_scope2_location,2022,{},tCO2e,,,,\n"
    assert not _found(_send(store, "nordic", group.format(431_043)), "scope2-location-plausible")
    (finding,) = _found(_send(store, "nordic", group.format(40_695)), "scope2-location-plausible")
    assert "-90.6 %" in finding["message"] and "431,043" in finding["message"]
    assert "SWE 40.695 gCO2e/kWh (2023, " in finding["message"] and "× 50 %" in finding["message"]


def test_scope2_by_country_uses_that_countrys_grid(store: Store) -> None:
    rows = (
        "energy_electricity,2022,100000,MWh,,,,KAZ\n"
        "ghg_scope2_location,2022,82139.1,tCO2e,,,,KAZ\n"  # 100 GWh × 821.391: exact
        "energy_electricity,2022,100000,MWh,,,,SWE\n"
        "ghg_scope2_location,2022,82139.1,tCO2e,,,,SWE\n"  # Kazakh grid for Sweden: flagged
    )
    (finding,) = _found(_send(store, "nordic", rows), "scope2-location-plausible")
    assert finding["row"] == 5 and "SWE 40.695" in finding["message"]


def test_missing_grid_factor_is_said_not_skipped(store: Store) -> None:
    rows = "energy_electricity,2022,1000,MWh,,,,AND\nghg_scope2_location,2022,50,tCO2e,,,,AND\n"
    (finding,) = _found(_send(store, "op-1", rows), "scope2-location-plausible")
    assert "no grid factor for AND" in finding["message"]


def test_scope2_above_zero_electricity_is_flagged_without_dividing_by_zero(store: Store) -> None:
    rows = "energy_electricity,2022,0,MWh,,,,\nghg_scope2_location,2022,50,tCO2e,,,,\n"
    (finding,) = _found(_send(store, "op-1", rows), "scope2-location-plausible")
    assert "is above electricity 0 MWh" in finding["message"] and finding["expected"] == "0"
    nothing = "energy_electricity,2023,0,MWh,,,,\nghg_scope2_location,2023,0,tCO2e,,,,\n"
    assert not _found(_send(store, "op-1", nothing), "scope2-location-plausible")


# intensities --------------------------------------------------------------------------------

HISTORY = (
    "energy_total,{y},4200000,MWh,,,,\n"  # 4.2 TWh: a national operator
    "ghg_scope1,{y},70000,tCO2e,,,,\n"
    "ghg_scope2_location,{y},1200000,tCO2e,,,,\n"  # S1+S2 1.27 Mt: 0.302 t/MWh
)


def test_lone_thousandfold_energy_slip_is_caught_against_history(store: Store) -> None:
    _send(store, "op-1", HISTORY.format(y=2020) + HISTORY.format(y=2021), accept=True)
    slip = HISTORY.format(y=2022).replace("4200000,MWh", "5.5,GWh")  # meant TWh
    (finding,) = _found(_send(store, "op-1", slip), "intensity-plausible")
    message = finding["message"]
    assert finding["row"] == 2 and finding["indicator"] == "energy_total"
    # 1,270,000 t / 5,500 MWh = 230.909 t/MWh against 1.27 Mt / 4.2 TWh = 0.302381 in 2020
    # and 2021, ÷/× 3: 0.100794 to 0.907143
    assert "ghg_s1s2_location per energy_total = 230.909 tCO2e/MWh" in message
    assert "energy_total 5,500 MWh" in message and "1,270,000" in message
    assert (
        "0.100794 to 0.907143 from its own earlier years (2020: 0.302381, 2021: 0.302381)"
    ) in message
    assert not _found(_send(store, "op-1", HISTORY.format(y=2022)), "intensity-plausible")


def _peer(store: Store, name: str, energy: int, lines: int) -> None:
    store.add_entity(
        Entity(
            id=name,
            name=name,
            kind=EntityKind.COMPANY,
            country="FRA",
            subsectors=("mobile_network",),
        )
    )
    rows = f"energy_total,2022,{energy},MWh,,,,\nactivity_mobile_lines,2022,{lines},count,,,,\n"
    _send(store, name, rows, accept=True)


def test_lone_slip_without_history_is_caught_against_peers(store: Store) -> None:
    for name, energy in (("peer-a", 400_000), ("peer-b", 600_000), ("peer-c", 1_000_000)):
        _peer(store, name, energy, 20_000_000)  # 20, 30 and 50 kWh a line: median 0.03 MWh
    rows = "energy_total,2022,600,MWh,,,,\nactivity_mobile_lines,2022,20000000,count,,,,\n"
    (finding,) = _found(_send(store, "op-1", rows), "intensity-plausible")
    assert "energy_total per activity_mobile_lines = 0.00003 MWh/count" in finding["message"]
    assert "the median of 3 peers in mobile_network in 2022 (0.03)" in finding["message"]
    assert finding["expected"] == "0.003 to 0.3 MWh/count"
    fine = rows.replace("600,MWh", "500000,MWh")
    assert not _found(_send(store, "op-1", fine), "intensity-plausible")


def test_fewer_peers_than_the_minimum_are_no_reference(store: Store) -> None:
    _peer(store, "peer-a", 400_000, 20_000_000)
    rows = "energy_total,2022,600,MWh,,,,\nactivity_mobile_lines,2022,20000000,count,,,,\n"
    assert not _found(_send(store, "op-1", rows), "intensity-plausible")


def test_zero_and_huge_denominators_give_findings_not_crashes(store: Store) -> None:
    earlier = "energy_total,{y},500000,MWh,,,,\nactivity_mobile_lines,{y},20000000,count,,,,\n"
    _send(store, "op-1", earlier.format(y=2020), accept=True)
    zero = "energy_total,2021,500000,MWh,,,,\nactivity_mobile_lines,2021,0,count,,,,\n"
    (finding,) = _found(_send(store, "op-1", zero), "intensity-plausible")
    assert "= infinite MWh/count" in finding["message"]
    huge = "energy_total,2021,500000,MWh,,,,\nactivity_mobile_lines,2021,1e14,count,,,,\n"
    (finding,) = _found(_send(store, "op-1", huge), "intensity-plausible")
    assert "0.000000005 MWh/count" in finding["message"]
    both_zero = "energy_total,2021,0,MWh,,,,\nactivity_mobile_lines,2021,0,count,,,,\n"
    assert not _found(_send(store, "op-1", both_zero), "intensity-plausible")


# S1 + S2 against the S1+2 total -------------------------------------------------------------

FIRST = (
    "ghg_scope1,2022,100000,tCO2e,,,,\n"
    "ghg_scope2_location,2022,200000,tCO2e,,,,\n"
    "ghg_s1s2_location,2022,300000,tCO2e,,,,\n"
)


def test_restated_scope1_is_rechecked_against_the_accepted_total(store: Store) -> None:
    _send(store, "op-1", FIRST, accept=True)
    result = _send(store, "op-1", "ghg_scope1,2022,120000,tCO2e,,,boiler 3 was missing,\n")
    (finding,) = _found(result, "s1s2-consistent")
    message = finding["message"]
    assert "ghg_scope1 120,000 (row 2, restating 100,000 (revision 1))" in message
    assert "ghg_scope2_location 200,000 (accepted, revision 1) = 320,000 tCO2e" in message
    assert "ghg_s1s2_location = 300,000 tCO2e (accepted, revision 1): 6.25 % apart" in message
    # on the review queue: the submission's report, which the review page lists
    assert store.submission(result.submission_id).report is not None
    stored = store.submission(result.submission_id).report or {}
    assert [f["rule"] for f in stored["findings"]].count("s1s2-consistent") == 1
    # restating the total with it agrees again; a rounding difference is not flagged
    both = "ghg_scope1,2022,120000,tCO2e,,,,\nghg_s1s2_location,2022,320000.2,tCO2e,,,,\n"
    assert not _found(_send(store, "op-1", both), "s1s2-consistent")


def test_restated_total_names_the_accepted_components(store: Store) -> None:
    _send(store, "op-1", FIRST, accept=True)
    result = _send(store, "op-1", "ghg_s1s2_location,2022,350000,tCO2e,,,,\n")
    (finding,) = _found(result, "s1s2-consistent")
    assert "restating 300,000 (revision 1)" in finding["message"]
    assert "14.29 % apart" in finding["message"]


def test_store_check_lists_accepted_disagreements(store: Store) -> None:
    _send(store, "op-1", FIRST, accept=True)
    _send(store, "nordic", FIRST.replace("300000", "300000.1"), accept=True)  # rounding
    assert check_store(store) == []
    restated = _send(store, "op-1", "ghg_scope1,2022,120000,tCO2e,,,,\n", accept=True)
    assert _found(restated, "s1s2-consistent")
    (found,) = check_store(store)
    assert (found.entity_id, found.year, found.combined_id) == ("op-1", 2022, "ghg_s1s2_location")
    assert (found.combined, found.summed, round(found.percent, 2)) == (300_000, 320_000, 6.25)
    assert check_store(store, entity_ids=["nordic"]) == []


def test_observations_check_command_lists_them(store: Store, db_url: str) -> None:
    _send(store, "op-1", FIRST, accept=True)

    def check(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "ictfootprint", "observations", "check", *args]
        return subprocess.run(
            [*command, "--db", db_url], capture_output=True, text=True, check=False
        )

    clean = check()
    assert clean.returncode == 0, clean.stderr
    assert "0 disagree" in clean.stdout
    _send(store, "op-1", "ghg_scope1,2022,120000,tCO2e,,,,\n", accept=True)
    table = check("--entity", "op-1")
    assert table.returncode == 1 and "1 disagree" in table.stdout
    assert "300,000" in table.stdout and "320,000" in table.stdout and "6.25" in table.stdout
    (row,) = json.loads(check("--format", "json").stdout)
    assert (row["entity"], row["combined"], row["sum"]) == ("op-1", 300_000, 320_000)
    assert (
        "op-1 2022, FRA, mobile_network: ghg_scope1 + ghg_scope2_location = 320,000"
        in (row["message"])
    )


def test_comparison_never_divides_by_zero() -> None:
    assert differs_percent(0.0, [0.0, 0.0], tolerance_percent=0.1) is None
    assert differs_percent(0.0, [1.0], tolerance_percent=0.1) == 100.0
    assert differs_percent(1e15, [1e15, 1e15], tolerance_percent=0.1) == 50.0
    assert shown(20365600.0) == "20,365,600" and shown(5259727.5) == "5,259,727.5"
    assert shown(float("inf")) == "infinite" and shown(-0.25) == "-0.25"
