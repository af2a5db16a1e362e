"""Coverage, like-for-like series and estimates on entity-year frames built by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ictfootprint.compute.bootstrap import interval, ratio_distribution, resample_count
from ictfootprint.compute.sector_estimates import estimate_unreported
from ictfootprint.compute.sector_frame import COLUMNS
from ictfootprint.compute.sector_trends import NATIONAL_COLUMNS, coverage, like_for_like

S1S2 = "ghg_s1s2_location"
LINES = "activity_mobile_lines"
M = 1_000_000


def frame(
    rows: list[tuple[str, str, int, str, float | None]], subsector: str = "mobile_network"
) -> pd.DataFrame:
    """Entity rows (entity, country, year, quantity, value; None = incomplete)."""
    records = []
    for entity, country, year, quantity, value in rows:
        complete = value is not None
        records.append(
            {
                "entity_id": entity,
                "country": country,
                "subsector": subsector,
                "year": year,
                "quantity": quantity,
                "value": float("nan") if value is None else float(value),
                "status": "complete" if complete else "incomplete",
                "basis": "components" if complete else "",
                "method": "reported",
                "missing": "" if complete else "ghg_scope2_location",
                "conflict": False,
                "inputs": "",
                "combined_value": float("nan"),
                "components_value": float("nan"),
            }
        )
    out = pd.DataFrame(records, columns=list(COLUMNS))
    out["year"] = out["year"].astype("int64")
    return out


def national(rows: list[tuple[str, int, str, float]]) -> pd.DataFrame:
    out = pd.DataFrame(
        [(c, y, i, "", v, n) for n, (c, y, i, v) in enumerate(rows)], columns=NATIONAL_COLUMNS
    )
    out["year"] = out["year"].astype("int64")
    return out


# The acceptance scenario (tests/test_sector_trends.py stores the same figures): operators A
# and B in France (B joins in 2021), C in Kenya (Scope 1 only in 2022); tCO2e and lines.
S1S2_VALUES = {
    "A": {2019: 1000, 2020: 950, 2021: 900, 2022: 850, 2023: 800},
    "B": {2021: 600, 2022: 570, 2023: 540},
    "C": {2019: 400, 2020: 380, 2021: 360, 2022: None, 2023: 320},
}
HOME = {"A": "FRA", "B": "FRA", "C": "KEN"}
OWN_LINES = {"A": 10 * M, "B": 6 * M, "C": 5 * M}


def scenario(without: str = "") -> pd.DataFrame:
    rows: list[tuple[str, str, int, str, float | None]] = []
    for entity, years in S1S2_VALUES.items():
        if entity == without:
            continue
        for year, value in years.items():
            rows.append((entity, HOME[entity], year, S1S2, value))
            rows.append((entity, HOME[entity], year, LINES, OWN_LINES[entity]))
    return frame(rows)


def nationals() -> pd.DataFrame:
    return national(
        [(c, y, LINES, n) for y in range(2019, 2024) for c, n in (("FRA", 20 * M), ("KEN", 10 * M))]
    )


def _rows(items: list[dict[str, object]], **match: object) -> list[dict[str, object]]:
    return [r for r in items if all(r[k] == v for k, v in match.items())]


def test_like_for_like_by_hand() -> None:
    rows = _rows(like_for_like(scenario(), level="world"), subsector="_T", quantity=S1S2)
    by_year = {r["year"]: r for r in rows}
    # reported: 2019 A+C 1400, 2020 1330, 2021 A+B+C 1860 (B joins), 2022 A+B 1420 (C only
    # Scope 1: incomplete), 2023 A+B+C 1660
    assert [by_year[y]["reported"] for y in range(2019, 2024)] == [1400, 1330, 1860, 1420, 1660]
    # 2020: {A, C} 1330 / 1400; 2021: {A, C} (B new) 1260 / 1330; 2022: {A, B} (C incomplete)
    # 1420 / 1500; 2023: {A, B} 1340 / 1420
    assert [by_year[y]["sample"] for y in range(2019, 2024)] == [0, 2, 2, 2, 2]
    assert by_year[2021]["sample_previous"] == 1330
    assert by_year[2021]["sample_current"] == 1260
    assert by_year[2021]["change_percent"] == pytest.approx(100 * (1260 / 1330 - 1))
    # chained from 1400: 1330, 1330 × 1260/1330 = 1260, 1260 × 1420/1500 = 1192.8,
    # 1192.8 × 1340/1420 = 1125.6
    expected = [1400, 1330, 1260, 1192.8, 1125.6]
    assert [by_year[y]["like_for_like"] for y in range(2019, 2024)] == pytest.approx(expected)
    assert [by_year[y]["anchor"] for y in range(2019, 2024)] == [True, False, False, False, False]


def test_a_company_joining_does_not_change_the_like_for_like_trend() -> None:
    def series(data: pd.DataFrame) -> dict[int, object]:
        rows = _rows(like_for_like(data, level="world"), subsector="_T", quantity=S1S2)
        return {r["year"]: r["like_for_like"] for r in rows}

    with_b, without_b = series(scenario()), series(scenario(without="B"))
    # B joins in 2021: up to 2021 the like-for-like series is the same with or without it
    assert [with_b[y] for y in (2019, 2020, 2021)] == [without_b[y] for y in (2019, 2020, 2021)]
    reported = {
        r["year"]: r["reported"]
        for r in _rows(like_for_like(scenario(), level="world"), subsector="_T", quantity=S1S2)
    }
    assert reported[2021] > reported[2020]  # the reported total jumps by B's 600 t
    assert with_b[2021] < with_b[2020]  # the like-for-like series falls


@settings(max_examples=40, deadline=None)
@given(
    base=st.lists(st.integers(1, 10_000), min_size=2, max_size=4),
    newcomer=st.lists(st.integers(1, 10_000), min_size=3, max_size=3),
)
def test_a_newcomer_never_changes_the_growth_of_its_joining_year(
    base: list[int], newcomer: list[int]
) -> None:
    rows: list[tuple[str, str, int, str, float | None]] = []
    for n, value in enumerate(base):
        rows += [(f"e{n}", "FRA", 2020, S1S2, value), (f"e{n}", "FRA", 2021, S1S2, value * 0.9)]
    plain = _rows(like_for_like(frame(rows), level="world"), subsector="_T", year=2021)
    rows += [("new", "DEU", 2021, S1S2, newcomer[0])]
    joined = _rows(like_for_like(frame(rows), level="world"), subsector="_T", year=2021)
    assert joined[0]["like_for_like"] == plain[0]["like_for_like"]
    assert joined[0]["reported"] > plain[0]["reported"]


def test_a_year_without_a_constant_sample_starts_a_new_segment() -> None:
    data = frame([("A", "FRA", 2019, S1S2, 100), ("B", "FRA", 2020, S1S2, 300)])
    rows = {r["year"]: r for r in like_for_like(data, level="country") if r["subsector"] == "_T"}
    assert rows[2020]["anchor"] is True and rows[2020]["growth"] is None
    assert rows[2020]["like_for_like"] == 300


def test_coverage_by_hand() -> None:
    rows = coverage(scenario(), nationals(), level="country", quantities=[S1S2])
    fra = {r["year"]: r for r in _rows(rows, area="FRA", subsector="mobile_network")}
    # France: A's 10 M lines of 20 M (50 %); from 2021 A + B: 16 M of 20 M (80 %)
    assert fra[2019]["entities"] == ["A"] and fra[2019]["coverage_percent"] == 50.0
    assert fra[2021]["entities"] == ["A", "B"] and fra[2021]["coverage_percent"] == 80.0
    ken = {r["year"]: r for r in _rows(rows, area="KEN", subsector="mobile_network")}
    # Kenya: C's 5 M of 10 M; in 2022 C's Scope 1 + 2 is incomplete: a sample of none, 0 %
    assert ken[2019]["coverage_percent"] == 50.0
    assert ken[2022]["entities"] == [] and ken[2022]["coverage_percent"] == 0.0
    world = {
        r["year"]: r
        for r in _rows(
            coverage(scenario(), nationals(), level="world"),
            subsector="mobile_network",
            quantity=S1S2,
        )
    }
    # world 2022: A + B 16 M of France's 20 M + Kenya's 10 M = 30 M
    assert world[2022]["coverage"][0]["reporters_value"] == 16 * M
    assert world[2022]["coverage"][0]["national_value"] == 30 * M
    assert world[2022]["coverage_percent"] == pytest.approx(round(100 * 16 / 30, 2))
    # _T has no national denominator here (revenue, sector electricity): sample only
    total = _rows(
        coverage(scenario(), nationals(), level="world"), subsector="_T", year=2023, quantity=S1S2
    )
    assert total[0]["entities"] == ["A", "B", "C"] and total[0]["coverage"] == []


def test_a_years_coverage_is_the_same_whichever_years_are_asked_with_it() -> None:
    """The 0 % row of an area with a national figure and no reporter is for a quantity some
    area reports that year: Kenya has none in 2022 (C incomplete, A and B report), France and
    Kenya none in 2024, when nobody reports. Asked alone or with the other years, each year's
    rows are the same."""
    data = scenario()
    lines = national(
        [(c, y, LINES, n) for y in range(2019, 2025) for c, n in (("FRA", 20 * M), ("KEN", 10 * M))]
    )
    every = coverage(data, lines, level="country", quantities=[S1S2])
    assert _rows(every, area="KEN", year=2022, subsector="mobile_network")[0]["sample"] == 0
    assert not _rows(every, year=2024)  # reported nowhere that year: no 0 % rows
    for year in range(2019, 2025):
        alone = coverage(
            data[data["year"] == year],
            lines[lines["year"] == year],
            level="country",
            quantities=[S1S2],
        )
        assert alone == _rows(every, year=year), year


def test_coverage_lists_reporters_without_their_own_denominator() -> None:
    data = frame(
        [
            ("A", "FRA", 2023, S1S2, 10),
            ("B", "FRA", 2023, S1S2, 20),
            ("A", "FRA", 2023, LINES, 4 * M),
        ]
    )
    rows = coverage(data, national([("FRA", 2023, LINES, 10 * M)]), level="country")
    row = _rows(rows, subsector="mobile_network", quantity=S1S2)[0]
    assert row["without_denominator"] == ["B"] and row["coverage_percent"] == 40.0


def test_estimate_by_hand() -> None:
    rows = estimate_unreported(scenario(), nationals(), level="world")
    row = _rows(rows, subsector="_T", year=2023, quantity=S1S2)[0]
    # peers (world: France and Kenya each have fewer than 3 reporters): A 800 t / 10 M lines,
    # B 540 / 6 M, C 320 / 5 M; intensity = (800 + 540 + 320) / 21 M = 1660 / 21 M
    # unreported: France (20 M − 16 M) + Kenya (10 M − 5 M) = 9 M lines × 1660 / 21 M
    assert row["reported"] == 1660
    assert row["estimated"] == pytest.approx(1660 * 9 / 21, abs=1e-6)  # 711.428571
    assert row["total"] == pytest.approx(1660 + 1660 * 9 / 21, abs=1e-6)
    assert row["reported_share_percent"] == 70.0  # 1660 / (1660 × 30 / 21) = 21 / 30
    # exact bootstrap: 10 distinct resamples of 3 peers (27 equally likely ordered ones);
    # intensities per M lines, sorted, with probability ×27: CCC 64 (1), ACC 1440/20 = 72 (3),
    # BCC 1180/16 = 73.75 (3), AAC 76.8 (3), ABC 79.05 (6), AAA 80 (1), AAB 82.31 (3),
    # BBC 82.35 (3), ABB 1880/22 = 85.45 (3), BBB 90 (1). 5 %: first cumulative ≥ 0.05 is
    # 72 (4/27); 95 %: first ≥ 0.95 is 1880/22 (26/27).
    assert row["bootstrap"] == "exact"
    assert row["estimated_low"] == pytest.approx(72 * 9, abs=1e-6)  # 648
    assert row["estimated_high"] == pytest.approx(1880 / 22 * 9, abs=1e-6)  # 769.090909
    assert row["total_low"] == pytest.approx(1660 + 648, abs=1e-6)
    assert {c["peers_from"] for c in row["countries"]} == {"world"}
    # 2022: C incomplete, so Kenya's 10 M lines are all unreported; peers A (850 / 10 M) and
    # B (570 / 6 M): 1420 / 16 M × (4 M + 10 M) = 1242.5
    row = _rows(rows, subsector="_T", year=2022, quantity=S1S2)[0]
    assert row["estimated"] == pytest.approx(1242.5)


def test_estimates_are_the_same_for_the_same_inputs() -> None:
    values = [float(v) for v in range(1, 30)]
    denominators = [float(v % 7 + 1) for v in range(1, 30)]
    first = ratio_distribution(values, denominators, draws=500, seed=3, key="x")
    again = ratio_distribution(values, denominators, draws=500, seed=3, key="x")
    assert not first.exact
    assert interval(first.values, first.weights, 0.9) == interval(again.values, again.weights, 0.9)


def test_the_exact_bootstrap_weights_add_up() -> None:
    d = ratio_distribution([1.0, 2.0, 4.0], [1.0, 1.0, 1.0], draws=100, seed=0, key="k")
    assert d.exact and len(d.values) == resample_count(3) == 10
    assert math.isclose(float(d.weights.sum()), 1.0)


def test_trends_without_any_national_denominator() -> None:
    """Regression: with no national figure at all the merge of the reporters' own
    denominators met a float column of NaN and a text one (ValueError)."""
    empty = national([])
    rows = coverage(scenario(), empty, level="world", quantities=[S1S2])
    assert _rows(rows, subsector="_T", year=2023)[0]["entities"] == ["A", "B", "C"]
    assert _rows(rows, subsector="_T", year=2023)[0]["coverage"] == []
    assert estimate_unreported(scenario(), empty, level="world") == []


def test_a_country_without_reporters_gets_world_peers_and_says_so() -> None:
    data = scenario()
    lines = national(
        [(c, 2023, LINES, n) for c, n in (("FRA", 20 * M), ("KEN", 10 * M), ("DEU", 21 * M))]
    )
    rows = estimate_unreported(data, lines, level="country")
    germany = _rows(rows, area="DEU", subsector="mobile_network", year=2023, quantity=S1S2)[0]
    # no German reporter: 21 M lines × the world peers' 1660 t / 21 M = 1660 t, none reported
    assert germany["reported"] == 0 and germany["estimated"] == pytest.approx(1660)
    assert germany["reported_share_percent"] == 0.0
    assert germany["countries"][0]["peers_from"] == "world"
    assert germany["countries"][0]["peers"] == ["A", "B", "C"]


def test_a_country_with_enough_reporters_is_its_own_peer_group() -> None:
    from ictfootprint.compute.sector_trends import EstimateSettings

    own = EstimateSettings(interval=0.9, draws=2000, seed=1, min_peers=2)
    rows = estimate_unreported(scenario(), nationals(), level="country", settings=own)
    france = _rows(rows, area="FRA", subsector="mobile_network", year=2023, quantity=S1S2)[0]
    # France's A and B: (800 + 540) / 16 M × 4 M = 335; Kenya (one reporter) keeps world peers
    assert france["estimated"] == pytest.approx(1340 * 4 / 16)
    assert france["countries"][0]["peers_from"] == "country"
    kenya = _rows(rows, area="KEN", subsector="mobile_network", year=2023, quantity=S1S2)[0]
    assert kenya["countries"][0]["peers_from"] == "world"


def test_country_estimates_add_up_to_regions_and_the_world() -> None:
    def estimated(level: str, region_kind: str = "itu") -> float:
        rows = estimate_unreported(scenario(), nationals(), level=level, region_kind=region_kind)
        return sum(
            float(r["estimated"]) for r in _rows(rows, subsector="_T", year=2023, quantity=S1S2)
        )

    # France 1660 × 4 / 21 + Kenya 1660 × 5 / 21 = 1660 × 9 / 21, at every level
    for level, kind in (("country", "itu"), ("region", "itu"), ("region", "m49"), ("world", "itu")):
        assert estimated(level, kind) == pytest.approx(1660 * 9 / 21, abs=1e-5), (level, kind)
    europe = _rows(
        coverage(scenario(), nationals(), level="region"),
        area="ITU-EUR",
        subsector="mobile_network",
        year=2023,
        quantity=S1S2,
    )[0]
    assert europe["entities"] == ["A", "B"] and europe["coverage_percent"] == 80.0
