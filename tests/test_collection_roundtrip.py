"""A generated template, filled in and submitted, comes back as current values with method and
source: the whole data collection, end to end, in English, Arabic and Chinese."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from ictfootprint.collection import template
from ictfootprint.collection.service import submit
from ictfootprint.model import Entity, EntityKind, Method
from ictfootprint.reference.catalogue import catalogue
from ictfootprint.store import Store


@pytest.mark.parametrize("lang", ["en", "ar", "zh"])
def test_filled_template_is_accepted_and_read_back(tmp_path: object, lang: str) -> None:
    store = Store.open(f"sqlite:///{tmp_path}/t.db", actor="regulator")
    store.add_entity(
        Entity(
            id="op-1",
            name="Operator One",
            kind=EntityKind.COMPANY,
            country="KEN",
            subsectors=("mobile_network",),
        )
    )
    workbook = load_workbook(
        io.BytesIO(template.template_bytes("telecom-operator", lang, [2022, 2023], "xlsx"))
    )
    sheet = workbook.worksheets[1]
    estimated = template.text(lang)["methods"]["estimated"]
    filled = {}
    for row in range(2, sheet.max_row + 1):
        indicator_id = str(sheet.cell(row=row, column=1).value)
        if indicator_id not in ("energy_electricity", "ghg_scope1", "activity_mobile_lines"):
            continue
        value = {
            "energy_electricity": 1200.5,
            "ghg_scope1": 80.25,
            "activity_mobile_lines": 1_500_000,
        }[indicator_id]
        sheet.cell(row=row, column=5, value=value)  # 2022
        sheet.cell(row=row, column=6, value=value * 1.1)  # 2023
        if indicator_id == "ghg_scope1":
            sheet.cell(row=row, column=7, value=estimated)
        sheet.cell(row=row, column=8, value=f"annual report, {indicator_id}")
        filled[indicator_id] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = submit(store, buffer.getvalue(), f"survey-{lang}.xlsx", "op-1")
    assert result.status == "validated", result.report["findings"]
    assert result.report["completeness"]["respondent"] == "telecom-operator"
    store.accept_submission(result.submission_id, "complete and consistent")
    current = {(o.indicator_id, o.year): o for o in store.current_observations()}
    assert len(current) == 6
    for indicator_id, value in filled.items():
        obs = current[(indicator_id, 2022)]
        assert obs.value == pytest.approx(value)
        assert obs.unit == catalogue()[indicator_id].unit
        assert obs.source == f"annual report, {indicator_id}"
        assert obs.method is (Method.ESTIMATED if indicator_id == "ghg_scope1" else Method.REPORTED)
        assert obs.submission_id == result.submission_id
    assert current[("activity_mobile_lines", 2023)].value == pytest.approx(1_650_000)
