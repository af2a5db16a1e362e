"""Fossil and non-fossil methane: AR6 gives them different GWP100s (29.8 and 27.0, WG1
Table 7.15), AR5 30 and 28; the program offered only one CH4 (AR6 27.9, from Table 7.SM.7) and
never said which value a calculated Scope 1 used."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ictfootprint.collection.service import submit
from ictfootprint.compute.activity import compute_activity
from ictfootprint.errors import UnitError
from ictfootprint.model import Entity, EntityKind
from ictfootprint.reference.gwp import gwp_set
from ictfootprint.store import Store
from ictfootprint.units import co2e, convert


@pytest.mark.parametrize(
    ("unit", "gwp", "expected"),
    [
        ("kg CH4_fossil", "AR6", 29.8),
        ("kg CH4_non_fossil", "AR6", 27.0),
        ("kg CH4_fossil", "AR5", 30.0),
        ("kg CH4_non_fossil", "AR5", 28.0),
        ("kgCH4_fossil", "AR6", 29.8),
        ("kg CH4 fossil", "AR6", 29.8),
        ("kg CH4-non-fossil", "AR6", 27.0),
        ("kg CH4", "AR6", 27.9),  # the single value of the package's AR6 column, unchanged
    ],
)
def test_fossil_and_non_fossil_methane_convert_with_their_own_gwp(
    unit: str, gwp: str, expected: float
) -> None:
    result = convert(1, unit, "kg CO2e", gwp=gwp)
    assert result.value == pytest.approx(expected, rel=1e-12)
    assert result.gwp_set == f"{gwp}GWP100"


def test_ar4_has_no_fossil_methane_and_says_so() -> None:
    with pytest.raises(UnitError) as caught:
        convert(1, "kg CH4_fossil", "kg CO2e", gwp="AR4")
    error = caught.value
    assert "AR4GWP100" in error.message and "CH4_fossil" in error.message
    assert "CH4" in str(error.expected) and "AR6" in str(error.expected)


def test_gas_names_of_methane_for_refrigerant_style_inputs() -> None:
    assert co2e(1, "CH4 fossil", "t", gwp="AR6").value == pytest.approx(29.8)
    assert co2e(1, "CH4-non-fossil", "t", gwp="AR5").value == pytest.approx(28.0)


def test_each_gwp_value_names_its_table() -> None:
    ar6 = gwp_set("AR6")
    assert ar6.value_of("CH4_fossil").describe() == "CH4 fossil 29.8 (IPCC AR6 WG1 Table 7.15)"
    assert ar6.value_of("CH4_non_fossil").describe() == (
        "CH4 non-fossil 27 (IPCC AR6 WG1 Table 7.15)"
    )
    assert "Table 7.SM.7" in ar6.value_of("CH4").source
    assert "Table 8.A.1" in gwp_set("AR5").value_of("N2O").source
    assert "Table 2.14" in gwp_set("AR4").value_of("CH4").source


def _store(tmp_path: Path) -> Store:
    store = Store.open(f"sqlite:///{tmp_path / 'store.db'}", actor="focal-point")
    store.add_entity(
        Entity(id="op-1", name="Op", kind=EntityKind.COMPANY, country="KEN", subsectors=())
    )
    return store


def test_a_submission_reports_scope1_in_kg_of_fossil_methane(tmp_path: Path) -> None:
    store = _store(tmp_path)
    body = "indicator,year,value,unit\nghg_scope1,2022,1000,kg CH4_fossil\n"
    result = submit(store, body.encode(), "s1.csv", "op-1")
    assert result.report["errors"] == 0, result.report
    store.accept_submission(result.submission_id)
    (stored,) = store.current_observations(entity_ids=["op-1"])
    # the default set is AR5: 1 t of fossil methane × 30
    assert (stored.value, stored.unit, stored.gwp_set) == (30.0, "tCO2e", "AR5GWP100")
    assert stored.lineage["gwp"] == (
        "GWP100 AR5: CH4 fossil 30 (IPCC AR5 WG1 Table 8.A.1 note: 28 + 2 for the CO2 of "
        "fossil methane's oxidation)"
    )


def _activity(tmp_path: Path) -> Path:
    folder = tmp_path / "activity"
    folder.mkdir()
    (folder / "fuels.csv").write_text(
        "entity_id,country,year,fuel,quantity,unit\nop-1,KEN,2022,diesel,1000,L\n"
    )
    (folder / "refrigerants.csv").write_text(
        "entity_id,country,year,gas,kg\nop-1,KEN,2022,CH4_fossil,100\n"
    )
    return folder


def test_calculated_scope1_names_the_gwp_values_used(tmp_path: Path) -> None:
    store = _store(tmp_path)
    run = compute_activity(store, _activity(tmp_path), gwp="AR6")
    current = {o.indicator_id: o for o in store.current_observations(methods=["calculated"])}
    # 100 kg of fossil methane × 29.8 = 2.98 t
    assert current["ghg_refrigerant_emissions"].value == pytest.approx(2.98)
    lineage = current["ghg_scope1"].lineage
    text = lineage["gwp"]
    assert text.startswith("GWP100 AR6: ")
    assert "CH4 fossil 29.8 (IPCC AR6 WG1 Table 7.15)" in text
    assert "CH4 27.9, N2O 273 (IPCC AR6 WG1 Table 7.SM.7" in text  # combustion's
    assert run.gwp == text


def test_compute_command_shows_the_gwp_values(tmp_path: Path) -> None:
    store = _store(tmp_path)
    del store
    folder = _activity(tmp_path)
    db = f"sqlite:///{tmp_path / 'store.db'}"
    common = ["compute", "--activity", str(folder), "--db", db, "--gwp", "AR6"]
    table = subprocess.run(
        [sys.executable, "-m", "ictfootprint", *common],
        capture_output=True,
        text=True,
        check=False,
    )
    assert table.returncode == 0, table.stderr
    assert "GWP100 AR6: " in table.stdout and "CH4 fossil 29.8" in table.stdout
    as_json = subprocess.run(
        [sys.executable, "-m", "ictfootprint", *common, "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert as_json.returncode == 0, as_json.stderr
    assert "CH4 fossil 29.8 (IPCC AR6 WG1 Table 7.15)" in json.loads(as_json.stdout)["gwp"]


def test_convert_names_the_gwp_value_it_used() -> None:
    command = ["convert", "10", "kg CH4_fossil", "tCO2e", "--gwp", "AR6"]
    done = subprocess.run(
        [sys.executable, "-m", "ictfootprint", *command],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        "0.298 tCO2e  (GWP100 AR6: CH4 fossil 29.8 (IPCC AR6 WG1 Table 7.15))"
    )
    assert convert(1, "t CH4", "t CO2e", gwp="AR5").gwp == (
        "GWP100 AR5: CH4 28 (IPCC AR5 WG1 Table 8.A.1, without climate-carbon feedbacks, via "
        f"{gwp_set('AR5').source.split(' via ')[1].removesuffix(' (CC0)')})"
    )
