"""Numbers in findings: thousands separators, every significant digit, never an exponent.

A report said "2.03656e+07" and "5259727.0", which hid a gap of 66,100 t between a total and
the sum of its components: six significant digits round both sides to the same figure.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ictfootprint.collection.service import submit
from ictfootprint.model import Entity, EntityKind
from ictfootprint.store import Store
from ictfootprint.units import figure_text


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (20_365_600.0, "20,365,600"),
        (20_299_500.0, "20,299,500"),
        (5_259_727.0, "5,259,727"),
        (0.000123, "0.000123"),
        (1234.5, "1,234.5"),
        (-1234.5, "-1,234.5"),
        (0.0, "0"),
        (-0.0, "0"),
        (1e15, "1,000,000,000,000,000"),
        (1.5e-10, "0.00000000015"),
        (0.1 + 0.2, "0.3"),  # float noise past the 15th digit is not a digit that matters
        (12, "12"),
        (12_345_678_901_234_567, "12,345,678,901,234,567"),  # an integer stays exact
        (float("inf"), "inf"),
        (float("nan"), "nan"),
    ],
)
def test_figure_text_prints_every_digit_with_separators(value: float, shown: str) -> None:
    assert figure_text(value) == shown


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e18, max_value=1e18))
def test_figure_text_reads_back_as_the_value_to_15_digits(value: float) -> None:
    text = figure_text(value)
    assert "e" not in text.lower()
    assert not text.endswith(".0")
    assert float(Decimal(text.replace(",", ""))) == float(f"{value:.15g}")


HEADER = "indicator,year,value,unit,method,source,comment\n"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store.open(f"sqlite:///{tmp_path / 'store.db'}", actor="focal-point")
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


def _messages(store: Store, body: str) -> dict[str, str]:
    result = submit(store, (HEADER + body).encode(), "f.csv", "op-1")
    return {f["rule"]: f["message"] for f in result.report["findings"]}


def test_total_components_message_shows_the_66100_t_gap_hidden_by_an_exponent(
    store: Store,
) -> None:
    messages = _messages(
        store,
        "ghg_scope1,2022,15105873,tCO2e,,,\n"
        "ghg_scope2_location,2022,5259727,tCO2e,,,\n"
        "ghg_s1s2_location,2022,20431700,tCO2e,,,\n",
    )
    message = messages["total-components"]
    assert "20,431,700 tCO2e" in message and "20,365,600 tCO2e" in message
    assert "66,100 tCO2e" in message
    assert "e+07" not in message


def test_partial_components_message_prints_full_figures(store: Store) -> None:
    messages = _messages(
        store,
        "ghg_scope1,2022,15105873,tCO2e,,,\nghg_s1s2_location,2022,15000000,tCO2e,,,\n",
    )
    assert "15,105,873 tCO2e" in messages["total-components"]
    assert "15,000,000 tCO2e" in messages["total-components"]


def test_data_rule_messages_print_full_figures(store: Store) -> None:
    messages = _messages(
        store,
        "energy_electricity,2021,1234567,MWh,,,\n"
        "energy_electricity,2022,3703701,MWh,,,\n"  # +200 %: year-on-year
        "energy_electricity_renewable,2022,3703702.5,MWh,,,\n"  # above total
        "ghg_scope2_location,2022,1234567,tCO2e,,,\n"  # far above 3,703,701 MWh × the grid
        "dc_pue,2022,0.000123,dimensionless,,,\n"
        "energy_electricity_renewable_share,2022,1234.5,percent,,,\n",
    )
    assert "(row 2: 1,234,567 MWh)" in messages["year-on-year"]
    assert "3,703,702.5 MWh" in messages["renewable-within-total"]
    assert "3,703,701 MWh" in messages["renewable-within-total"]
    assert "1,234,567 tCO2e" in messages["scope2-location-plausible"]
    for message in messages.values():
        assert "e+0" not in message and "e-0" not in message, message


def test_range_findings_print_full_figures(store: Store) -> None:
    result = submit(
        store,
        (
            HEADER + "dc_pue,2022,0.000123,dimensionless,,,\n"
            "energy_electricity_renewable_share,2022,1234.5,percent,,,\n"
            "energy_electricity,2022,2e15,MWh,,,\n"
        ).encode(),
        "f.csv",
        "op-1",
    )
    found = {f["rule"]: f for f in result.report["findings"]}
    assert found["range-pue"]["found"] == "0.000123"
    assert found["range-share"]["found"] == "1,234.5 %"
    assert "1,000,000,000,000,000 MWh" in found["value-magnitude"]["expected"]


def test_restatement_names_the_accepted_and_the_new_value_with_units(store: Store) -> None:
    first = submit(store, (HEADER + "ghg_scope1,2022,5259727,tCO2e,,,\n").encode(), "a.csv", "op-1")
    store.accept_submission(first.submission_id)
    messages = _messages(store, "ghg_scope1,2022,5.325827,MtCO2e,,,audit found a site\n")
    message = messages["restatement"]
    assert "5,259,727 tCO2e (revision 1)" in message
    assert "5,325,827 tCO2e" in message and "5.325827 MtCO2e" in message
    assert "+1.26 %" in message
    assert "audit found a site" in message
    assert "5259727.0" not in message
