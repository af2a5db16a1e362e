"""Numbers in findings: thousands separators, every significant digit, never an exponent.

A report said "2.03656e+07" and "5259727.0", which hid a gap of 66,100 t between a total and
the sum of its components: six significant digits round both sides to the same figure.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

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
