"""Data-collection templates: the workbook (or long CSV file) a respondent fills in.

The xlsx template has an instructions sheet and a data sheet in one of the six UN languages.
The data sheet has one row per indicator of the respondent type (required first) and these
columns: id, name, required?, unit, one column per year, method, source, comment. Column A keeps
the indicator id, the machine key; the header labels, method names and instructions come from
``template_text.toml``. Custom document properties (``ictfootprint.*``) let
:func:`ictfootprint.collection.xlsx.read_xlsx` recognise a template and its language.

The csv template is the long format (one row per indicator and year), UTF-8 with a BOM so that
spreadsheet programs open Arabic and Chinese names correctly.
"""

from __future__ import annotations

import csv
import io
import tomllib
from collections import defaultdict
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Final, Literal

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ictfootprint.errors import InputError, Location, ReferenceDataError
from ictfootprint.reference.catalogue import LANGUAGES, Indicator, catalogue, language
from ictfootprint.reference.respondents import Respondent
from ictfootprint.reference.respondents import respondent as find_respondent
from ictfootprint.units import units_for

TEMPLATE_VERSION: Final = "1"
PROP_VERSION: Final = "ictfootprint.template_version"
PROP_RESPONDENT: Final = "ictfootprint.respondent"
PROP_LANGUAGE: Final = "ictfootprint.language"
PROP_YEARS: Final = "ictfootprint.years"
PROP_DATA_SHEET: Final = "ictfootprint.data_sheet"

LEADING_COLUMNS: Final = ("id", "name", "required", "unit")  # then one column per year
TRAILING_COLUMNS: Final = ("method", "source", "comment")
METHODS: Final = ("reported", "estimated")
CSV_HEADER: Final = ("indicator", "year", "value", "unit", "method", "source", "comment", "name")
FORMATS: Final = ("xlsx", "csv")
YEAR_RANGE: Final = (1900, 2100)
RIGHT_TO_LEFT: Final = frozenset({"ar"})
# Indicators whose value may be below zero; every other quantity gets a "≥ 0" validation.
SIGNED_INDICATORS: Final = frozenset({"ghg_enabled_net_impact"})

_HEADER_FILL: Final = PatternFill("solid", fgColor="D9E1F2")
_REQUIRED_FILL: Final = PatternFill("solid", fgColor="FFF2CC")
_NOT_APPLICABLE_FILL: Final = PatternFill("solid", fgColor="EDEDED")
_WIDTHS: Final = {"id": 36, "name": 48, "required": 16, "unit": 16, "year": 14}
_TRAILING_WIDTHS: Final = {"method": 18, "source": 36, "comment": 36}


@cache
def template_text() -> dict[str, dict[str, Any]]:
    """The template's human text in every language (``template_text.toml``)."""
    source = resources.files("ictfootprint.collection").joinpath("template_text.toml")
    return tomllib.loads(source.read_text("utf-8"))


def text(lang: str) -> dict[str, Any]:
    """The template's text in one language (``InputError`` for an unsupported one)."""
    return template_text()[language(lang)]


@cache
def column_keys() -> dict[str, str]:
    """Every column label of every language (and each key itself), casefolded → column key."""
    keys = {key: key for key in (*LEADING_COLUMNS, *TRAILING_COLUMNS)}
    for lang in LANGUAGES:
        for key, label in text(lang)["columns"].items():
            keys[label.strip().casefold()] = key
    return keys


@cache
def method_keys() -> dict[str, str]:
    """Every method name of every language (and each key itself), casefolded → method key."""
    keys = {key: key for key in METHODS}
    for lang in LANGUAGES:
        for key, label in text(lang)["methods"].items():
            keys[label.strip().casefold()] = key
    return keys


def write_template(respondent: str, lang: str, years: list[int], fmt: str, out: Path) -> None:
    """Write the template for a respondent type, language and years to ``out``.

    ``fmt`` is ``"xlsx"`` (instructions and data sheets) or ``"csv"`` (the long format).
    """
    out.write_bytes(template_bytes(respondent, lang, years, fmt))


def template_bytes(respondent: str, lang: str, years: list[int], fmt: str) -> bytes:
    """The template as bytes (see :func:`write_template`).

    >>> template_bytes("organisation", "en", [2023], "csv")[:3] == b"\\xef\\xbb\\xbf"
    True
    """
    if fmt not in FORMATS:
        raise InputError(
            "unknown template format", Location(field="format"), expected="xlsx or csv", found=fmt
        )
    who = find_respondent(respondent)
    code = language(lang)
    wanted = _years(years)
    if fmt == "csv":
        return _csv(who, code, wanted)
    buffer = io.BytesIO()
    _workbook(who, code, wanted).save(buffer)
    return buffer.getvalue()


def _years(years: list[int]) -> list[int]:
    low, high = YEAR_RANGE
    bad = [
        y for y in years if isinstance(y, bool) or not isinstance(y, int) or not low <= y <= high
    ]
    if not years or bad:
        raise InputError(
            "template years",
            Location(field="years"),
            expected=f"one or more years from {low} to {high}",
            found=", ".join(map(str, bad or years)),
        )
    return sorted(set(years))


def _csv(who: Respondent, lang: str, years: list[int]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for indicator in _indicators(who):
        unit = indicator.unit if indicator.value_type == "quantity" else ""
        for year in years:
            writer.writerow(
                [indicator.id, year, "", unit, "reported", "", "", indicator.name(lang)]
            )
    return buffer.getvalue().encode("utf-8-sig")


def _indicators(who: Respondent) -> list[Indicator]:
    known = catalogue()
    return [known[iid] for iid in who.indicators]


def _workbook(who: Respondent, lang: str, years: list[int]) -> Workbook:
    words = text(lang)
    wb = Workbook()
    instructions = wb.active
    assert isinstance(instructions, Worksheet)
    instructions.title = words["instructions_sheet"]
    data = wb.create_sheet(words["data_sheet"])
    _write_instructions(instructions, who, lang, years)
    _write_data(data, who, lang, years)
    for sheet in wb.worksheets:
        sheet.sheet_view.rightToLeft = lang in RIGHT_TO_LEFT
    properties = {
        PROP_VERSION: TEMPLATE_VERSION,
        PROP_RESPONDENT: who.id,
        PROP_LANGUAGE: lang,
        PROP_YEARS: ",".join(map(str, years)),
        PROP_DATA_SHEET: data.title,
    }
    for name, value in properties.items():
        wb.custom_doc_props.append(  # type: ignore[attr-defined]  # missing from the stubs
            StringProperty(name=name, value=value)
        )
    wb.properties.creator = "ictfootprint"
    wb.properties.title = words["title"]
    return wb


def _write_instructions(ws: Worksheet, who: Respondent, lang: str, years: list[int]) -> None:
    words = text(lang)
    fill = {
        "respondent": who.name(lang),
        "years": ", ".join(map(str, years)),
        "data_sheet": words["data_sheet"],
        **words["columns"],
        **words["methods"],
        "required": words["required_yes"],
        "optional": words["required_no"],
        "version": TEMPLATE_VERSION,
        "language": words["language_name"],
    }
    lines: list[tuple[str, str]] = [
        ("title", words["title"]),
        ("", ""),
        ("bold", words["respondent"].format(**fill)),
        ("", words["years"].format(**fill)),
        ("", ""),
        ("heading", words["how_heading"]),
        *(("", f"{n}. {item.format(**fill)}") for n, item in enumerate(words["how"], 1)),
        ("", ""),
        ("heading", words["required_heading"]),
        ("", words["required_text"].format(**fill)),
        ("", ""),
        ("heading", words["csv_heading"]),
        ("", words["csv_text"].format(**fill)),
        ("", ""),
        ("", words["version"].format(**fill)),
    ]
    fonts = {"title": Font(bold=True, size=14), "heading": Font(bold=True), "bold": Font(bold=True)}
    ws.column_dimensions["A"].width = 120
    for row, (style, line) in enumerate(lines, start=1):
        cell = ws.cell(row=row, column=1, value=line or None)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if style:
            cell.font = fonts[style]


def _write_data(ws: Worksheet, who: Respondent, lang: str, years: list[int]) -> None:
    words = text(lang)
    labels = words["columns"]
    header = [
        *(labels[key] for key in LEADING_COLUMNS),
        *years,
        *(labels[key] for key in TRAILING_COLUMNS),
    ]
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    indicators = _indicators(who)
    for row, indicator in enumerate(indicators, start=2):
        required = indicator.id in who.required
        quantity = indicator.value_type == "quantity"
        ws.append(
            [
                indicator.id,
                indicator.name(lang),
                words["required_yes" if required else "required_no"],
                indicator.unit if quantity else None,
                *([None] * len(years)),
                words["methods"]["reported"],
            ]
        )
        name = ws.cell(row=row, column=2)
        name.comment = Comment(indicator.definition(lang), "ictfootprint", height=180, width=360)
        name.alignment = Alignment(wrap_text=True, vertical="top")
        if required:
            name.font = Font(bold=True)
            for column in (1, 2, 3):
                ws.cell(row=row, column=column).fill = _REQUIRED_FILL
        if not quantity:
            ws.cell(row=row, column=4).fill = _NOT_APPLICABLE_FILL
    _add_validations(ws, indicators, lang, years)
    widths = [*(_WIDTHS[key] for key in LEADING_COLUMNS), *([_WIDTHS["year"]] * len(years))]
    widths += [_TRAILING_WIDTHS[key] for key in TRAILING_COLUMNS]
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = "C2"  # header row and the id and name columns stay in view


def _add_validations(
    ws: Worksheet, indicators: list[Indicator], lang: str, years: list[int]
) -> None:
    """Drop-downs for units, methods and categories, and input messages on the year cells.

    Number checks only warn: a respondent may need to enter text such as "n/a", and the
    reader and the validation rules deal with whatever is entered.
    """
    words = text(lang)
    first, last = get_column_letter(5), get_column_letter(4 + len(years))
    method_column = get_column_letter(5 + len(years))

    def validation(
        kind: Literal["decimal", "whole", "list"] | None, prompt_title: str, prompt: str, **kw: Any
    ) -> DataValidation:
        dv = DataValidation(
            type=kind,
            allow_blank=True,
            showInputMessage=True,
            promptTitle=prompt_title,
            prompt=prompt,
            showErrorMessage=kind is not None,
            errorTitle=words["error_title"],
            error=words["error_value"],
            **kw,
        )
        ws.add_data_validation(dv)
        return dv

    value_title = words["prompt_value_title"]
    non_negative = validation(
        "decimal",
        value_title,
        words["prompt_value"],
        operator="greaterThanOrEqual",
        formula1="0",
        errorStyle="warning",
    )
    signed = validation(None, value_title, words["prompt_signed"])
    year = validation(
        "whole",
        value_title,
        words["prompt_year"],
        operator="between",
        formula1=str(YEAR_RANGE[0]),
        formula2=str(YEAR_RANGE[1]),
        errorStyle="warning",
    )
    lists: dict[tuple[str, tuple[str, ...]], list[str]] = defaultdict(list)
    for row, indicator in enumerate(indicators, start=2):
        cells = f"{first}{row}:{last}{row}"
        if indicator.value_type == "quantity":
            lists["unit", units_for(indicator.unit)].append(f"D{row}")
            (signed if indicator.id in SIGNED_INDICATORS else non_negative).add(cells)
        elif indicator.value_type == "category":
            lists["category", indicator.categories].append(cells)
        else:
            year.add(cells)
    for (kind, choices), ranges in lists.items():
        title, prompt = (
            (words["prompt_unit_title"], words["prompt_unit"])
            if kind == "unit"
            else (value_title, words["prompt_category"])
        )
        dv = validation("list", title, prompt, formula1=_choices(choices), errorStyle="stop")
        for cells in ranges:
            dv.add(cells)
    methods = [words["methods"][key] for key in METHODS]
    method = validation(
        "list",
        words["prompt_method_title"],
        words["prompt_method"],
        formula1=_choices(methods),
        errorStyle="stop",
    )
    method.add(f"{method_column}2:{method_column}{len(indicators) + 1}")
    for dv in (non_negative, signed, year):
        if not dv.sqref.ranges:
            ws.data_validations.dataValidation.remove(dv)


def _choices(choices: tuple[str, ...] | list[str]) -> str:
    """An in-cell list for a data validation (Excel: comma-separated, at most 255 characters)."""
    joined = ",".join(choices)
    if "," in "".join(choices) or '"' in joined or len(joined) > 255:
        raise ReferenceDataError(f"cannot offer {choices!r} as a drop-down list")
    return f'"{joined}"'
