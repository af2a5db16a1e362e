"""Data-collection templates: content, validations, languages, and the round trip through the
xlsx reader."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ictfootprint.collection import template
from ictfootprint.collection.template import template_bytes, write_template
from ictfootprint.collection.xlsx import read_xlsx
from ictfootprint.errors import InputError
from ictfootprint.reference.catalogue import LANGUAGES, catalogue
from ictfootprint.reference.respondents import Respondent, respondent, respondents
from ictfootprint.units import units_for

YEARS = [2022, 2023]


def open_template(rid: str, lang: str, years: list[int] = YEARS) -> Workbook:
    return load_workbook(io.BytesIO(template_bytes(rid, lang, years, "xlsx")))


def data_sheet(wb: Workbook) -> Worksheet:
    ws = wb.worksheets[1]
    assert isinstance(ws, Worksheet)
    return ws


def saved(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def validations(ws: Worksheet) -> dict[str, Any]:
    """Cell → the data validation that covers it (first one found)."""
    found: dict[str, Any] = {}
    for dv in ws.data_validations.dataValidation:
        for cells in dv.sqref.ranges:
            for row in ws[cells.coord] if ":" in cells.coord else [[ws[cells.coord]]]:
                for cell in row:
                    found.setdefault(cell.coordinate, dv)
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("rid", list(respondents()))
def test_round_trip_every_respondent_and_language(rid: str, lang: str) -> None:
    wb = open_template(rid, lang)
    ws = data_sheet(wb)
    written = []
    for row in range(2, ws.max_row + 1):
        indicator = catalogue()[str(ws.cell(row=row, column=1).value)]
        if indicator.value_type != "quantity":
            continue
        unit = units_for(indicator.unit)[-1]
        ws.cell(row=row, column=4, value=unit)
        ws.cell(row=row, column=8, value=f"report {row}")
        if row % 2:
            ws.cell(row=row, column=7, value=template.text(lang)["methods"]["estimated"])
        for column, year in enumerate(YEARS, start=5):
            value: float | int = row * 10 + year if column == 5 else row + 0.25
            ws.cell(row=row, column=column, value=value)
            method = "estimated" if row % 2 else "reported"
            written.append((indicator.id, year, value, unit, method, f"report {row}", row, column))
    raw = read_xlsx(saved(wb), "filled.xlsx")
    assert raw.notices == []
    assert (raw.respondent, raw.language) == (rid, lang)
    got = [
        (v.indicator, v.year, v.value, v.unit, v.method, v.source, v.where.ref) for v in raw.values
    ]
    letters = {5: "E", 6: "F"}
    assert got == [(*w[:6], f"{letters[w[7]]}{w[6]}") for w in written]
    if not written:  # a questionnaire of categories only (national-focal-point)
        assert rid == "national-focal-point" and raw.values == []
        return
    first = raw.values[0]
    sheet = template.text(lang)["data_sheet"]
    assert first.where.location.sheet == sheet and first.where.location.field == "value"
    assert {k: c.ref for k, c in first.cells.items()} == {
        "value": "E2",
        "indicator": "A2",
        "unit": "D2",
        "method": "G2",
        "source": "H2",
        "comment": "I2",
        "year": "E1",
    }


def test_empty_template_has_no_values() -> None:
    raw = read_xlsx(template_bytes("organisation", "fr", YEARS, "xlsx"), "vide.xlsx")
    assert raw.values == [] and raw.notices == []
    assert (raw.respondent, raw.language) == ("organisation", "fr")


def test_text_in_number_cells_is_read_as_text() -> None:
    wb = open_template("telecom-operator", "en")
    ws = data_sheet(wb)
    ws["E2"], ws["F2"], ws["E3"] = "n/a", "1 234,5", "  "
    raw = read_xlsx(saved(wb), "text.xlsx")
    assert [(v.where.ref, v.value) for v in raw.values] == [("E2", "n/a"), ("F2", "1 234,5")]


def test_category_and_year_rows() -> None:
    wb = open_template("organisation", "en", [2023])
    ws = data_sheet(wb)
    rows = {ws.cell(row=r, column=1).value: r for r in range(2, ws.max_row + 1)}
    status, target = rows["target_sbti_status"], rows["target_year"]
    assert ws.cell(row=status, column=4).value is None  # no unit for a category
    checks = validations(ws)
    assert checks[f"E{status}"].formula1 == '"none,committed,targets_set,removed"'
    assert checks[f"E{target}"].type == "whole"
    assert f"D{status}" not in checks
    ws.cell(row=status, column=5, value="committed")
    ws.cell(row=target, column=5, value=2040)
    raw = read_xlsx(saved(wb), "targets.xlsx")
    got = {v.indicator: (v.value, v.unit) for v in raw.values}
    assert got == {"target_sbti_status": ("committed", None), "target_year": (2040, None)}


def test_data_sheet_layout_and_validations() -> None:
    wb = open_template("telecom-operator", "en")
    ws = data_sheet(wb)
    header = [c.value for c in ws[1]]
    assert header == ["id", "name", "required?", "unit", 2022, 2023, "method", "source", "comment"]
    who = respondent("telecom-operator")
    ids = [ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1)]
    assert ids == list(who.indicators)
    assert ws.freeze_panes == "C2"
    assert ws.cell(row=2, column=3).value == "required"
    assert ws.cell(row=2, column=2).font.bold
    optional = ids.index(who.optional[0]) + 2
    assert ws.cell(row=optional, column=3).value == "optional"
    assert not ws.cell(row=optional, column=2).font.bold
    energy = catalogue()["energy_total"]
    comment = ws["B2"].comment
    assert comment is not None and comment.text == energy.definition("en")
    assert ws["D2"].value == "MWh"
    checks = validations(ws)
    assert checks["D2"].formula1 == '"' + ",".join(units_for("MWh")) + '"'
    assert checks["E2"].type == "decimal" and checks["E2"].operator == "greaterThanOrEqual"
    assert checks["F2"].formula1 == "0" and checks["F2"].errorStyle == "warning"
    assert checks["E2"].prompt and checks["G2"].formula1 == '"reported,estimated"'
    assert ws.column_dimensions["B"].width >= 40


def test_signed_indicators_get_no_lower_bound() -> None:
    # No shipped respondent type asks for net impact yet: build one that does.
    names = {lang: "test" for lang in LANGUAGES}
    who = Respondent("test", names, (), ("ghg_enabled_net_impact",), ("ghg_scope1",))
    ws = template._workbook(who, "en", YEARS).worksheets[1]
    checks = validations(ws)
    assert checks["E2"].type is None and checks["E2"].prompt == template.text("en")["prompt_signed"]
    assert checks["E3"].type == "decimal" and checks["E3"].formula1 == "0"


def test_custom_properties() -> None:
    wb = open_template("cloud-provider", "es", [2021, 2019, 2021])
    props = {p.name: p.value for p in wb.custom_doc_props}
    assert props == {
        "ictfootprint.template_version": template.TEMPLATE_VERSION,
        "ictfootprint.respondent": "cloud-provider",
        "ictfootprint.language": "es",
        "ictfootprint.years": "2019,2021",
        "ictfootprint.data_sheet": "datos",
    }
    assert [c.value for c in data_sheet(wb)[1]][4:6] == [2019, 2021]


def test_arabic_is_right_to_left_and_survives_exactly() -> None:
    wb = open_template("telecom-operator", "ar")
    assert [ws.title for ws in wb.worksheets] == ["التعليمات", "البيانات"]
    assert all(ws.sheet_view.rightToLeft for ws in wb.worksheets)
    ws = data_sheet(wb)
    assert ws["B2"].value == catalogue()["energy_total"].name("ar")
    assert ws["A2"].value == "energy_total"  # ids stay the machine key
    assert ws["C2"].value == "إلزامي"
    instructions = [c.value for c in wb.worksheets[0]["A"] if c.value]
    assert respondent("telecom-operator").name("ar") in instructions[1]
    assert not open_template("telecom-operator", "en").worksheets[0].sheet_view.rightToLeft


def test_chinese_text_survives_exactly() -> None:
    wb = open_template("data-centre-operator", "zh")
    ws = data_sheet(wb)
    assert ws.title == "数据"
    assert [c.value for c in ws[1]][:4] == ["指标编号", "指标名称", "是否必填", "单位"]
    names = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value for r in range(2, 9)}
    assert all(name == catalogue()[iid].name("zh") for iid, name in names.items())
    assert ws["G2"].value == "报告值"
    comment = ws["B2"].comment
    assert comment is not None and comment.text == catalogue()["energy_electricity"].definition(
        "zh"
    )


def test_instructions_say_what_is_needed() -> None:
    wb = open_template("telecom-operator", "fr")
    info = wb.worksheets[0]
    assert info.title == "Instructions"
    text = "\n".join(str(c.value) for c in info["A"] if c.value)
    assert "Opérateur de télécommunications" in text
    assert "« données »" in text and "« déclaré »" in text and "« estimé »" in text
    assert "« obligatoire »" in text and "CSV" in text and "Version du modèle 1" in text
    assert "{" not in text


def test_text_table_is_complete_and_unambiguous() -> None:
    tables = template.template_text()
    assert set(tables) == set(LANGUAGES)
    english = tables["en"]
    for lang, words in tables.items():
        assert set(words) == set(english), lang
        assert set(words["columns"]) == set(english["columns"]), lang
        assert set(words["methods"]) == set(template.METHODS), lang
        assert len(words["how"]) == len(english["how"]), lang
        for key in ("instructions_sheet", "data_sheet"):
            title = words[key]
            assert len(title) <= 31 and not set(title) & set("[]:*?/\\"), (lang, key)
        for key, value in words.items():
            if key.startswith("prompt_"):
                assert len(value) <= (32 if key.endswith("_title") else 255), (lang, key)
    labels: dict[str, str] = {}
    for words in tables.values():
        for key, label in words["columns"].items():
            assert labels.setdefault(label.casefold(), key) == key, label
    methods: dict[str, str] = {}
    for words in tables.values():
        for key, label in words["methods"].items():
            assert methods.setdefault(label.casefold(), key) == key, label


def test_csv_template(tmp_path: Path) -> None:
    out = tmp_path / "modele.csv"
    write_template("organisation", "zh", [2023, 2022], "csv", out)
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == list(template.CSV_HEADER)
    who = respondent("organisation")
    assert len(rows) == 1 + 2 * len(who.indicators)
    assert rows[1] == [
        "energy_electricity",
        "2022",
        "",
        "MWh",
        "reported",
        "",
        "",
        catalogue()["energy_electricity"].name("zh"),
    ]
    units = {r[0]: r[3] for r in rows[1:]}
    assert units["target_year"] == "" and units["ghg_scope1"] == "tCO2e"


def test_write_template_xlsx(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    write_template("national-statistics", "ru", [2020], "xlsx", out)
    raw = read_xlsx(out.read_bytes(), out.name)
    assert raw.language == "ru" and raw.values == []


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("nobody", "en", YEARS, "xlsx"), "respondent"),
        (("organisation", "de", YEARS, "xlsx"), "lang"),
        (("organisation", "en", [], "xlsx"), "years"),
        (("organisation", "en", [1850], "csv"), "years"),
        (("organisation", "en", YEARS, "ods"), "format"),
    ],
)
def test_bad_arguments(args: tuple[str, str, list[int], str], field: str) -> None:
    with pytest.raises(InputError) as caught:
        template_bytes(*args)
    assert caught.value.location.field == field
