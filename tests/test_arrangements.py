"""Item 7 of issue 16: the national focal points' questionnaire on monitoring arrangements
(a respondent type with its template, submitted and reviewed like any other) and the world
view of who has a mandate for what (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from ictfootprint.collection.service import submit
from ictfootprint.collection.template import write_template
from ictfootprint.model import Entity, EntityKind
from ictfootprint.store import Store
from ictfootprint.surveys.arrangements import questions, world_arrangements

YEAR = 2025
HEADER = "indicator,year,value,unit,method,source,comment\n"
HOSTILE = '<script>alert(1)</script> =HYPERLINK("http://x")'
QUOTED = '"' + HOSTILE.replace('"', '""') + '"'
FRANCE = (
    HEADER
    + "\n".join(
        [
            f"arrangement_mandate,{YEAR},mandated,,reported,FP,Arcep; Loi 2021-1755 (REEN)",
            f"arrangement_authority_kind,{YEAR},regulator,,reported,Focal point,Arcep",
            f"arrangement_mandate_year,{YEAR},2021,,reported,Focal point,",
            f"arrangement_collects_energy,{YEAR},mandatory,,reported,Focal point,",
            f"arrangement_collects_ghg,{YEAR},mandatory,,reported,Focal point,",
            f"arrangement_covers_networks,{YEAR},mandatory,,reported,Focal point,",
            f"arrangement_covers_data_centres,{YEAR},mandatory,,reported,Focal point,",
            f"arrangement_covers_devices,{YEAR},mandatory,,reported,Focal point,",
            f"arrangement_frequency,{YEAR},annual,,reported,Focal point,",
            f"arrangement_plans,{YEAR},extend,,reported,Focal point,{QUOTED}",
        ]
    )
    + "\n"
)
KENYA = (
    HEADER
    + "\n".join(
        [
            f"arrangement_mandate,{YEAR},planned,,reported,Focal point,Draft regulation",
            f"arrangement_authority_kind,{YEAR},regulator,,reported,Focal point,",
            f"arrangement_collects_energy,{YEAR},voluntary,,reported,Focal point,",
            f"arrangement_frequency,{YEAR},one_off,,reported,Focal point,",
        ]
    )
    + "\n"
)


def _countries(store: Store) -> None:
    for code, name in (("FRA", "France"), ("KEN", "Kenya"), ("BRA", "Brazil")):
        store.add_entity(Entity(id=code, name=name, kind=EntityKind.COUNTRY, country=code))


def _answer(store: Store, country: str, text: str) -> str:
    sent = submit(
        store, text.encode(), f"{country}.csv", country, respondent="national-focal-point"
    )
    if sent.status == "validated":
        store.accept_submission(sent.submission_id, "checked")
        return "accepted"
    return sent.status


@pytest.fixture
def store(db_url: str) -> Store:
    store = Store.open(db_url, actor="tester")
    _countries(store)
    return store


def test_world_view_counts_who_has_a_mandate_for_what(store: Store) -> None:
    assert _answer(store, "FRA", FRANCE) == "accepted"
    assert _answer(store, "KEN", KENYA) == "accepted"
    world = world_arrangements(store).as_dict()
    assert (world["countries_answered"], world["mandated"]) == (2, 1)
    mandate = world["counts"]["arrangement_mandate"]
    assert mandate == {"mandated": 1, "designated": 0, "planned": 1, "none": 0, "no answer": 0}
    assert world["counts"]["arrangement_covers_devices"]["no answer"] == 1
    france = next(c for c in world["countries"] if c["country"] == "FRA")
    assert france["answers"]["arrangement_mandate_year"] == "2021"
    assert france["comments"]["arrangement_plans"] == HOSTILE  # kept as text, never run
    regions = {r["region"]: r for r in world["regions"]}
    assert regions["ITU-EUR"]["mandated"] == 1 and regions["ITU-AFR"]["countries"] == 1
    only = world_arrangements(store, region="ITU-AFR").as_dict()
    assert [c["country"] for c in only["countries"]] == ["KEN"]


def test_an_answer_outside_the_categories_is_rejected(store: Store) -> None:
    bad = HEADER + f"arrangement_mandate,{YEAR},yes; DROP TABLE users,,reported,FP,\n"
    assert _answer(store, "BRA", bad) == "rejected"
    assert world_arrangements(store).countries == ()


def test_questionnaire_template_round_trips_through_the_collection(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "nfp.xlsx"
    write_template("national-focal-point", "zh", [YEAR], "xlsx", path)
    book = openpyxl.load_workbook(path)
    sheet = book[book.sheetnames[-1]]
    ids = {sheet.cell(row, 1).value: row for row in range(1, sheet.max_row + 1)}
    assert set(questions()) <= set(ids)
    year_column = next(
        c for c in range(1, sheet.max_column + 1) if str(sheet.cell(1, c).value) == str(YEAR)
    )
    for question, answer in (
        ("arrangement_mandate", "designated"),
        ("arrangement_authority_kind", "ministry"),
        ("arrangement_frequency", "multi_year"),
    ):
        sheet.cell(ids[question], year_column).value = answer
    book.save(path)
    sent = submit(store, path.read_bytes(), "nfp.xlsx", "BRA")
    assert sent.status == "validated", sent
    store.accept_submission(sent.submission_id, "checked")
    brazil = world_arrangements(store).countries[0]
    assert brazil.answers["arrangement_mandate"] == "designated"
    assert brazil.region == "ITU-AMS"
