"""Hostile values in submitted files (issue 13): deep nesting, endless numbers, lone surrogates,
control characters, duplicate keys, non-finite and absurd magnitudes, odd digits and encodings.
Each is a clear finding or error at its cell, never a traceback, never a stored bad value."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from ictfootprint.collection.encoding import decode
from ictfootprint.collection.findings import Completeness
from ictfootprint.collection.jsonreader import read_json
from ictfootprint.collection.rules import RULES
from ictfootprint.collection.service import submit
from ictfootprint.collection.template import template_bytes
from ictfootprint.collection.xlsx import _header_year, read_xlsx
from ictfootprint.errors import InputError
from ictfootprint.model import Entity, EntityKind
from ictfootprint.normalise import normalised_fields
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


@pytest.fixture
def lite(tmp_path: Path) -> Store:
    store = Store.open(str(tmp_path / "lite.db"))
    store.add_entity(Entity(id="op-1", name="One", kind=EntityKind.COMPANY, country="FRA"))
    return store


def _json(*entries: dict[str, Any]) -> bytes:
    return json.dumps({"values": list(entries)}).encode()


def _entry(**fields: Any) -> dict[str, Any]:
    return {"indicator": "energy_electricity", "year": 2022, "value": 1, "unit": "MWh", **fields}


def _findings(result: Any) -> list[tuple[str, str, int | None, str | None]]:
    return [(f["rule"], f["severity"], f["row"], f["column"]) for f in result.report["findings"]]


def _finding(result: Any, rule: str) -> dict[str, Any]:
    found = [f for f in result.report["findings"] if f["rule"] == rule]
    assert found, result.report["findings"]
    assert rule in RULES  # documented
    return found[0]  # type: ignore[no-any-return]


# 1. nesting ----------------------------------------------------------------------------------


def test_json_nested_10000_deep_is_a_clear_error_not_a_recursion_error() -> None:
    deep = b'{"values": ' + b"[" * 10_000 + b"]" * 10_000 + b"}"
    with pytest.raises(InputError) as caught:
        read_json(deep, "deep.json")
    assert "nested too deep" in caught.value.message
    assert caught.value.expected is not None and "32" in caught.value.expected


def test_json_brackets_inside_strings_do_not_count_as_nesting() -> None:
    raw = read_json(_json(_entry(comment="[" * 5000 + "{" * 5000)), "ok.json")
    assert raw.values[0].comment == "[" * 5000 + "{" * 5000


def test_json_nested_deep_is_stored_unusable(lite: Store) -> None:
    deep = b'{"values": [' + b'{"a": ' * 3000 + b"1" + b"}" * 3000 + b"]}"
    result = submit(lite, deep, "deep.json", "op-1")
    assert (result.status, result.exit_code) == ("rejected", 2)
    assert "nested too deep" in result.report["findings"][0]["message"]


# 2. endless numbers --------------------------------------------------------------------------


def test_json_number_of_5000_digits_is_a_finding_not_a_crash(lite: Store) -> None:
    data = b'{"values": [{"indicator": "energy_electricity", "year": 2022, "value": 1' + (
        b"0" * 5000 + b', "unit": "MWh"}]}'
    )
    result = submit(lite, data, "long.json", "op-1")
    assert result.status == "rejected"
    assert _findings(result) == [("value-magnitude", "error", 1, "value")]
    assert len(_finding(result, "value-magnitude")["found"]) < 80


def test_json_year_of_5000_digits_is_a_year_finding(lite: Store) -> None:
    data = b'{"values": [{"indicator": "energy_electricity", "year": 2' + (
        b"0" * 5000 + b', "value": 1, "unit": "MWh"}]}'
    )
    result = submit(lite, data, "year.json", "op-1")
    assert _findings(result) == [("year-range", "error", 1, "year")]


# 3 and 10. text that no database stores ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "what"),
    [("bad \ud800 here", "U+D800"), ("a\x00b", "U+0000"), ("bell\x07", "U+0007")],
)
def test_lone_surrogate_or_control_character_is_a_finding_at_the_field(
    store: Store, text: str, what: str
) -> None:
    data = json.dumps(
        {"values": [_entry(comment=text), _entry(indicator="ghg_scope1", unit="tCO2e")]}
    )
    result = submit(store, data.encode(), "text.json", "op-1")
    assert result.status == "rejected"
    assert _findings(result) == [("text-characters", "error", 1, "comment")]
    assert what in (_finding(result, "text-characters")["found"] or "")
    # the report is stored and read back on both databases
    record = store.submission(result.submission_id)
    assert record.report is not None and record.report["errors"] == 1
    assert store.submission_file(result.submission_id) == data.encode()


def test_control_character_in_a_csv_comment_is_a_finding(lite: Store) -> None:
    body = HEADER + "energy_electricity,2022,1,MWh,reported,report,a\x01b\n"
    result = submit(lite, body.encode(), "c.csv", "op-1")
    assert _findings(result) == [("text-characters", "error", 2, "comment")]


def test_control_character_in_another_finding_is_never_echoed(store: Store) -> None:
    """The 'found' of any finding is stored in the report: a NUL there must not reach it."""
    data = _json(_entry(indicator="energy\x00electricity"), _entry(unit="M\x00Wh"))
    result = submit(store, data, "nul.json", "op-1")
    assert [f[0] for f in _findings(result)] == ["text-characters", "text-characters"]
    assert "\x00" not in json.dumps(store.submission(result.submission_id).report)


def test_tabs_and_newlines_in_a_comment_are_kept_and_accepted(store: Store) -> None:
    data = _json(_entry(comment="line one\nline two\ttabbed\r\n"))
    result = submit(store, data, "ok.json", "op-1")
    assert result.status == "validated", result.report["findings"]
    store.accept_submission(result.submission_id, "fine")
    (current,) = store.current_observations(entity_ids=["op-1"])
    assert current.comment == "line one\nline two\ttabbed\r\n"


# 4. superscript digits in a template's year header -------------------------------------------


def test_superscript_year_header_is_not_a_year() -> None:
    assert _header_year("²⁰²³") is None
    assert _header_year("2023") == 2023
    assert _header_year(2023) == 2023


def test_superscript_year_header_in_a_template_is_a_clear_error() -> None:
    wb = load_workbook(io.BytesIO(template_bytes("organisation", "en", [2022], "xlsx")))
    changed = False
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value == 2022:
                    cell.value = "²⁰²²"
                    changed = True
    assert changed
    buffer = io.BytesIO()
    wb.save(buffer)
    try:
        raw = read_xlsx(buffer.getvalue(), "sup.xlsx")
    except InputError as error:  # the only year column: the header is no template's
        assert "header" in error.message and error.expected
    else:
        assert any("²⁰²²" in (n.found or "") for n in raw.notices)


# 5. encodings that are not text encodings ----------------------------------------------------


@pytest.mark.parametrize(
    "name", ["rot13", "base64", "hex", "zlib", "bz2", "uu", "punycode", "unicode_escape"]
)
def test_declared_codec_that_is_not_a_text_encoding_is_refused(name: str) -> None:
    with pytest.raises(InputError) as caught:
        decode((HEADER + "energy_electricity,2022,1,MWh,,,\n").encode(), "f.csv", declared=name)
    assert caught.value.location.field == "encoding"
    assert caught.value.found == name


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ictfootprint", *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "COLUMNS": "400"},  # one line per finding
    )


def test_cli_submit_with_encoding_rot13_is_unusable_exit_2(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    cli = _cli
    added = cli("entities", "add", "op-1", "--name", "One", "--country", "FRA", "--db", db)
    assert added.returncode == 0, added.stderr
    path = tmp_path / "f.csv"
    path.write_text(HEADER + "energy_electricity,2022,1,MWh,,,\n")
    done = cli("submit", str(path), "--entity", "op-1", "--encoding", "rot13", "--db", db)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert "not a text encoding" in done.stdout


def test_api_submit_with_encoding_rot13_is_a_rejected_unusable_file(db_url: str) -> None:
    from api_world import build_world

    world = build_world(db_url)
    try:
        client: TestClient = world.client
        response = client.post(
            "/api/v1/submissions",
            headers=world.headers("sub-a"),
            data={"entity": "illustrative-op-a", "encoding": "rot13"},
            files={"file": ("f.csv", (HEADER + "energy_electricity,2022,1,MWh,,,\n").encode())},
        )
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["status"] == "rejected"
        (finding,) = body["report"]["findings"]
        assert (finding["rule"], finding["column"], finding["found"]) == (
            "unusable-file",
            "encoding",
            "rot13",
        )
        assert "not a text encoding" in finding["message"]
    finally:
        world.store.close()


# 9. non-finite and absurd magnitudes ---------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit"),
    [("1e308", "GWh"), ("1e16", "MWh"), ("-1e16", "MWh"), ("1e400", "MWh"), ("1e13", "TWh")],
)
def test_absurd_magnitude_is_refused_in_the_canonical_unit(value: str, unit: str) -> None:
    with pytest.raises(InputError) as caught:
        normalised_fields(indicator_id="energy_electricity", value=value, unit=unit)
    assert caught.value.location.field == "value"
    assert caught.value.expected is not None and "MWh" in caught.value.expected


def test_1e308_gwh_csv_is_a_finding_never_infinity(lite: Store) -> None:
    body = HEADER + "energy_electricity,2022,1e308,GWh,,,\nghg_scope1,2022,inf,t,,,\n"
    result = submit(lite, body.encode(), "big.csv", "op-1")
    assert result.status == "rejected"
    assert sorted(_findings(result)) == [
        ("number-format", "error", 3, "value"),
        ("value-magnitude", "error", 2, "value"),
    ]


@pytest.mark.parametrize("literal", [b"1e400", b"-1e400", b"NaN", b"Infinity", b"-Infinity"])
def test_json_non_finite_number_is_a_finding(lite: Store, literal: bytes) -> None:
    data = b'{"values": [{"indicator": "energy_electricity", "year": 2022, "value": ' + literal
    data += b', "unit": "MWh"}]}'
    result = submit(lite, data, "inf.json", "op-1")
    assert _findings(result) == [("value-magnitude", "error", 1, "value")]


def test_json_infinite_year_is_a_year_finding(lite: Store) -> None:
    data = b'{"values": [{"indicator": "energy_electricity", "year": 1e400, "value": 1, '
    data += b'"unit": "MWh"}]}'
    result = submit(lite, data, "inf.json", "op-1")
    assert _findings(result) == [("year-range", "error", 1, "year")]


def test_xlsx_huge_number_is_refused(lite: Store) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["indicator", "year", "value", "unit"])
    ws.append(["energy_electricity", 2022, 1e308, "GWh"])
    buffer = io.BytesIO()
    wb.save(buffer)
    result = submit(lite, buffer.getvalue(), "big.xlsx", "op-1")
    assert [f[0] for f in _findings(result)] == ["value-magnitude"]


# 11. duplicate keys, odd years and digits ----------------------------------------------------


def test_duplicate_json_key_is_an_error_naming_the_key(lite: Store) -> None:
    data = (
        b'{"values": [{"indicator": "energy_electricity", "year": 2022, "value": 1, '
        b'"value": 999999, "unit": "MWh"}]}'
    )
    result = submit(lite, data, "dup.json", "op-1")
    assert result.status == "rejected"
    assert _findings(result) == [("json-duplicate-key", "error", 1, "value")]
    assert "'value'" in _finding(result, "json-duplicate-key")["message"]


def test_duplicate_top_level_key_is_unusable(lite: Store) -> None:
    data = b'{"values": [], "values": [{"indicator": "energy_electricity"}]}'
    result = submit(lite, data, "dup.json", "op-1")
    assert result.exit_code == 2
    assert "'values'" in result.report["findings"][0]["message"]


@pytest.mark.parametrize("year", ["2_023", "+2023", " 2 023", "²⁰²³", "2023.5"])
def test_year_that_int_would_bend_is_refused(lite: Store, year: str) -> None:
    body = HEADER + f"energy_electricity,{year},1,MWh,,,\n"
    result = submit(lite, body.encode(), "y.csv", "op-1")
    assert _findings(result) == [("year-range", "error", 2, "year")]


def test_json_year_2023_0_is_the_year_2023(lite: Store) -> None:
    result = submit(lite, _json(_entry(year=2022.0)), "y.json", "op-1")
    assert result.status == "validated", result.report["findings"]
    assert result.report["completeness"]["years"] == [2022]


def test_json_year_2022_5_is_not_a_whole_number(lite: Store) -> None:
    result = submit(lite, _json(_entry(year=2022.5)), "y.json", "op-1")
    assert _findings(result) == [("year-range", "error", 1, "year")]
    assert "whole number" in _finding(result, "year-range")["message"]


@pytest.mark.parametrize(
    ("year", "value", "script"),
    [("٢٠٢٢", "١٢٣٤", "ARABIC-INDIC"), ("２０２２", "１２", "FULLWIDTH")],
)
def test_digits_of_other_scripts_are_read_with_a_note(
    lite: Store, year: str, value: str, script: str
) -> None:
    body = HEADER + f"energy_electricity,{year},{value},MWh,,,\n"
    result = submit(lite, body.encode(), "d.csv", "op-1")
    assert result.status == "validated"
    assert sorted(_findings(result)) == [
        ("digits-converted", "warning", 2, "value"),
        ("digits-converted", "warning", 2, "year"),
    ]
    note = _finding(result, "digits-converted")
    assert script.lower() in note["message"].lower()
    assert result.report["completeness"]["years"] == [2022]


# issue 12: findings that say what was expected -----------------------------------------------


@pytest.mark.parametrize(("unit", "likely"), [("kwh", "kWh"), ("Mwh", "MWh"), ("gwh", "GWh")])
def test_unknown_unit_names_the_likely_unit_and_the_year(
    lite: Store, unit: str, likely: str
) -> None:
    body = HEADER + f"energy_electricity,2022,1,{unit},,,\n"
    result = submit(lite, body.encode(), "u.csv", "op-1")
    finding = _finding(result, "unit-known")
    assert finding["year"] == 2022
    assert finding["expected"] and f"did you mean {likely}?" in finding["expected"]
    assert "MWh" in finding["expected"]


def test_year_too_early_gives_the_range(lite: Store) -> None:
    result = submit(lite, (HEADER + "energy_electricity,1850,1,MWh,,,\n").encode(), "y.csv", "op-1")
    finding = _finding(result, "year-range")
    assert finding["expected"] and finding["expected"].startswith("1990 to ")


def test_ambiguous_number_names_the_locale_option(lite: Store) -> None:
    body = HEADER + 'energy_electricity,2022,"1,234",MWh,,,\n'
    result = submit(lite, body.encode(), "a.csv", "op-1")
    finding = _finding(result, "number-format")
    assert "--locale fr" in finding["expected"] and "--locale en" in finding["expected"]
    assert "locale" in finding["expected"].split("(")[-1]  # the API field too


@pytest.mark.parametrize("data", [b"", b"\n", b"  \n\n"])
def test_empty_json_says_empty_without_a_row(lite: Store, data: bytes) -> None:
    result = submit(lite, data, "empty.json", "op-1", file_format="json")
    (finding,) = result.report["findings"]
    assert finding["row"] is None and finding["column"] is None
    assert "empty" in finding["message"]


def test_invalid_json_says_line_and_column_not_row() -> None:
    with pytest.raises(InputError) as caught:
        read_json(b'{"values": [\n  {"a": }]}', "bad.json")
    assert caught.value.location.row is None
    assert "line 2, column" in caught.value.message


def test_completeness_of_a_file_without_values_is_not_100_percent(lite: Store) -> None:
    result = submit(lite, b'{"values": []}', "none.json", "op-1")
    assert result.report["completeness"]["percent"] == 0.0
    assert Completeness("organisation", [], ["energy_electricity"], {}).percent == 0.0
    assert Completeness("organisation", [2022], [], {}).percent == 100.0


def test_cli_completeness_of_a_file_without_values_says_so(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    added = _cli("entities", "add", "op-1", "--name", "One", "--country", "FRA", "--db", db)
    assert added.returncode == 0, added.stderr
    path = tmp_path / "none.json"
    path.write_text('{"values": []}')
    done = _cli("submit", str(path), "--entity", "op-1", "--db", db)
    assert done.returncode == 1
    assert "100.0 %" not in done.stdout and "no values, 0 %" in done.stdout


def test_cli_report_shows_what_was_expected_and_found(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    added = _cli("entities", "add", "op-1", "--name", "One", "--country", "FRA", "--db", db)
    assert added.returncode == 0, added.stderr
    path = tmp_path / "u.csv"
    path.write_text(HEADER + "energy_electricity,2022,1,kwh,,,\nenergy_diesel,1850,1,L,,,\n")
    done = _cli("submit", str(path), "--entity", "op-1", "--db", db, "--format", "table")
    text = " ".join(done.stdout.replace("│", " ").split())  # the table may wrap a message
    assert "(expected a unit of MWh's kind" in text
    assert "did you mean kWh?, found 'kwh')" in text
    assert "(expected 1990 to " in text
