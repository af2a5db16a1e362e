"""Numbers written as text and the encodings of submitted files: never silently misread."""

from __future__ import annotations

import pytest

from ictfootprint.collection.encoding import decode
from ictfootprint.collection.numbers import (
    NumberError,
    NumberFormat,
    declared_format,
    detect_format,
    is_not_available,
    parse_number,
)
from ictfootprint.errors import InputError

POINT = NumberFormat(".", "detected")
COMMA = NumberFormat(",", "detected")


@pytest.mark.parametrize(
    ("text", "fmt", "expected"),
    [
        ("12.5", POINT, 12.5),
        ("1,234", POINT, 1234.0),
        ("1,234,567.25", POINT, 1234567.25),
        ("1 234.5", POINT, 1234.5),
        ("-3", POINT, -3.0),
        ("2.5E-2", POINT, 0.025),
        ("12,5", COMMA, 12.5),
        ("1.234,5", COMMA, 1234.5),
        ("1 234,5", COMMA, 1234.5),
        ("1\u202f234,5", COMMA, 1234.5),
        ("1.234", COMMA, 1234.0),
        ("1'234.5", POINT, 1234.5),
    ],
)
def test_numbers_in_either_convention(text: str, fmt: NumberFormat, expected: float) -> None:
    assert parse_number(text, fmt) == expected


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("12,5", POINT),
        ("abc", POINT),
        ("12.5.6", POINT),
        ("1,2,3", COMMA),
        ("1,234", NumberFormat(".", "default")),
        ("1.234", NumberFormat(".", "default")),
    ],
)
def test_what_cannot_be_read_one_way_is_an_error(text: str, fmt: NumberFormat) -> None:
    with pytest.raises(NumberError):
        parse_number(text, fmt)


def test_detection_from_the_whole_file() -> None:
    assert detect_format(["12,5", "3,25", "1.234,5"]) == (NumberFormat(",", "detected"), set())
    fmt, odd = detect_format(["12.5", "3,25", "4.1"])
    assert fmt.decimal == "." and odd == {"3,25"}  # mixed: the minority is flagged
    assert detect_format(["1,234", "17"])[0].basis == "default"


def test_declared_locale() -> None:
    assert declared_format("fr").decimal == ","
    assert declared_format("en_US").decimal == "."
    assert declared_format("de-CH").decimal == "."
    with pytest.raises(InputError, match="unknown locale"):
        declared_format("xx_YY")


@pytest.mark.parametrize("text", ["n/a", "N/A", "—", "-", "..", "nd", " NA "])
def test_not_available_markers(text: str) -> None:
    assert is_not_available(text)


SAMPLE = "indicator,year,value,unit,comment\nenergy_electricity,2022,12,MWh,"


@pytest.mark.parametrize(
    ("encoding", "comment", "expected"),
    [
        ("utf-8", "Énergie mesurée", "utf-8"),
        ("utf-8-sig", "Énergie mesurée", "utf-8-sig"),
        ("utf-16", "用电量 كهرباء", "utf-16"),
        ("utf-16-le", "electricity", "utf-16-le"),
        ("gb18030", "用电量数据来自年度报告，包括所有数据中心和网络设施的用电", "gb18030"),
        ("cp1256", "استهلاك الكهرباء حسب التقرير السنوي للشركة وجميع المرافق", "cp1256"),
        ("latin-1", "Consommation d'électricité mesurée à partir des relevés", None),
    ],
)
def test_common_encodings_are_detected(encoding: str, comment: str, expected: str | None) -> None:
    data = (SAMPLE + comment + "\n").encode(encoding)
    text, used = decode(data, "f.csv")
    assert comment in text
    if expected is not None:
        assert used == expected


def test_binary_garbage_and_wrong_declaration_are_refused() -> None:
    with pytest.raises(InputError, match="binary data"):
        decode(bytes(range(256)) * 40, "garbage.csv")
    with pytest.raises(InputError, match="binary data"):
        decode(b"\x89PNG\r\n\x1a\n" + bytes(range(32)) * 50, "image.csv")
    with pytest.raises(InputError, match="not utf-8 text"):
        decode("é".encode("latin-1") * 3, "f.csv", declared="utf-8")
    with pytest.raises(InputError, match="unknown encoding"):
        decode(b"a,b\n", "f.csv", declared="klingon")


@pytest.mark.parametrize(
    ("text", "fmt", "expected"),
    [
        ("١٢٣٤", POINT, 1234.0),
        ("١٢٣٫٥", POINT, 123.5),
        ("١٢٣٫٥", COMMA, 123.5),
        ("١٬٢٣٤٫٥", COMMA, 1234.5),
        ("１２", POINT, 12.0),
    ],
)
def test_arabic_indic_digits_and_separators_are_read(
    text: str, fmt: NumberFormat, expected: float
) -> None:
    assert parse_number(text, fmt) == expected


@pytest.mark.parametrize("text", ["²⁰²³", "inf", "Infinity", "1_000"])
def test_digit_like_signs_and_python_spellings_are_not_numbers(text: str) -> None:
    with pytest.raises(NumberError):
        parse_number(text, POINT)
