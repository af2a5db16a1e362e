"""Survey mappings read from a file: the shipped ARCEP one, and hostile ones refused with one
line naming file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from ictfootprint.assess.coverage import survey_mapping
from ictfootprint.errors import InputError
from ictfootprint.reference.catalogue import catalogue
from ictfootprint.reference.loader import data_file
from ictfootprint.surveys.mapping import load_mapping, shipped_surveys

GOOD = """\
[survey]
id = "demo"
name = "A national survey"
publisher = "A regulator"
country = "BE"
respondent = "telecom-operator"
source = "The regulator's decision, 2025"

[[line]]
id = "q1"
label = "Energy of the networks"
unit = "GWh"
indicator = "energy_total"

[[line]]
id = "q2"
label = "Emissions"
unit = "kt CO2e"
indicator = "ghg_s1s2_location"
basis = "market"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "survey.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_arcep_mapping_is_loaded_from_its_file_with_provenance() -> None:
    mapping = load_mapping("arcep")
    assert "arcep" in shipped_surveys() and mapping.country == "FRA"
    assert mapping.file == "survey_arcep.toml" and "Arcep" in data_file(mapping.file).source
    for line in mapping.mapped:
        assert line.indicator in catalogue()
    ours = {line.id for line in mapping.lines if line.choice}
    assert {"op-ghg-s1s2", "op-energy"} <= ours
    assert mapping.line("op-ghg-s1s2").basis == "unspecified"


def test_a_mapping_file_is_read_like_a_shipped_one(tmp_path: Path) -> None:
    mapping = load_mapping(write(tmp_path, GOOD))
    assert (mapping.id, mapping.country) == ("demo", "BEL")
    assert [line.file_line for line in mapping.lines] == [9, 15]
    result = survey_mapping(str(write(tmp_path, GOOD)))
    assert {m["indicator"] for m in result["maps"]} == {"energy_total", "ghg_s1s2_location"}


@pytest.mark.parametrize(
    ("old", "new", "where", "message"),
    [
        ('unit = "GWh"', 'unit = "kg"', "survey.toml, row 12, field 'unit'", "does not convert"),
        ('unit = "GWh"', 'unit = "bananas"', "row 12, field 'unit'", "unknown unit"),
        (
            'indicator = "energy_total"',
            'indicator = "energy_totl"',
            "row 13, field 'indicator'",
            "unknown indicator",
        ),
        ('id = "q2"', 'id = "q1"', "row 16, field 'id'", "used twice (first on line 9)"),
        (
            'unit = "kt CO2e"\nindicator = "ghg_s1s2_location"',
            'unit = "TWh"\nindicator = "energy_total"',
            "row 19, field 'indicator'",
            "counted twice",
        ),
        ('basis = "market"', 'basis = "both"', "row 20, field 'basis'", "unknown basis"),
        ('basis = "market"', 'colour = "red"', "row 20, field 'colour'", "unknown field"),
        ('country = "BE"', 'country = "XX"', "row 5, field 'country'", "unknown country"),
        (
            'respondent = "telecom-operator"',
            'respondent = "<script>"',
            "field 'respondent'",
            "unknown respondent",
        ),
        ('id = "q1"', 'id = "q1\'; DROP TABLE users; --"', "row 10, field 'id'", "not an id"),
        ('label = "Emissions"', "label = 3", "row 17, field 'label'", "not text"),
        ('unit = "GWh"', 'unit = "GWh', "survey.toml, row 12", "not valid TOML"),
        (
            'indicator = "energy_total"',
            'indicator = "energy_mobile_network"\nsubsector = "data_centre"',
            "field 'subsector'",
            "not a sub-sector",
        ),
    ],
)
def test_hostile_mapping_is_refused_with_one_line(
    tmp_path: Path, old: str, new: str, where: str, message: str
) -> None:
    text = GOOD.replace(old, new, 1)
    with pytest.raises(InputError) as caught:
        load_mapping(write(tmp_path, text))
    line = caught.value.one_line()
    assert where in line and message in line and "\n" not in line


def test_unknown_survey_names_the_shipped_ones() -> None:
    with pytest.raises(InputError, match="arcep"):
        load_mapping("no-such-survey")
