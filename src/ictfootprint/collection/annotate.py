"""An annotated copy of a submitted workbook: each finding marked on its cell, and a report sheet.

The submitter gets back their own file: cells with an error are filled red, cells with only
warnings amber, and each carries a comment with the rule, message, expected and found. A last
sheet, "validation report" (named in the template's language), lists every finding (also
those that point at no cell) that the report lists, then, for a rule with more findings than a
report lists, how many more there are.
"""

from __future__ import annotations

import io
import re
import warnings
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any, Final

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from ictfootprint.collection.findings import Finding, Severity
from ictfootprint.collection.xlsxpackage import DAMAGE, damaged, open_package

REPORT_SHEET: Final = "validation report"
# the report sheet in the template's language (a sheet name is at most 31 characters)
REPORT_SHEETS: Final = {
    "en": REPORT_SHEET,
    "fr": "rapport de validation",
    "es": "informe de validación",
    "ru": "отчёт о проверке",
    "zh": "验证报告",
    "ar": "تقرير التحقق",
}


def report_sheet_name(lang: str | None) -> str:
    """The report sheet's name in the workbook's language (English when it has none)."""
    return REPORT_SHEETS.get(lang or "en", REPORT_SHEET)


REPORT_COLUMNS: Final = (
    "rule",
    "severity",
    "message",
    "sheet",
    "cell",
    "indicator",
    "year",
    "expected",
    "found",
)
ERROR_FILL: Final = PatternFill("solid", fgColor="FFC7CE")
WARNING_FILL: Final = PatternFill("solid", fgColor="FFEB9C")
_WIDTHS: Final = (24, 10, 60, 16, 8, 30, 8, 30, 30)
_CELL_REF: Final = re.compile(r"([A-Z]{1,3})([1-9][0-9]{0,6})")


def annotate_xlsx(
    data: bytes,
    findings: Sequence[Finding],
    name: str = "submission.xlsx",
    omitted: Mapping[str, int] | None = None,
) -> bytes:
    """A copy of the workbook ``data`` with ``findings`` marked on their cells and listed in a
    last sheet. Formulas stay as text (never evaluated); macros are not kept.

    ``omitted`` (rule → count, as in a report's JSON) and any stand-in finding (``omitted`` >
    0) become "... and 1,234 more of rule X" lines at the end of the last sheet.
    ``name`` only names the file in the ``InputError`` raised for a file the reader refuses too.
    """
    counts = dict(omitted or {})
    for stand_in in (f for f in findings if f.omitted):
        counts[stand_in.rule] = counts.get(stand_in.rule, 0) + stand_in.omitted
    findings = [f for f in findings if not f.omitted]
    open_package(data, name).close()  # the reader's refusals (encrypted, bomb, macros) apply
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about parts it cannot keep
        try:
            # Links are kept as they are (never followed): dropping them would break the
            # formulas that use them in the copy.
            wb = load_workbook(io.BytesIO(data), keep_vba=False, data_only=False, keep_links=True)
        except DAMAGE as exc:
            raise damaged(name, exc) from None
    for (sheet, ref), group in _by_cell(wb, findings).items():
        _mark(wb[sheet], ref, group)
    _report(wb, findings, counts)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _by_cell(wb: Workbook, findings: Sequence[Finding]) -> dict[tuple[str, str], list[Finding]]:
    """Findings grouped by the (sheet, cell) they point at; those pointing nowhere are left out."""
    groups: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in findings:
        if not (finding.sheet and finding.cell and finding.sheet in wb.sheetnames):
            continue
        if not isinstance(wb[finding.sheet], Worksheet):
            continue  # a chart sheet has no cells
        ref = _cell_ref(finding.cell)
        if ref is not None:
            groups[finding.sheet, ref].append(finding)
    return groups


def _cell_ref(text: str) -> str | None:
    """``text`` as a plain cell reference ("E12") if it is one inside a worksheet's bounds."""
    ref = text.replace("$", "").strip().upper()
    match = _CELL_REF.fullmatch(ref)
    if match is None:
        return None
    column, row = column_index_from_string(match[1]), int(match[2])
    return ref if row <= 1_048_576 and column <= 16_384 else None


def _mark(ws: Any, ref: str, group: list[Finding]) -> None:
    cell = ws[ref]
    if isinstance(cell, MergedCell):  # only a merged range's first cell can carry a comment
        for merged in ws.merged_cells.ranges:
            if ref in merged:
                cell = ws.cell(row=merged.min_row, column=merged.min_col)
                break
    error = any(f.severity is Severity.ERROR for f in group)
    cell.fill = ERROR_FILL if error else WARNING_FILL
    text = "\n\n".join(_describe(f) for f in group)
    if cell.comment is not None:  # keep what was there (e.g. a template's definition)
        text += "\n\n---\n" + cell.comment.text
    lines = text.count("\n") + len(text) // 40 + 2
    cell.comment = Comment(_clean(text), "ictfootprint", height=min(20 * lines, 600), width=320)


def _describe(finding: Finding) -> str:
    text = f"{finding.rule} ({finding.severity.value}): {finding.message}"
    if finding.expected is not None:
        text += f"\nexpected: {finding.expected}"
    if finding.found is not None:
        text += f"\nfound: {finding.found}"
    return text


def _report(wb: Workbook, findings: Sequence[Finding], omitted: Mapping[str, int]) -> None:
    from ictfootprint.collection.template import PROP_LANGUAGE

    custom = wb.custom_doc_props  # type: ignore[attr-defined]  # missing from the stubs
    props = {p.name: getattr(p, "value", None) for p in custom.props}
    base = report_sheet_name(str(props.get(PROP_LANGUAGE) or "en"))
    title = base
    number = 2
    while title in wb.sheetnames:
        title = f"{base} ({number})"
        number += 1
    ws = wb.create_sheet(title)
    ws.append(list(REPORT_COLUMNS))
    for header in ws[1]:
        header.font = Font(bold=True)
    for row, finding in enumerate(findings, start=2):
        values = (
            finding.rule,
            finding.severity.value,
            finding.message,
            finding.sheet,
            finding.cell,
            finding.indicator,
            finding.year,
            finding.expected,
            finding.found,
        )
        for column, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=column)
            if isinstance(value, str):
                cell.value = _clean(value)
                cell.data_type = "s"  # text such as "=SUM(A1)" must not become a formula
            else:
                cell.value = value
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        severity = ws.cell(row=row, column=2)
        severity.fill = ERROR_FILL if finding.severity is Severity.ERROR else WARNING_FILL
        ref = _cell_ref(finding.cell or "")
        if finding.sheet in wb.sheetnames and ref is not None:
            target = str(finding.sheet).replace("'", "''")
            ws.cell(row=row, column=5).hyperlink = Hyperlink(
                ref=f"E{row}", location=f"'{target}'!{ref}"
            )
    for row, (rule, count) in enumerate(omitted.items(), start=len(findings) + 2):
        ws.cell(row=row, column=1).value = _clean(rule)
        ws.cell(row=row, column=3).value = _clean(f"... and {count:,} more of rule {rule}")
    for column, width in enumerate(_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(REPORT_COLUMNS))}{len(findings) + 1}"
    for sheet in wb.worksheets:
        sheet.sheet_view.tabSelected = False
    ws.sheet_view.tabSelected = True
    wb.active = ws  # the reviewer lands on the report


def _clean(text: str) -> str:
    """Text a workbook can hold: control characters from the submitted data become "?"."""
    return str(ILLEGAL_CHARACTERS_RE.sub("?", text))
