"""Submitting files: validation report, workflow, revisions; on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from ictfootprint.collection.service import submit
from ictfootprint.errors import InputError
from ictfootprint.model import Entity, EntityKind, Method
from ictfootprint.store import Store

HEADER = "indicator,year,value,unit,method,source,comment\n"


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
    return store


def _rules(result: Any) -> list[tuple[str, str, int | None, str | None]]:
    return [(f["rule"], f["severity"], f["row"], f["column"]) for f in result.report["findings"]]


def test_a_valid_file_waits_for_review_then_becomes_current(store: Store) -> None:
    body = HEADER + (
        "energy_electricity,2022,1.5,GWh,reported,Annual report p.4,\n"
        "ghg_scope1,2022,2,kt CO2e,estimated,Fuel invoices,\n"
    )
    result = submit(store, body.encode(), "op1-2022.csv", "op-1")
    assert (result.status, result.exit_code, result.report["errors"]) == ("validated", 0, 0)
    assert store.current_observations(entity_ids=["op-1"]) == []  # not before review
    store.accept_submission(result.submission_id, "checked against the annual report")
    current = {o.indicator_id: o for o in store.current_observations(entity_ids=["op-1"])}
    electricity = current["energy_electricity"]
    assert (electricity.value, electricity.unit, electricity.method) == (
        1500.0,
        "MWh",
        Method.REPORTED,
    )
    assert (electricity.value_received, electricity.unit_received) == ("1.5", "GWh")
    assert electricity.source == "Annual report p.4"
    assert electricity.submission_id == result.submission_id
    assert current["ghg_scope1"].method is Method.ESTIMATED
    record = store.submission(result.submission_id)
    assert [e.status for e in record.events] == ["received", "validated", "accepted"]
    assert record.events[-1].actor == "focal-point"
    assert store.submission_file(result.submission_id) == body.encode()  # nothing lost


def test_errors_reject_the_file_and_keep_it_whole(store: Store) -> None:
    body = HEADER + (
        "energy_electricity,2022,12,MWh,,,\n"
        "ghg_scope1,2022,twelve,tCO2e,,,\n"
        "energy_diesel,2022,5,furlongz,,,\n"
        "bogus,2022,5,MWh,,,\n"
    )
    result = submit(store, body.encode(), "bad.csv", "op-1")
    assert (result.status, result.exit_code) == ("rejected", 1)
    assert _rules(result) == [
        ("number-format", "error", 3, "value"),
        ("unit-known", "error", 4, "unit"),
        ("indicator-known", "error", 5, "indicator"),
    ]
    with pytest.raises(InputError, match="only a validated submission"):
        store.accept_submission(result.submission_id)
    assert store.current_observations() == []
    assert store.submission_file(result.submission_id) == body.encode()


def test_unusable_file_is_kept_rejected_with_exit_2(store: Store) -> None:
    result = submit(store, bytes(range(256)) * 20, "garbage.csv", "op-1")
    assert (result.status, result.exit_code) == ("rejected", 2)
    assert result.report["findings"][0]["rule"] == "unusable-file"
    assert "binary data" in result.report["findings"][0]["message"]


def test_unknown_entity_is_refused_before_anything_is_stored(store: Store) -> None:
    with pytest.raises(InputError, match="unknown entity"):
        submit(store, (HEADER + "energy_electricity,2022,1,MWh,,,\n").encode(), "f.csv", "nobody")
    assert store.submissions() == []


def test_identical_resubmission_is_recognised(store: Store) -> None:
    body = (HEADER + "energy_electricity,2022,12,MWh,,,\n").encode()
    first = submit(store, body, "a.csv", "op-1")
    again = submit(store, body, "a-copy.csv", "op-1")
    assert again.identical_to == first.submission_id
    assert again.submission_id == first.submission_id
    assert len(store.submissions()) == 1


def _totals(scope3: str) -> str:
    return HEADER + (
        "ghg_scope1,2022,100,tCO2e,,,\n"
        "ghg_scope2_location,2022,200,tCO2e,,,\n"
        "ghg_scope3_total,2022,700,tCO2e,,,\n"
        f"ghg_s1s2s3_location,2022,{scope3},tCO2e,,,\n"
    )


def test_total_off_by_0_3_percent_warns_naming_both_cells(store: Store) -> None:
    result = submit(store, _totals("1003").encode(), "t.csv", "op-1")  # 1,003 vs 1,000: 0.3 %
    (finding,) = [f for f in result.report["findings"] if f["rule"] == "total-components"]
    assert finding["severity"] == "warning" and finding["row"] == 5
    assert "row 5" in finding["message"] and "rows 2" not in finding["message"]
    assert finding["related"] == ["row 2", "row 3", "row 4"]
    assert "0.30 %" in finding["message"]
    assert result.status == "validated"  # a warning does not reject


def test_rounding_difference_is_not_flagged(store: Store) -> None:
    result = submit(store, _totals("1000.04").encode(), "t.csv", "op-1")  # 0.004 %
    assert not [f for f in result.report["findings"] if f["rule"] == "total-components"]


def test_restatement_becomes_a_second_revision_with_its_reason(store: Store) -> None:
    first = submit(
        store, (HEADER + "energy_electricity,2022,1000,MWh,,,\n").encode(), "a.csv", "op-1"
    )
    store.accept_submission(first.submission_id)
    corrected = HEADER + "energy_electricity,2022,1100,MWh,,,meter 7 was missing\n"
    second = submit(store, corrected.encode(), "b.csv", "op-1")
    (finding,) = [f for f in second.report["findings"] if f["rule"] == "restatement"]
    assert "1,000 MWh (revision 1) with 1,100 MWh, +10 %" in finding["message"]
    assert "meter 7" in finding["message"]
    store.accept_submission(second.submission_id, "restatement accepted")
    history = store.observation_history("op-1", "energy_electricity", 2022)
    assert [(o.revision, o.value) for o in history] == [(1, 1000.0), (2, 1100.0)]
    assert history[1].reason == "meter 7 was missing"
    (current,) = store.current_observations(entity_ids=["op-1"])
    assert (current.value, current.revision) == (1100.0, 2)


def test_data_rules(store: Store) -> None:
    body = HEADER + (
        "energy_electricity,2021,1000,MWh,,,\n"
        "energy_electricity,2022,3000,MWh,,,\n"  # +200 %: year-on-year
        "energy_electricity_renewable,2022,3500,MWh,,,\n"  # above total
        "ghg_scope2_location,2022,900,tCO2e,,,\n"  # 3,000 × 56.039 g = 168 t: implausible
        "dc_pue,2022,0.9,dimensionless,,,\n"  # below 1
        "energy_electricity_renewable_share,2022,120,percent,,,\n"
        "energy_diesel,2022,-4,L,,,\n"
        "energy_diesel,2022,5,L,,,\n"  # duplicate
    )
    result = submit(store, body.encode(), "rules.csv", "op-1")
    found = {(f["rule"], f["row"]) for f in result.report["findings"]}
    assert found == {
        ("year-on-year", 3),
        ("renewable-within-total", 4),
        ("scope2-location-plausible", 5),
        ("range-pue", 6),
        ("range-share", 7),
        ("range-non-negative", 8),
        ("duplicate-in-file", 9),
    }


def test_completeness_lists_what_the_respondent_type_misses(store: Store) -> None:
    result = submit(
        store,
        (HEADER + "energy_electricity,2022,12,MWh,,,\n").encode(),
        "c.csv",
        "op-1",
        respondent="data-centre-operator",
    )
    completeness = result.report["completeness"]
    assert completeness["respondent"] == "data-centre-operator"
    assert "dc_pue" in completeness["missing"]["2022"]
    assert "energy_electricity" not in completeness["missing"]["2022"]
    assert completeness["percent"] == pytest.approx(100 / 13, abs=0.1)


def test_decimal_comma_declared_or_detected_never_guessed(store: Store) -> None:
    detected = (
        HEADER + 'energy_electricity,2022,"1 234,5",MWh,,,\nghg_scope1,2022,"12,25",tCO2e,,,\n'
    )
    result = submit(store, detected.encode(), "fr.csv", "op-1")
    store.accept_submission(result.submission_id)
    values = {o.indicator_id: o.value for o in store.current_observations()}
    assert values == {"energy_electricity": 1234.5, "ghg_scope1": 12.25}
    ambiguous = HEADER + 'energy_diesel,2022,"1,234",L,,,\n'
    unsure = submit(store, ambiguous.encode(), "amb.csv", "op-1")
    assert _rules(unsure) == [("number-format", "error", 2, "value")]
    declared = submit(store, ambiguous.encode(), "amb.csv", "op-1", locale="fr")
    # the same bytes read with a declared locale: a new submission that re-reads the first
    assert (declared.identical_to, declared.rereads) == (None, unsure.submission_id)
    assert declared.status == "validated", declared.report
    semicolons = "indicator;year;value;unit\nenergy_diesel;2022;1,234;L\n"
    french = submit(store, semicolons.encode(), "fr2.csv", "op-1", locale="fr")
    store.accept_submission(french.submission_id)
    assert {o.indicator_id: o.value for o in store.current_observations()}["energy_diesel"] == (
        1.234
    )


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "gb18030", "cp1256", "latin-1"])
def test_common_encodings(store: Store, encoding: str) -> None:
    comment = {
        "gb18030": "数据来自年度报告的电力消耗统计",
        "cp1256": "البيانات من التقرير السنوي للشركة",
    }.get(encoding, "Données du rapport annuel")
    body = HEADER + f"energy_electricity,2022,12,MWh,reported,report,{comment}\n"
    result = submit(store, body.encode(encoding), f"{encoding}.csv", "op-1")
    assert result.status == "validated", result.report
    store.accept_submission(result.submission_id)
    (obs,) = store.current_observations()
    assert obs.comment == comment


def test_json_submission(store: Store) -> None:
    body = (
        b'{"values": [{"indicator": "energy_electricity", "year": 2022, "value": 12.5, '
        b'"unit": "MWh", "source": "API"}, {"indicator": "ghg_scope1", "year": "2022", '
        b'"value": true, "unit": "tCO2e"}]}'
    )
    result = submit(store, body, "api.json", "op-1")
    assert result.report["format"] == "json"
    assert [(f["rule"], f["row"], f["column"]) for f in result.report["findings"]] == [
        ("json-type", 2, "value"),
        ("required-field", 2, "value"),
    ]
