"""The annotated copy of a submitted workbook: fills, comments and the validation report sheet."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from ictfootprint.collection.annotate import ERROR_FILL, REPORT_SHEET, WARNING_FILL, annotate_xlsx
from ictfootprint.collection.findings import Finding, Severity
from ictfootprint.collection.template import template_bytes
from ictfootprint.errors import InputError

CORPUS = Path(__file__).parent / "bad_inputs" / "xlsx"


def filled_template() -> bytes:
    wb = load_workbook(io.BytesIO(template_bytes("telecom-operator", "en", [2022, 2023], "xlsx")))
    ws = wb.worksheets[1]
    ws["E2"], ws["F2"], ws["E3"], ws["F3"] = 1500, -3, "n/a", "=E3*2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


FINDINGS = [
    Finding(
        "value-non-negative",
        Severity.ERROR,
        "value below zero",
        sheet="data",
        row=2,
        column="F",
        cell="F2",
        indicator="energy_total",
        year=2023,
        expected=">= 0",
        found="-3",
    ),
    Finding(
        "value-number",
        Severity.WARNING,
        "not a number",
        sheet="data",
        cell="E3",
        indicator="energy_electricity",
        year=2022,
        expected="a number",
        found="n/a",
    ),
    Finding("xlsx-formula", Severity.ERROR, "formula", sheet="data", cell="F3", found="=E3*2"),
    Finding("trend", Severity.WARNING, "jump from last year", sheet="data", cell="F2"),
    Finding("completeness", Severity.WARNING, "energy_diesel missing", indicator="energy_diesel"),
]


def annotated(findings: list[Finding]) -> tuple[Worksheet, Worksheet, list[str]]:
    wb = load_workbook(io.BytesIO(annotate_xlsx(filled_template(), findings)))
    data, report = wb["data"], wb.worksheets[-1]
    assert isinstance(data, Worksheet) and isinstance(report, Worksheet)
    return data, report, wb.sheetnames


def test_two_findings_are_marked_on_their_cells() -> None:
    data, report, names = annotated(FINDINGS[:2])
    assert names == ["instructions", "data", REPORT_SHEET]
    assert data["F2"].fill.fgColor.rgb.endswith(ERROR_FILL.fgColor.rgb[-6:])
    assert data["E3"].fill.fgColor.rgb.endswith(WARNING_FILL.fgColor.rgb[-6:])
    error, warning = data["F2"].comment, data["E3"].comment
    assert error is not None and warning is not None
    assert "value-non-negative (error): value below zero" in error.text
    assert "expected: >= 0" in error.text and "found: -3" in error.text
    assert warning.text.startswith("value-number (warning): not a number")
    assert data["E2"].comment is None and data["E2"].value == 1500
    assert data["F3"].value == "=E3*2"  # formulas stay formulas, never evaluated
    rows = [[c.value for c in row] for row in report.iter_rows()]
    assert rows[0] == [
        "rule",
        "severity",
        "message",
        "sheet",
        "cell",
        "indicator",
        "year",
        "expected",
        "found",
    ]
    assert rows[1] == [
        "value-non-negative",
        "error",
        "value below zero",
        "data",
        "F2",
        "energy_total",
        2023,
        ">= 0",
        "-3",
    ]
    assert rows[2][:5] == ["value-number", "warning", "not a number", "data", "E3"]
    assert report["E2"].hyperlink is not None and report["E2"].hyperlink.location == "'data'!F2"


def test_several_findings_on_one_cell_share_one_comment() -> None:
    data, report, _ = annotated(FINDINGS)
    comment = data["F2"].comment
    assert comment is not None
    assert "value-non-negative" in comment.text and "trend (warning)" in comment.text
    assert data["F2"].fill.fgColor.rgb.endswith(ERROR_FILL.fgColor.rgb[-6:])  # error wins
    assert report.max_row == len(FINDINGS) + 1
    formula = report.cell(row=4, column=9)
    assert (formula.value, formula.data_type) == ("=E3*2", "s")  # text, not a formula
    assert report.cell(row=6, column=4).value is None  # no sheet: only in the report


def test_existing_comments_are_kept() -> None:
    name_cell = Finding("name", Severity.WARNING, "look here", sheet="data", cell="B2")
    data, _, _ = annotated([name_cell])
    comment = data["B2"].comment
    assert comment is not None
    assert comment.text.startswith("name (warning): look here")
    assert "Final energy consumed" in comment.text  # the template's definition


def test_findings_pointing_nowhere_are_only_listed() -> None:
    stray = [
        Finding("a", Severity.ERROR, "unknown sheet", sheet="nope", cell="A1"),
        Finding("b", Severity.ERROR, "bad ref", sheet="data", cell="not a cell"),
        Finding("c", Severity.ERROR, "beyond the last column", sheet="data", cell="XFE1"),
        Finding("d", Severity.ERROR, "absolute ref", sheet="data", cell="$E$2"),
    ]
    data, report, _ = annotated(stray)
    assert report.max_row == 5
    assert [report.cell(row=r, column=5).hyperlink is None for r in (2, 3, 4, 5)] == [
        True,
        True,
        True,
        False,
    ]
    comment = data["E2"].comment
    assert comment is not None and comment.text.startswith("d (error)")


def test_merged_cells_get_the_comment_on_their_first_cell() -> None:
    data = (CORPUS / "merged_cells.xlsx").read_bytes()
    finding = Finding("xlsx-merged-cells", Severity.ERROR, "merged", sheet="data", cell="F4")
    wb = load_workbook(io.BytesIO(annotate_xlsx(data, [finding])))
    comment = wb["data"]["E4"].comment
    assert comment is not None and "xlsx-merged-cells" in comment.text


def test_a_report_sheet_never_replaces_an_existing_one() -> None:
    first = annotate_xlsx(filled_template(), FINDINGS[:1])
    wb = load_workbook(io.BytesIO(annotate_xlsx(first, FINDINGS[1:2])))
    assert wb.sheetnames[-2:] == [REPORT_SHEET, f"{REPORT_SHEET} (2)"]


@pytest.mark.parametrize("name", ["macro_enabled.xlsm", "encrypted.xlsx", "zip_bomb_ratio.xlsx"])
def test_refuses_what_the_reader_refuses(name: str) -> None:
    with pytest.raises(InputError) as caught:
        annotate_xlsx((CORPUS / name).read_bytes(), FINDINGS, name)
    assert caught.value.location.file == name


def test_a_french_workbook_got_an_english_report_sheet_name() -> None:
    """Regression: the report sheet of an annotated French template was "validation report"."""
    from ictfootprint.collection.annotate import report_sheet_name

    data = template_bytes("telecom-operator", "fr", [2023], "xlsx")
    book = load_workbook(io.BytesIO(annotate_xlsx(data, [])))
    assert book.sheetnames[-1] == report_sheet_name("fr") == "rapport de validation"
    english = load_workbook(
        io.BytesIO(annotate_xlsx(template_bytes("telecom-operator", "en", [2023], "xlsx"), []))
    )
    assert english.sheetnames[-1] == REPORT_SHEET
