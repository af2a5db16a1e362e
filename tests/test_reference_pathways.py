"""Pathways as data: L.1470 and SBTi absolute contraction."""

from __future__ import annotations

import pytest

from ictfootprint.assess.trajectory import trajectory
from ictfootprint.errors import InputError
from ictfootprint.reference.pathways import pathway, pathways


def test_l1470_sector_is_minus_45_percent_by_2030_and_net_zero_by_2050() -> None:
    path = pathway("l1470-sector")
    assert path.share(2020) == 1.0
    assert path.share(2030) == pytest.approx(0.55)
    assert path.share(2050) == 0.0
    assert path.share(2060) == 0.0
    # hand calculation, linear: 1 - 0.45 × 4/10 = 0.82; 2040: 0.55 - 0.55 × 10/20 = 0.275
    assert path.share(2024) == pytest.approx(0.82)
    assert path.share(2040) == pytest.approx(0.275)


def test_sbti_absolute_contraction_rates() -> None:
    assert pathway("sbti-aca-1.5c").share(2030, base_year=2020) == pytest.approx(0.58)
    assert pathway("sbti-aca-wb2c").share(2030, base_year=2020) == pytest.approx(0.75)
    assert pathway("sbti-aca-1.5c").share(2050, base_year=2020) == 0.0  # never below zero


def test_mobile_operators_at_least_minus_45() -> None:
    assert pathway("l1470-mobile-operators").share(2030) <= 0.55


def test_every_pathway_states_its_scopes_and_source() -> None:
    for path in pathways().values():
        assert path.scopes and path.source


def test_trajectory_gap_by_hand() -> None:
    # 1,000 t in 2020: pathway 2024 = 820 t; actual 900 t → gap 80 t, 9.76 % above
    result = trajectory(
        {2020: 1000.0, 2024: 900.0},
        pathway("l1470-sector"),
        scope="1+2-market",
        unit="tCO2e",
        until=2030,
    )
    by_year = {p.year: p for p in result.points}
    assert by_year[2030].pathway == 550.0
    assert by_year[2024].pathway == 820.0
    assert by_year[2024].gap == 80.0
    assert by_year[2024].gap_percent == 9.76
    assert by_year[2024].on_track is False


def test_comparing_another_scope_is_an_error() -> None:
    with pytest.raises(InputError, match="does not cover scope 3"):
        trajectory({2020: 1.0}, pathway("sbti-aca-1.5c"), scope="3", unit="tCO2e")
