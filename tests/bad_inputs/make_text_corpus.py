"""Regenerate the CSV and JSON bad-input corpus in tests/bad_inputs/text/ and its cases.toml.

    python tests/bad_inputs/make_text_corpus.py

Each case: a file, the options it is submitted with, and what must happen: ``unusable`` (exit
2, nothing read), or ``rejected``/``validated`` with the findings (rule, row, field) expected.
The 200 MB CSV is not committed: tests/test_bad_inputs.py makes it (sparse) when it runs.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

HERE = Path(__file__).parent / "text"
H = "indicator,year,value,unit,method,source,comment\n"
OK = "energy_electricity,2022,1000,MWh,reported,report,\n"

# name: (bytes, options, outcome, [(rule, row, field)])
CASES: dict[str, tuple[bytes, dict[str, str], str, list[tuple[str, int | None, str | None]]]] = {
    "binary_garbage.csv": (bytes(random.Random(7).randbytes(4096)), {}, "unusable", []),
    "png_named_csv.csv": (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
        {},
        "unusable",
        [],
    ),
    "nul_bytes.csv": ((H + OK).encode().replace(b",", b"\x00,"), {}, "unusable", []),
    "empty.csv": (b"", {}, "unusable", []),
    "header_only.csv": (H.encode(), {}, "rejected", [("no-values", None, None)]),
    "missing_unit_column.csv": (
        b"indicator,year,value\nenergy_electricity,2022,1\n",
        {},
        "unusable",
        [],
    ),
    "unknown_column.csv": (
        (H.strip() + ",colour\n" + OK.strip() + ",red\n").encode(),
        {},
        "unusable",
        [],
    ),
    "field_too_large.csv": (
        (H + "energy_electricity,2022,1,MWh,reported," + "x" * 200_000 + ",\n").encode(),
        {},
        "unusable",
        [],
    ),
    "wrong_column_count.csv": (
        (H + OK + "energy_diesel,2022,5\n").encode(),
        {},
        "rejected",
        [("csv-columns", 3, None)],
    ),
    "text_in_numeric.csv": (
        (H + "energy_electricity,2022,twelve thousand,MWh,,,\n").encode(),
        {},
        "rejected",
        [("number-format", 2, "value")],
    ),
    "not_available.csv": (
        (H + OK + "energy_diesel,2022,n/a,L,,,\nghg_scope1,2022,—,tCO2e,,,\n").encode(),
        {},
        "validated",
        [("not-available", 3, "value"), ("not-available", 4, "value")],
    ),
    "negative_values.csv": (
        (H + "energy_electricity,2022,-1000,MWh,,,\nghg_scope1,2022,-3,tCO2e,,,\n").encode(),
        {},
        "rejected",
        [("range-non-negative", 2, "value"), ("range-non-negative", 3, "value")],
    ),
    "future_year.csv": (
        (H + "energy_electricity,2099,1,MWh,,,\n").encode(),
        {},
        "rejected",
        [("year-range", 2, "year")],
    ),
    "year_as_text.csv": (
        (H + "energy_electricity,FY2022,1,MWh,,,\n").encode(),
        {},
        "rejected",
        [("year-range", 2, "year")],
    ),
    "year_too_early.csv": (
        (H + "energy_electricity,1850,1,MWh,,,\n").encode(),
        {},
        "rejected",
        [("year-range", 2, "year")],
    ),
    "unknown_indicator.csv": (
        (H + "energy_electrickery,2022,1,MWh,,,\n").encode(),
        {},
        "rejected",
        [("indicator-known", 2, "indicator")],
    ),
    "missing_value.csv": (
        (H + "energy_electricity,2022,,MWh,,,\n" + OK).encode(),
        {},
        "rejected",
        [("required-field", 2, "value")],
    ),
    "unknown_unit.csv": (
        (H + "energy_electricity,2022,1,gigawattz,,,\n").encode(),
        {},
        "rejected",
        [("unit-known", 2, "unit")],
    ),
    "incompatible_unit.csv": (
        (H + "energy_electricity,2022,1,tCO2e,,,\n").encode(),
        {},
        "rejected",
        [("unit-compatible", 2, "unit")],
    ),
    "ambiguous_unit_C.csv": (
        (H + "ghg_scope1,2022,1,t C,,,\n").encode(),
        {},
        "rejected",
        [("unit-known", 2, "unit")],
    ),
    "missing_unit.csv": (
        (H + "energy_electricity,2022,1,,,,\n").encode(),
        {},
        "rejected",
        [("unit-known", 2, "unit")],
    ),
    "unknown_country.csv": (
        (b"indicator,year,value,unit,country\nenergy_electricity,2022,1,MWh,XQZ\n"),
        {},
        "rejected",
        [("country-known", 2, "country")],
    ),
    "unknown_method.csv": (
        (H + "energy_electricity,2022,1,MWh,guessed,,\n").encode(),
        {},
        "rejected",
        [("method-known", 2, "method")],
    ),
    "unknown_category.csv": (
        (H + "target_sbti_status,2022,maybe,,,,\n").encode(),
        {},
        "rejected",
        [("category-known", 2, "value")],
    ),
    "mixed_decimals.csv": (
        (
            H + 'energy_electricity,2022,"12,5",MWh,,,\n'
            'ghg_scope1,2022,"3,25",tCO2e,,,\n'
            "energy_diesel,2022,4.75,L,,,\n"
        ).encode(),
        {},
        "rejected",
        [("number-format", 4, "value")],
    ),
    "ambiguous_thousands.csv": (
        (H + 'energy_electricity,2022,"1,234",MWh,,,\n').encode(),
        {},
        "rejected",
        [("number-format", 2, "value")],
    ),
    "decimal_point_with_declared_comma_locale.csv": (
        (H + "energy_electricity,2022,12.5,MWh,,,\n").encode(),
        {"locale": "fr"},
        "validated",
        [],
    ),  # "12.5" in a French file: a grouped 12500? no: not 3 digits, so an error below
    "duplicate_rows.csv": (
        (H + OK + OK).encode(),
        {},
        "rejected",
        [("duplicate-in-file", 3, "value")],
    ),
    "other_entity.csv": (
        (b"entity_id,indicator,year,value,unit\nop-2,energy_electricity,2022,1,MWh\n"),
        {},
        "rejected",
        [("entity-match", 2, "entity_id")],
    ),
    "share_over_100.csv": (
        (H + "energy_electricity_renewable_share,2022,140,percent,,,\n").encode(),
        {},
        "rejected",
        [("range-share", 2, "value")],
    ),
    "renewable_above_total.csv": (
        (H + OK + "energy_electricity_renewable,2022,2000,MWh,,,\n").encode(),
        {},
        "rejected",
        [("renewable-within-total", 3, "value")],
    ),
    "pue_below_one.csv": (
        (H + "dc_pue,2022,0.7,dimensionless,,,\n").encode(),
        {},
        "rejected",
        [("range-pue", 2, "value")],
    ),
    "latin1_declared_utf8.csv": (
        (H + "energy_electricity,2022,1,MWh,,relevé,été\n").encode("latin-1"),
        {"encoding": "utf-8"},
        "unusable",
        [],
    ),
    "unknown_encoding_declared.csv": ((H + OK).encode(), {"encoding": "klingon-8"}, "unusable", []),
    "utf16_without_bom.csv": ((H + OK).encode("utf-16-le"), {}, "validated", []),
    "cp1256_arabic.csv": (
        (
            H + "energy_electricity,2022,1000,MWh,reported,"
            "التقرير السنوي,بيانات العدادات الرسمية للشركة\n"
        ).encode("cp1256"),
        {},
        "validated",
        [],
    ),
    "gb18030_chinese.csv": (
        (
            H + "energy_electricity,2022,1000,MWh,reported,年度报告,"
            "数据来自电表读数和供电公司账单\n"
        ).encode("gb18030"),
        {},
        "validated",
        [],
    ),
    "unterminated_quote.csv": (
        (H + 'energy_electricity,2022,"1000,MWh,,,\n').encode(),
        {},
        "rejected",
        [("csv-columns", 2, None)],
    ),
    "formula_text.csv": (
        (H + "energy_electricity,2022,=SUM(A1:A9),MWh,,,\n").encode(),
        {},
        "rejected",
        [("number-format", 2, "value")],
    ),
    "invalid.json": (b'{"values": [{"indicator": "energy_electricity",', {}, "unusable", []),
    "wrong_shape.json": (b'{"data": 1}', {}, "unusable", []),
    "wrong_types.json": (
        json.dumps(
            {
                "values": [
                    {"indicator": 7, "year": 2022, "value": 1, "unit": "MWh"},
                    "not an object",
                    {"indicator": "ghg_scope1", "year": 2022, "value": [1, 2], "unit": "tCO2e"},
                ]
            }
        ).encode(),
        {},
        "rejected",
        [
            ("json-type", 1, "indicator"),
            ("json-entry", 2, "values[1]"),
            ("json-type", 3, "value"),
            ("required-field", 1, "indicator"),
            ("required-field", 3, "value"),
        ],
    ),
    "json_latin1.json": (
        '{"values": [{"source": "relevé"}]}'.encode("latin-1"),
        {},
        "unusable",
        [],
    ),
}


def _json_entry(value: str = "1", year: str = "2022", extra: str = "") -> bytes:
    entry = f'"indicator": "energy_electricity", "year": {year}, "value": {value}, "unit": "MWh"'
    return ('{"values": [{' + entry + extra + "}]}").encode()


# Hostile inputs of issue 13: each was a traceback, a 500 or a wrong value accepted.
CASES.update(
    {
        "json_nested_2000_deep.json": (
            b'{"values": ' + b"[" * 2000 + b"]" * 2000 + b"}",
            {},
            "unusable",
            [],
        ),
        "json_number_5000_digits.json": (
            _json_entry(value="1" + "0" * 5000),
            {},
            "rejected",
            [("value-magnitude", 1, "value")],
        ),
        "json_year_5000_digits.json": (
            _json_entry(year="2" + "0" * 5000),
            {},
            "rejected",
            [("year-range", 1, "year")],
        ),
        "json_lone_surrogate.json": (
            _json_entry(extra=', "comment": "bad \\ud800 here"'),
            {},
            "rejected",
            [("text-characters", 1, "comment")],
        ),
        "json_nul_in_comment.json": (
            _json_entry(extra=', "comment": "a\\u0000b"'),
            {},
            "rejected",
            [("text-characters", 1, "comment")],
        ),
        "json_nul_in_indicator.json": (
            b'{"values": [{"indicator": "energy\\u0000electricity", "year": 2022, "value": 1, '
            b'"unit": "MWh"}]}',
            {},
            "rejected",
            [("text-characters", 1, "indicator")],
        ),
        "control_character_in_comment.csv": (
            (H + "energy_electricity,2022,1,MWh,reported,report,bell\x07\n").encode(),
            {},
            "rejected",
            [("text-characters", 2, "comment")],
        ),
        "json_duplicate_key.json": (
            _json_entry(extra=', "value": 999999'),
            {},
            "rejected",
            [("json-duplicate-key", 1, "value")],
        ),
        "json_duplicate_top_level_key.json": (
            b'{"values": [], "values": []}',
            {},
            "unusable",
            [],
        ),
        "json_infinity.json": (
            _json_entry(value="Infinity"),
            {},
            "rejected",
            [("value-magnitude", 1, "value")],
        ),
        "json_nan.json": (
            _json_entry(value="NaN"),
            {},
            "rejected",
            [("value-magnitude", 1, "value")],
        ),
        "json_1e400.json": (
            _json_entry(value="1e400"),
            {},
            "rejected",
            [("value-magnitude", 1, "value")],
        ),
        "json_year_float.json": (_json_entry(year="2022.0"), {}, "validated", []),
        "json_year_fraction.json": (
            _json_entry(year="2022.5"),
            {},
            "rejected",
            [("year-range", 1, "year")],
        ),
        "json_empty.json": (b"\n", {}, "unusable", []),
        "value_1e308_gwh.csv": (
            (H + "energy_electricity,2022,1e308,GWh,,,\n").encode(),
            {},
            "rejected",
            [("value-magnitude", 2, "value")],
        ),
        "value_1e16_mwh.csv": (
            (H + "energy_electricity,2022,1e16,MWh,,,\n").encode(),
            {},
            "rejected",
            [("value-magnitude", 2, "value")],
        ),
        "value_infinity_text.csv": (
            (
                H + "energy_electricity,2022,Infinity,MWh,,,\nghg_scope1,2022,inf,tCO2e,,,\n"
            ).encode(),
            {},
            "rejected",
            [("number-format", 2, "value"), ("number-format", 3, "value")],
        ),
        "year_with_underscore.csv": (
            (H + "energy_electricity,2_022,1,MWh,,,\n").encode(),
            {},
            "rejected",
            [("year-range", 2, "year")],
        ),
        "year_superscript.csv": (
            (H + "energy_electricity,²⁰²²,1,MWh,,,\n").encode(),
            {},
            "rejected",
            [("year-range", 2, "year")],
        ),
        "digits_arabic_indic.csv": (
            (H + "energy_electricity,٢٠٢٢,١٢٣٤,MWh,,,\n").encode(),
            {},
            "validated",
            [("digits-converted", 2, "year"), ("digits-converted", 2, "value")],
        ),
        "digits_fullwidth.csv": (
            (H + "energy_electricity,２０２２,１２,MWh,,,\n").encode(),
            {},
            "validated",
            [("digits-converted", 2, "year"), ("digits-converted", 2, "value")],
        ),
        "unit_lowercase_kwh.csv": (
            (H + "energy_electricity,2022,1,kwh,,,\n").encode(),
            {},
            "rejected",
            [("unit-known", 2, "unit")],
        ),
    }
)
CASES.update(
    {
        # 32 levels in all is the limit: the comment's arrays make 32 here, 33 in the next one
        "json_nested_32_deep.json": (
            _json_entry(extra=', "comment": ' + "[" * 29 + "]" * 29),
            {},
            "rejected",
            [("json-type", 1, "comment")],
        ),
        "json_nested_33_deep.json": (
            _json_entry(extra=', "comment": ' + "[" * 30 + "]" * 30),
            {},
            "unusable",
            [],
        ),
        "json_brackets_in_strings.json": (
            _json_entry(extra=', "comment": "' + "[{" * 2000 + '\\"]"'),
            {},
            "validated",
            [],
        ),
        "json_top_level_list.json": (
            b'[{"indicator": "energy_electricity", "year": 2022, "value": 1, "unit": "MWh"}]',
            {},
            "validated",
            [],
        ),
        "json_value_true.json": (
            _json_entry(value="true"),
            {},
            "rejected",
            [("json-type", 1, "value"), ("required-field", 1, "value")],
        ),
        "json_year_true.json": (
            _json_entry(year="true"),
            {},
            "rejected",
            [("required-field", 1, "year")],
        ),
        "json_year_underscore_text.json": (
            _json_entry(year='"2_022"'),
            {},
            "rejected",
            [("year-range", 1, "year")],
        ),
        "json_value_5000_digit_text.json": (
            _json_entry(value='"1' + "0" * 5000 + '"'),
            {},
            "rejected",
            [("value-magnitude", 1, "value")],
        ),
        "json_utf16.json": (
            '{"values": []}'.encode("utf-16"),
            {},
            "unusable",
            [],
        ),
        "value_1e999_text.csv": (
            (H + "energy_electricity,2022,1e999,MWh,,,\n").encode(),
            {},
            "rejected",
            [("value-magnitude", 2, "value")],
        ),
        "value_nan_text.csv": (
            (H + OK + "ghg_scope1,2022,NaN,tCO2e,,,\n").encode(),
            {},
            "validated",
            [("not-available", 3, "value")],
        ),
        "year_with_plus_sign.csv": (
            (H + "energy_electricity,+2022,1,MWh,,,\n").encode(),
            {},
            "rejected",
            [("year-range", 2, "year")],
        ),
    }
)
for _codec in ("rot13", "base64", "hex", "zlib", "bz2", "uu", "punycode"):
    CASES[f"encoding_{_codec}_declared.csv"] = (
        (H + OK).encode(),
        {"encoding": _codec},
        "unusable",
        [],
    )
# "12.5" with a declared decimal comma is a number error, not 125 or 12.5
CASES["decimal_point_with_declared_comma_locale.csv"] = (
    CASES["decimal_point_with_declared_comma_locale.csv"][0],
    {"locale": "fr"},
    "rejected",
    [("number-format", 2, "value")],
)


def main() -> None:
    HERE.mkdir(exist_ok=True)
    lines = ["# generated by make_text_corpus.py: what each bad file must give", ""]
    for name, (data, options, outcome, findings) in CASES.items():
        (HERE / name).write_bytes(data)
        lines.append(f'["{name}"]')
        lines.append(f'outcome = "{outcome}"')
        lines.append("options = {" + ", ".join(f'{k} = "{v}"' for k, v in options.items()) + "}")
        rendered = ", ".join(
            "[" + ", ".join(json.dumps(x) if x is not None else '""' for x in f) + "]"
            for f in findings
        )
        lines.append(f"findings = [{rendered}]")
        lines.append("")
    (HERE / "cases.toml").write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main()
