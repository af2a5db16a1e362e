"""Grid emission factors: the shipped default set and the importers, on the real files."""

from __future__ import annotations

from pathlib import Path

import pytest

from ictfootprint.errors import InputError
from ictfootprint.reference.grid import default_factors, read_factor_file


def test_default_set_is_codecarbon_with_provenance() -> None:
    factors = {f.area: f for f in default_factors()}
    assert len(factors) == 213
    assert factors["FRA"].value == 56.039 and factors["FRA"].year == 2023
    assert all("codecarbon" in f.source and f.unit == "gCO2e/kWh" for f in factors.values())


def test_owid_file_reads_whole(shared_data: Path) -> None:
    read = read_factor_file(shared_data / "grid_carbon_intensity_owid_2015_2024.csv")
    assert read.format == "owid"
    assert len(read.factors) == 1964
    by_key = {(f.area, f.year): f.value for f in read.factors}
    assert by_key[("CAF", 2015)] == 0.0  # real extreme: zero is a value, not a gap
    assert by_key[("XKX", 2020)] > 0  # Kosovo's user-assigned code is known
    assert "Our World in Data" in read.citation


def test_iea_file_maps_regions(shared_data: Path) -> None:
    read = read_factor_file(shared_data / "iea_co2_intensity_selected_regions_2015_2026.csv")
    assert read.format == "iea"
    assert len(read.factors) == 72
    areas = {f.area for f in read.factors}
    assert areas == {"001", "USA", "CHN", "IND", "EU27", "ASEAN"}
    assert {f.value_type for f in read.factors if f.year >= 2025} == {"forecast"}


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "factors.csv"
    path.write_text(text, encoding="utf-8")
    return path


HEADER = "iso3,country,year,carbon_intensity_g_per_kwh\n"


@pytest.mark.parametrize(
    ("body", "row", "field", "found"),
    [
        ("FRA,France,2020,56\nZZZ,Nowhere,2020,10\n", 3, "iso3", "ZZZ"),
        ("FRA,France,twenty,56\n", 2, "year", "twenty"),
        ("FRA,France,2020,-5\n", 2, "carbon_intensity_g_per_kwh", "-5"),
        ("FRA,France,2020,abc\n", 2, "carbon_intensity_g_per_kwh", "abc"),
        ("FRA,France,2020,56\nDEU,Germany,2020\n", 3, None, "3"),
        ("FRA,France,2020,56\nFRA,France,2020,57\n", 3, "iso3", "FRA 2020"),
    ],
)
def test_malformed_row_names_file_row_and_field(
    tmp_path: Path, body: str, row: int, field: str | None, found: str
) -> None:
    path = _write(tmp_path, HEADER + body)
    with pytest.raises(InputError) as caught:
        read_factor_file(path)
    error = caught.value
    assert error.location.file == str(path)
    assert error.location.row == row
    assert error.location.field == field
    assert error.found == found
    assert "\n" not in error.one_line()


def test_wrong_header_says_what_was_expected(tmp_path: Path) -> None:
    path = _write(tmp_path, "country,value\nFRA,56\n")
    with pytest.raises(InputError) as caught:
        read_factor_file(path)
    assert caught.value.location.row == 1
    assert "iso3,country,year,carbon_intensity_g_per_kwh" in (caught.value.expected or "")


def test_not_utf8_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "binary.csv"
    path.write_bytes(b"\xff\xfe\x00garbage\x81")
    with pytest.raises(InputError, match="not UTF-8"):
        read_factor_file(path)
    with pytest.raises(InputError, match="cannot read file"):
        read_factor_file(tmp_path / "absent.csv")
