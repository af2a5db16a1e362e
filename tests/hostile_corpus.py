"""The hostile corpus: files an attacker (or a careless exporter) sends, built at test time.

Each :class:`Case` is a file, the options it is sent with, and what must happen to it:

- ``NOT_VALID``: it must not validate (refused as unusable, or rejected with findings);
- ``valid(...)``: it must validate with exactly these values (indicator, year, canonical value);
- ``maybe(...)``: either not valid, or valid with exactly these values (the reading is a choice,
  a wrong value never is);
- ``ANY``: only the safety checks (the exact outcome is pinned by another test).

Every case, whatever its expectation, must also pass the safety checks of
``tests/test_hostile_corpus.py``: no traceback, no 5xx, a bounded report, no non-finite value,
bounded time and memory, nothing stored after a failure answer.

Nothing here is committed as binary: the big files are made when the tests run, and the
generators are bounded themselves (the 1 GiB zip member is compressed from chunks).
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from openpyxl import Workbook, load_workbook

from ictfootprint.collection.template import template_bytes

Values = tuple[tuple[str, int, float], ...]

ENTITY: Final = "op-1"
H: Final = "indicator,year,value,unit,method,source,comment\n"
ROW: Final = "energy_electricity,2022,1000,MWh,reported,report,"
GOOD: Final[Values] = (("energy_electricity", 2022, 1000.0),)
XLSX_CORPUS: Final = Path(__file__).parent / "bad_inputs" / "xlsx"


@dataclass(frozen=True)
class Expect:
    kind: str  # "not-valid" | "valid" | "maybe" | "any"
    values: Values = ()


NOT_VALID: Final = Expect("not-valid")
ANY: Final = Expect("any")


def valid(values: Values = GOOD) -> Expect:
    return Expect("valid", values)


def maybe(values: Values = GOOD) -> Expect:
    return Expect("maybe", values)


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[], bytes]
    expect: Expect
    file_name: str = ""
    options: dict[str, str] = field(default_factory=dict)
    heavy: bool = False  # large to make or to read: the CLI and the API only, once

    @property
    def upload_name(self) -> str:
        return self.file_name or self.name


def _const(data: bytes) -> Callable[[], bytes]:
    return lambda: data


# --- JSON -------------------------------------------------------------------------------------


def _json_entry(**fields: object) -> dict[str, object]:
    entry: dict[str, object] = {
        "indicator": "energy_electricity",
        "year": 2022,
        "value": 1000,
        "unit": "MWh",
    }
    entry.update(fields)
    return entry


def _json(*entries: dict[str, object]) -> bytes:
    return json.dumps({"values": list(entries)}, ensure_ascii=False).encode()


def _json_raw(entry_text: str) -> bytes:
    return ('{"values": [' + entry_text + "]}").encode()


BASE_ENTRY = '"indicator": "energy_electricity", "year": 2022, "unit": "MWh"'
NO_YEAR = '"indicator": "energy_electricity", "value": 1000, "unit": "MWh"'


def json_cases() -> list[Case]:
    deep = 10_000
    return [
        Case(
            "json_nested_10000_deep.json",
            _const(b'{"values": ' + b"[" * deep + b"]" * deep + b"}"),
            NOT_VALID,
        ),
        Case("json_nested_200000_deep.json", _const(b"[" * 200_000 + b"]" * 200_000), NOT_VALID),
        Case(
            "json_objects_nested_5000_deep.json",
            _const(b'{"a":' * 5000 + b"1" + b"}" * 5000),
            NOT_VALID,
        ),
        Case(
            "json_value_5000_digits.json",
            _const(_json_raw(BASE_ENTRY + ', "value": ' + "9" * 5000)),
            NOT_VALID,
        ),
        Case(
            "json_year_5000_digits.json",
            _const(
                _json_raw(
                    '"indicator": "energy_electricity", "value": 1, "unit": "MWh", "year": '
                    + "2" * 5000
                )
            ),
            NOT_VALID,
        ),
        Case(
            "json_value_1e308_gwh.json",
            _const(_json(_json_entry(value=1e308, unit="GWh"))),
            NOT_VALID,
        ),
        Case(
            "json_value_1e999.json", _const(_json_raw(BASE_ENTRY + ', "value": 1e999')), NOT_VALID
        ),
        Case(
            "json_value_nan_literal.json",
            _const(_json_raw(BASE_ENTRY + ', "value": NaN')),
            NOT_VALID,
        ),
        Case(
            "json_value_infinity_literal.json",
            _const(_json_raw(BASE_ENTRY + ', "value": Infinity')),
            NOT_VALID,
        ),
        Case(
            "json_value_minus_infinity_literal.json",
            _const(_json_raw(BASE_ENTRY + ', "value": -Infinity')),
            NOT_VALID,
        ),
        Case(
            "json_value_text_infinity.json", _const(_json(_json_entry(value="Infinity"))), NOT_VALID
        ),
        Case("json_value_text_nan.json", _const(_json(_json_entry(value="nan"))), NOT_VALID),
        Case(
            "json_lone_surrogate_comment.json",
            _const(_json_raw(BASE_ENTRY + ', "value": 1000, "comment": "bad \\ud800 here"')),
            NOT_VALID,
        ),
        Case(
            "json_lone_surrogate_indicator.json",
            _const(
                _json_raw('"indicator": "energy\\udfff", "year": 2022, "value": 1, "unit": "MWh"')
            ),
            NOT_VALID,
        ),
        Case(
            "json_lone_surrogate_source.json",
            _const(_json_raw(BASE_ENTRY + ', "value": 1000, "source": "\\udc00"')),
            NOT_VALID,
        ),
        Case(
            "json_nul_in_comment.json",
            _const(_json_raw(BASE_ENTRY + ', "value": 1000, "comment": "a\\u0000b"')),
            NOT_VALID,
        ),
        Case(
            "json_nul_in_source.json",
            _const(_json_raw(BASE_ENTRY + ', "value": 1000, "source": "\\u0000"')),
            NOT_VALID,
        ),
        Case(
            "json_escape_sequence_in_comment.json",
            _const(_json(_json_entry(comment="\x1b[31mred\x1b[0m"))),
            NOT_VALID,
        ),
        Case(
            "json_duplicate_value_key.json",
            _const(_json_raw(BASE_ENTRY + ', "value": 1, "value": 999999')),
            NOT_VALID,
        ),
        Case(
            "json_duplicate_values_key.json",
            _const(b'{"values": [], "values": [{' + NO_YEAR.encode() + b', "year": 2022}]}'),
            NOT_VALID,
        ),
        Case("json_year_with_underscore.json", _const(_json(_json_entry(year="2_022"))), NOT_VALID),
        Case(
            "json_year_float_whole.json",
            _const(_json_raw(NO_YEAR + ', "year": 2022.0')),
            maybe(),
        ),
        Case(
            "json_year_float_fraction.json",
            _const(_json_raw(NO_YEAR + ', "year": 2022.5')),
            NOT_VALID,
        ),
        Case("json_year_superscript.json", _const(_json(_json_entry(year="²⁰²²"))), NOT_VALID),
        Case(
            "json_value_arabic_indic_digits.json", _const(_json(_json_entry(value="١٠٠٠"))), maybe()
        ),
        Case(
            "json_value_fullwidth_digits.json",
            _const(_json(_json_entry(value="１０００"))),
            maybe(),
        ),
        Case(
            "json_year_arabic_indic_digits.json", _const(_json(_json_entry(year="٢٠٢٢"))), maybe()
        ),
        Case("json_value_boolean.json", _const(_json(_json_entry(value=True))), NOT_VALID),
        Case("json_value_object.json", _const(_json(_json_entry(value={"$gt": 0}))), NOT_VALID),
        Case("json_value_list.json", _const(_json(_json_entry(value=[1, 2]))), NOT_VALID),
        Case("json_top_level_number.json", _const(b"42"), NOT_VALID),
        Case("json_top_level_string.json", _const(b'"values"'), NOT_VALID),
        Case("json_null.json", _const(b"null"), NOT_VALID),
        Case("json_empty_object.json", _const(b"{}"), NOT_VALID),
        Case("json_values_null.json", _const(b'{"values": null}'), NOT_VALID),
        Case("json_empty_list.json", _const(b"[]"), NOT_VALID),
        Case("json_trailing_garbage.json", _const(_json(_json_entry()) + b" {}"), NOT_VALID),
        Case("json_utf8_bom.json", _const(b"\xef\xbb\xbf" + _json(_json_entry())), valid()),
        Case("json_utf16.json", _const(_json(_json_entry()).decode().encode("utf-16")), maybe()),
        Case(
            "json_invalid_utf8.json",
            _const(_json(_json_entry(comment="x")).replace(b'"x"', b'"\xff\xfe"')),
            NOT_VALID,
        ),
        Case(
            "json_200000_empty_entries.json",
            _const(b'{"values": [' + b",".join([b"{}"] * 200_000) + b"]}"),
            NOT_VALID,
        ),
        Case("json_proto_key.json", _const(_json(_json_entry(__proto__={"admin": True}))), maybe()),
        Case(
            "json_sql_in_indicator.json",
            _const(_json(_json_entry(indicator="energy_electricity'; DROP TABLE observations;--"))),
            NOT_VALID,
        ),
        Case(
            "json_sql_in_comment.json",
            _const(_json(_json_entry(comment="'); DROP TABLE submissions;--"))),
            valid(),
        ),
        Case(
            "json_script_in_comment.json",
            _const(
                _json(_json_entry(comment="<script>alert(1)</script><img src=x onerror=alert(2)>"))
            ),
            valid(),
        ),
        Case(
            "json_unit_expression_scales.json",
            _const(_json(_json_entry(unit="MWh * 1e300"))),
            NOT_VALID,
        ),
        Case(
            "json_unit_number_inside.json", _const(_json(_json_entry(unit="1e300 MWh"))), NOT_VALID
        ),
        Case("json_unit_power.json", _const(_json(_json_entry(unit="MWh**1000"))), NOT_VALID),
        Case(
            "json_unit_python_code.json",
            _const(_json(_json_entry(unit="__import__('os').system('id')"))),
            NOT_VALID,
        ),
        Case("json_unit_100k_long.json", _const(_json(_json_entry(unit="M" * 100_000))), NOT_VALID),
        Case(
            "json_indicator_rtl_override.json",
            _const(_json(_json_entry(indicator="\u202eenergy_electricity"))),
            NOT_VALID,
        ),
        Case(
            "json_indicator_cyrillic_homoglyph.json",
            _const(_json(_json_entry(indicator="\u0435nergy_electricity"))),
            NOT_VALID,
        ),
        Case(
            "json_indicator_zero_width.json",
            _const(_json(_json_entry(indicator="energy\u200b_electricity"))),
            maybe(),
        ),
        Case("json_country_markup.json", _const(_json(_json_entry(country="FRA<b>"))), NOT_VALID),
        Case(
            "json_comment_one_megabyte.json",
            _const(_json(_json_entry(comment="x" * 2**20))),
            maybe(),
        ),
        Case(
            "json_negative_zero.json",
            _const(_json_raw(BASE_ENTRY + ', "value": -0.0')),
            maybe((("energy_electricity", 2022, 0.0),)),
        ),
    ]


# --- CSV --------------------------------------------------------------------------------------


def _csv(*rows: str, header: str = H) -> bytes:
    return (header + "\n".join(rows) + "\n").encode()


def _value_row(value: str, year: str = "2022", unit: str = "MWh") -> str:
    return f"energy_electricity,{year},{value},{unit},reported,report,"


def csv_cases() -> list[Case]:
    good = _csv(ROW)
    cases = [
        Case(f"csv_encoding_{codec}.csv", _const(good), NOT_VALID, options={"encoding": codec})
        for codec in ("rot13", "base64", "hex", "zlib", "bz2", "uu", "punycode", "quopri")
    ]
    cases += [
        Case("csv_encoding_unknown.csv", _const(good), NOT_VALID, options={"encoding": "klingon"}),
        Case(
            "csv_encoding_utf7_declared.csv", _const(good), maybe(), options={"encoding": "utf-7"}
        ),
        Case("csv_value_1e308_gwh.csv", _const(_csv(_value_row("1e308", unit="GWh"))), NOT_VALID),
        Case("csv_value_1e999.csv", _const(_csv(_value_row("1e999"))), NOT_VALID),
        Case("csv_value_inf.csv", _const(_csv(_value_row("inf"))), NOT_VALID),
        Case("csv_value_minus_infinity.csv", _const(_csv(_value_row("-Infinity"))), NOT_VALID),
        Case("csv_value_nan.csv", _const(_csv(_value_row("nan"))), NOT_VALID),
        Case("csv_value_hex.csv", _const(_csv(_value_row("0x3E8"))), NOT_VALID),
        Case("csv_value_underscore.csv", _const(_csv(_value_row("1_000"))), NOT_VALID),
        Case("csv_value_superscript.csv", _const(_csv(_value_row("¹⁰⁰⁰"))), NOT_VALID),
        Case("csv_value_5000_digits.csv", _const(_csv(_value_row("9" * 5000))), NOT_VALID),
        Case("csv_value_arabic_indic.csv", _const(_csv(_value_row("١٠٠٠"))), maybe()),
        Case("csv_value_fullwidth.csv", _const(_csv(_value_row("１０００"))), maybe()),
        Case("csv_year_superscript.csv", _const(_csv(_value_row("1000", year="²⁰²²"))), NOT_VALID),
        Case("csv_year_underscore.csv", _const(_csv(_value_row("1000", year="2_022"))), NOT_VALID),
        Case(
            "csv_year_5000_digits.csv", _const(_csv(_value_row("1000", year="2" * 5000))), NOT_VALID
        ),
        Case("csv_year_arabic_indic.csv", _const(_csv(_value_row("1000", year="٢٠٢٢"))), maybe()),
        Case("csv_year_float.csv", _const(_csv(_value_row("1000", year="2022.0"))), maybe()),
        Case(
            "csv_formula_in_indicator.csv",
            _const(_csv("=cmd|' /C calc'!A0,2022,1000,MWh,reported,report,")),
            NOT_VALID,
        ),
        Case(
            "csv_formula_in_comment.csv",
            _const(_csv(ROW + '"=HYPERLINK(""http://x"",""y"")"')),
            maybe(),
        ),
        Case(
            "csv_escape_sequence_in_comment.csv", _const(_csv(ROW + "\x1b]0;pwned\x07")), NOT_VALID
        ),
        Case("csv_bidi_override_in_comment.csv", _const(_csv(ROW + "\u202egnp.exe")), maybe()),
        Case("csv_nul_in_comment.csv", _const(_csv(ROW + "a\x00b")), NOT_VALID),
        Case(
            "csv_20000_columns.csv",
            _const((",".join(f"c{i}" for i in range(20_000)) + "\n").encode() + good),
            NOT_VALID,
        ),
        Case("csv_ten_megabyte_line.csv", _const(_csv(ROW + "x" * 10 * 2**20)), NOT_VALID),
        Case("csv_200000_duplicate_rows.csv", _const(_csv(*([ROW] * 200_000))), NOT_VALID),
        Case("csv_cr_line_endings.csv", _const(good.replace(b"\n", b"\r")), maybe()),
        Case(
            "csv_mixed_line_endings.csv",
            _const(
                _csv(ROW, "ghg_scope1,2022,5,tCO2e,reported,report,").replace(b"\n", b"\r\n", 1)
            ),
            maybe((("energy_electricity", 2022, 1000.0), ("ghg_scope1", 2022, 5.0))),
        ),
        Case("csv_quote_bomb.csv", _const(b'"' * 2**20), NOT_VALID),
        Case("csv_unterminated_quote_big.csv", _const(_csv(ROW + '"' + "x" * 2**20)), NOT_VALID),
        Case(
            "csv_decimal_comma_declared.csv",
            _const(
                _csv(
                    "energy_electricity;2022;1000,5;MWh;reported;report;",
                    header=H.replace(",", ";"),
                )
            ),
            valid((("energy_electricity", 2022, 1000.5),)),
            options={"locale": "fr"},
        ),
        Case(
            "csv_ambiguous_thousands.csv",
            _const(_csv('energy_electricity,2022,"1,234",MWh,reported,report,')),
            NOT_VALID,
        ),
        Case(
            "csv_ambiguous_thousands_locale_fr.csv",
            _const(_csv('energy_electricity,2022,"1,234",MWh,reported,report,')),
            valid((("energy_electricity", 2022, 1.234),)),
            options={"locale": "fr"},
        ),
        Case("csv_utf16le_bom.csv", _const(good.decode().encode("utf-16")), valid()),
        Case(
            "csv_gb18030_comment.csv", _const((H + ROW + "中文注释\n").encode("gb18030")), valid()
        ),
        Case("csv_cp1256_comment.csv", _const((H + ROW + "تعليق\n").encode("cp1256")), maybe()),
        Case(
            "csv_invalid_utf8_declared_utf8.csv",
            _const(good + b"\xff\xfe\xfa\n"),
            NOT_VALID,
            options={"encoding": "utf-8"},
        ),
        Case("csv_blank_lines_only.csv", _const(b"\n\n\n\n"), NOT_VALID),
        Case(
            "csv_formula_header.csv",
            _const(_csv(ROW + ",x", header=H.strip() + ",=SUM(A1:A9)\n")),
            NOT_VALID,
        ),
        Case(
            "csv_duplicate_header.csv",
            _const(
                _csv(
                    "energy_electricity,2022,1000,MWh,999",
                    header="indicator,year,value,unit,value\n",
                )
            ),
            NOT_VALID,
        ),
        Case(
            "csv_unit_expression.csv", _const(_csv(_value_row("1000", unit="MWh*1e300"))), NOT_VALID
        ),
        Case(
            "csv_unit_with_number.csv", _const(_csv(_value_row("1", unit="1e300 MWh"))), NOT_VALID
        ),
        Case("csv_unit_temperature.csv", _const(_csv(_value_row("1000", unit="degC"))), NOT_VALID),
        Case("csv_unit_lower_case.csv", _const(_csv(_value_row("1000", unit="kwh"))), NOT_VALID),
        Case(
            "csv_sql_in_source.csv",
            _const(
                _csv("energy_electricity,2022,1000,MWh,reported,x'); DROP TABLE observations;--,")
            ),
            valid(),
        ),
        Case(
            "csv_path_traversal_name.csv",
            _const(good),
            valid(),
            file_name="../../../etc/passwd.csv",
        ),
        Case("csv_unicode_name.csv", _const(good), valid(), file_name="données—😀.csv"),
        Case("csv_quote_in_name.csv", _const(good), valid(), file_name='a"b;c.csv'),
        Case("csv_binary_named_csv.csv", _const(bytes(range(256)) * 64), NOT_VALID),
        Case("csv_empty.csv", _const(b""), NOT_VALID),
        Case("csv_negative_energy.csv", _const(_csv(_value_row("-1000"))), NOT_VALID),
    ]
    return cases


# --- xlsx -------------------------------------------------------------------------------------

YEARS: Final = [2022, 2023]
FIXED_TIME: Final = (2024, 1, 1, 0, 0, 0)


def _saved(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _template(fill: Callable[[Workbook], None]) -> bytes:
    wb = load_workbook(io.BytesIO(template_bytes("telecom-operator", "en", YEARS, "xlsx")))
    fill(wb)
    return _saved(wb)


def _long(rows: list[list[object]], header: list[str] | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "data"
    ws.append(header or ["indicator", "year", "value", "unit", "method", "source", "comment"])
    for row in rows:
        ws.append(row)
    return _saved(wb)


def _replaced(data: bytes, change: Callable[[str, bytes], bytes], extra: dict[str, bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(
                zipfile.ZipInfo(info.filename, FIXED_TIME), change(info.filename, source.read(info))
            )
        for name, body in extra.items():
            target.writestr(zipfile.ZipInfo(name, FIXED_TIME), body)
    return out.getvalue()


def _long_good() -> bytes:
    return _long([["energy_electricity", 2022, 1000, "MWh", "reported", "report", None]])


def lying_zip(real_size: int = 2**30, declared: int = 4000) -> bytes:
    """A workbook whose sheet member declares ``declared`` bytes but inflates to ``real_size``:
    the central directory and local header lie, the CRC is of nothing. Built from chunks, so
    making it costs a few MB, not a GiB."""
    plain = zipfile.ZipFile(io.BytesIO(_long_good()))
    members = {info.filename: plain.read(info) for info in plain.infolist()}
    sheet = next(name for name in members if name.startswith("xl/worksheets/"))
    out = io.BytesIO()
    central = io.BytesIO()
    count = 0
    for name, body in members.items():
        if name == sheet:
            squeeze = zlib.compressobj(9, zlib.DEFLATED, -15)
            chunk = b"a" * 2**20
            parts = [squeeze.compress(chunk) for _ in range(real_size // len(chunk))]
            parts.append(squeeze.flush())
            packed = b"".join(parts)
            crc, size = 0, declared
        else:
            squeeze = zlib.compressobj(9, zlib.DEFLATED, -15)
            packed = squeeze.compress(body) + squeeze.flush()
            crc, size = zlib.crc32(body), len(body)
        encoded = name.encode()
        offset = out.tell()
        out.write(
            struct.pack(
                "<IHHHHHIIIHH",
                0x04034B50,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                len(packed),
                size,
                len(encoded),
                0,
            )
        )
        out.write(encoded)
        out.write(packed)
        central.write(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                len(packed),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
        )
        central.write(encoded)
        count += 1
    start = out.tell()
    directory = central.getvalue()
    out.write(directory)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(directory), start, 0))
    return out.getvalue()


XXE = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
    + b"".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode() for i in range(9)
    )
    + b"]>"
)


SHEET: Final = "xl/worksheets/sheet1.xml"


def _with_doctype(
    data: bytes, member: str, doctype: bytes, entity: bytes, tag: bytes = b"<t>"
) -> bytes:
    def change(name: str, body: bytes) -> bytes:
        if name != member:
            return body
        body = body.split(b"?>", 1)[-1] if body.startswith(b"<?xml") else body
        # the entity is used where the part has text, not only declared
        return doctype + body.replace(tag, tag + entity, 1)

    return _replaced(data, change, {})


def _shared_strings_long(data: bytes, megabytes: int) -> bytes:
    def change(name: str, body: bytes) -> bytes:
        if name != "xl/sharedStrings.xml":
            return body
        filler = b"<si><t>" + b"z" * 1000 + b"</t></si>"
        return body.replace(b"</sst>", filler * (megabytes * 1000) + b"</sst>")

    return _replaced(data, change, {})


def _year_header(text: str) -> Callable[[Workbook], None]:
    def fill(wb: Workbook) -> None:
        ws = wb.worksheets[1]
        for cell in ws[1]:
            if cell.value == 2022 or cell.value == "2022":
                cell.value = text
        ws["E2"] = 1000

    return fill


def _cell(value: object, unit: str | None = None) -> Callable[[Workbook], None]:
    def fill(wb: Workbook) -> None:
        ws = wb.worksheets[1]
        ws["E2"] = value
        if unit is not None:
            for cell in ws[1]:
                if str(cell.value).lower() == "unit":
                    ws.cell(row=2, column=cell.column, value=unit)

    return fill


def xlsx_cases() -> list[Case]:
    many = {f"junk/{i:05d}.bin": b"" for i in range(10_000)}
    return [
        Case("xlsx_lying_size_1gib.xlsx", lying_zip, NOT_VALID, heavy=True),
        Case("xlsx_long_good.xlsx", _long_good, valid()),
        Case(
            "xlsx_long_1e308_gwh.xlsx",
            lambda: _long([["energy_electricity", 2022, 1e308, "GWh", "reported", "r", None]]),
            NOT_VALID,
        ),
        Case(
            "xlsx_long_text_inf.xlsx",
            lambda: _long([["energy_electricity", 2022, "inf", "MWh", "reported", "r", None]]),
            NOT_VALID,
        ),
        Case(
            "xlsx_long_text_nan.xlsx",
            lambda: _long([["energy_electricity", 2022, "NaN", "MWh", "reported", "r", None]]),
            NOT_VALID,
        ),
        Case("xlsx_long_escaped_control_chars.xlsx", _control_characters, maybe()),
        Case(
            "xlsx_long_formula_text.xlsx",
            lambda: _long([["energy_electricity", 2022, "=1+1", "MWh", "reported", "r", None]]),
            NOT_VALID,
        ),
        Case(
            "xlsx_long_year_superscript.xlsx",
            lambda: _long([["energy_electricity", "²⁰²²", 1000, "MWh", "reported", "r", None]]),
            NOT_VALID,
        ),
        Case(
            "xlsx_long_script_comment.xlsx",
            lambda: _long(
                [
                    [
                        "energy_electricity",
                        2022,
                        1000,
                        "MWh",
                        "reported",
                        "r",
                        "<script>alert(1)</script>",
                    ]
                ]
            ),
            valid(),
        ),
        Case(
            "xlsx_template_year_superscript.xlsx",
            lambda: _template(_year_header("²⁰²²")),
            NOT_VALID,
        ),
        Case("xlsx_template_year_fullwidth.xlsx", lambda: _template(_year_header("２０２２")), ANY),
        Case("xlsx_template_value_1e308.xlsx", lambda: _template(_cell(1e308, "GWh")), NOT_VALID),
        Case(
            "xlsx_xxe_in_sheet.xlsx",
            lambda: _with_doctype(_long_good(), SHEET, XXE, b"&e;"),
            NOT_VALID,
        ),
        Case(
            "xlsx_billion_laughs_in_sheet.xlsx",
            lambda: _with_doctype(_long_good(), SHEET, LAUGHS, b"&j;"),
            NOT_VALID,
        ),
        Case(
            "xlsx_billion_laughs_in_properties.xlsx",
            lambda: _with_doctype(
                _long_good(), "docProps/core.xml", LAUGHS, b"&j;", tag=b'/1.1/">'
            ),
            NOT_VALID,
        ),
        Case(
            "xlsx_xxe_workbook.xlsx",
            lambda: _with_doctype(_long_good(), "xl/workbook.xml", XXE, b"&e;"),
            NOT_VALID,
        ),
        Case(
            "xlsx_path_traversal_member.xlsx",
            lambda: _replaced(
                _long_good(), lambda n, b: b, {"../../../../tmp/ictfootprint-pwned": b"x"}
            ),
            ANY,
        ),
        Case(
            "xlsx_absolute_member.xlsx",
            lambda: _replaced(_long_good(), lambda n, b: b, {"/etc/ictfootprint-pwned": b"x"}),
            ANY,
        ),
        Case("xlsx_10000_members.xlsx", lambda: _replaced(_long_good(), lambda n, b: b, many), ANY),
        Case(
            "xlsx_nested_workbook.xlsx",
            lambda: _replaced(
                _long_good(), lambda n, b: b, {"xl/embeddings/inner.xlsx": lying_zip(2**26)}
            ),
            ANY,
        ),
        Case(
            "xlsx_shared_strings_30mb.xlsx",
            lambda: _shared_strings_long(_long_good(), 30),
            ANY,
            heavy=True,
        ),
        Case(
            "xlsx_dimension_lie.xlsx",
            lambda: _replaced(
                _long_good(),
                lambda n, b: (
                    b.replace(b'<dimension ref="A1:G2"/>', b'<dimension ref="A1:XFD1048576"/>')
                    if n.startswith("xl/worksheets/")
                    else b
                ),
                {},
            ),
            maybe(),
        ),
        Case("xlsx_empty_zip.xlsx", _empty_zip, NOT_VALID),
        Case("xlsx_csv_inside.xlsx", _const(_csv(ROW)), maybe(), file_name="xlsx_csv_inside.xlsx"),
    ]


def _control_characters() -> bytes:
    """An escape sequence in a comment, as OOXML escapes it (``_x001B_``) in an inline string:
    XML cannot carry the character itself, and the reader must keep the text as written."""
    data = _long([["energy_electricity", 2022, 1000, "MWh", "reported", "r", "ESCAPE-HERE"]])
    return _replaced(data, lambda n, b: b.replace(b"ESCAPE-HERE", b"_x001B_[2J"), {})


def _empty_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w"):
        pass
    return out.getvalue()


def corpus_files() -> list[Case]:
    """The committed bad-workbook corpus (tests/bad_inputs/xlsx), through every path too."""
    return [Case(p.name, _const(p.read_bytes()), ANY) for p in sorted(XLSX_CORPUS.glob("*.xls*"))]


def all_cases() -> list[Case]:
    cases = json_cases() + csv_cases() + xlsx_cases() + corpus_files()
    names = [c.name for c in cases]
    assert len(names) == len(set(names)), "case names must be unique"
    return cases
