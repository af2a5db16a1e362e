"""Company benchmark (ITU/WBA Greening Digital Companies style): scores by hand, ranking."""

from __future__ import annotations

import copy
import itertools
import json
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ictfootprint.assess.benchmark import (
    CompanyYear,
    Weights,
    parse_weights,
    rank,
    score,
    trend_percent_per_year,
    weights,
)
from ictfootprint.errors import InputError
from ictfootprint.reference.loader import read_toml

# The hand calculations below use the shipped weights; this test pins them so that a change of
# the weights file fails here first, loudly, instead of as four puzzling score mismatches.
SHIPPED_POINTS = {
    "emissions_trend": 25.0,
    "scope3_completeness": 15.0,
    "renewable_electricity": 15.0,
    "targets": 20.0,
    "verification": 10.0,
    "disclosure": 15.0,
}


def company(entity_id: str, **fields: Any) -> CompanyYear:
    values: dict[str, Any] = {
        "name": entity_id.upper(),
        "year": 2024,
        "scope3_categories_reported": 0,
        "target": "none",
        "verified": "none",
        "disclosure_completeness_percent": 0.0,
    }
    values.update(fields)
    return CompanyYear(entity_id=entity_id, **values)


# Four companies, in an order that is not the ranking.
FIXTURE = [
    company(
        "op-c",
        s1s2_market=110.0,
        s1s2_market_base=100.0,
        base_year=2022,
        scope3_categories_reported=3,
        renewable_share_percent=100.0,
        target="committed",
        net_zero_year=2050,
        verified="none",
        disclosure_completeness_percent=70.0,
    ),
    company(
        "op-a",
        s1s2_market=790.0,
        s1s2_market_base=1000.0,
        base_year=2019,
        scope3_categories_reported=15,
        renewable_share_percent=80.0,
        target="validated",
        net_zero_year=2040,
        verified="reasonable",
        disclosure_completeness_percent=90.0,
    ),
    company(
        "op-d",
        scope3_categories_reported=0,
        target="none",
        net_zero_year=2060,
        verified="limited",
        disclosure_completeness_percent=40.0,
    ),
    company(
        "op-b",
        s1s2_market=916.0,
        s1s2_market_base=1000.0,
        base_year=2020,
        scope3_categories_reported=6,
        renewable_share_percent=50.0,
        target="set",
        verified="limited",
        disclosure_completeness_percent=60.0,
    ),
]

# Hand calculation, weights trend 25, scope 3 15, renewables 15, targets 20, verification 10,
# disclosure 15:
# op-a: trend (790-1000)/1000/5 yr = -4.2 %/yr → 1 → 25; scope 3 15/15 → 15; renewables
#       80 % → 0.8 × 15 = 12; validated 1 + net-zero 2040 bonus 0.2, capped at 1 → 20;
#       reasonable → 10; disclosure 90 % → 13.5.           25 + 15 + 12 + 20 + 10 + 13.5 = 95.5
# op-b: trend (916-1000)/1000/4 yr = -2.1 %/yr → 2.1/4.2 = 0.5 → 12.5; scope 3 6/15 = 0.4 → 6;
#       renewables 50 % → 7.5; set 0.67 × 20 = 13.4; limited 0.5 × 10 = 5; disclosure 60 % → 9.
#                                                            12.5 + 6 + 7.5 + 13.4 + 5 + 9 = 53.4
# op-c: trend (110-100)/100/2 yr = +5 %/yr (growth) → 0; scope 3 3/15 = 0.2 → 3; renewables
#       100 % → 15; committed 0.33 + net-zero 2050 (≤ 2050) 0.2 = 0.53 × 20 = 10.6; none → 0;
#       disclosure 70 % → 10.5.                                0 + 3 + 15 + 10.6 + 0 + 10.5 = 39.1
# op-d: no emissions → 0; scope 3 0 → 0; renewables missing → 0; none, net zero 2060 > 2050 → 0;
#       limited → 5; disclosure 40 % → 6.                              0 + 0 + 0 + 0 + 5 + 6 = 11
HAND_SCORES = {"op-a": 95.5, "op-b": 53.4, "op-c": 39.1, "op-d": 11.0}
HAND_RANKING = ["op-a", "op-b", "op-c", "op-d"]


def test_shipped_weights_are_the_ones_the_hand_calculations_use() -> None:
    w = weights()
    assert dict(w.points) == SHIPPED_POINTS
    assert sum(w.points.values()) == 100
    assert w.trend_full_points_at == -4.2
    assert w.trend_zero_points_at == 0.0
    assert dict(w.target_levels) == {"none": 0, "committed": 0.33, "set": 0.67, "validated": 1}
    assert (w.net_zero_bonus, w.net_zero_by) == (0.2, 2050)
    assert dict(w.verification_levels) == {"none": 0, "limited": 0.5, "reasonable": 1}


def test_fixture_scores_match_the_hand_calculation() -> None:
    for c in FIXTURE:
        assert score(c).total == pytest.approx(HAND_SCORES[c.entity_id], abs=1e-9), c.entity_id


def test_fixture_breakdown_by_hand() -> None:
    a = {c.criterion: c for c in score(FIXTURE[1]).criteria}
    assert a["emissions_trend"].raw == -4.2
    assert a["renewable_electricity"].points == pytest.approx(12.0)
    assert a["targets"].score == 1.0  # 1 + 0.2 bonus capped
    assert a["targets"].raw == "validated; net zero 2040"
    assert a["disclosure"].weight == 15.0
    c = {c.criterion: c for c in score(FIXTURE[0]).criteria}
    assert c["emissions_trend"].raw == pytest.approx(5.0)
    assert c["targets"].score == pytest.approx(0.53)


def test_fixture_ranking_matches_the_hand_ranking() -> None:
    ranked = rank(FIXTURE)
    assert [r.score.entity_id for r in ranked] == HAND_RANKING
    assert [r.rank for r in ranked] == [1, 2, 3, 4]


def test_ranking_does_not_depend_on_input_order() -> None:
    expected = [(r.rank, r.score.entity_id, r.score.total) for r in rank(FIXTURE)]
    for order in itertools.permutations(FIXTURE):
        got = [(r.rank, r.score.entity_id, r.score.total) for r in rank(list(order))]
        assert got == expected


_ids = st.sampled_from(["a", "b", "c", "d", "e", "f"])
_companies = st.builds(
    CompanyYear,
    entity_id=_ids,
    name=st.just("x"),
    year=st.just(2024),
    # few distinct values, so that ties are frequent
    scope3_categories_reported=st.sampled_from([0, 15]),
    target=st.sampled_from(["none", "validated"]),
    verified=st.sampled_from(["none", "reasonable"]),
    disclosure_completeness_percent=st.sampled_from([0.0, 50.0, 100.0]),
    renewable_share_percent=st.sampled_from([None, 0.0, 100.0]),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_companies, max_size=6, unique_by=lambda c: c.entity_id), st.randoms())
def test_any_shuffle_gives_the_same_ranking(companies: list[CompanyYear], rnd: Any) -> None:
    shuffled = list(companies)
    rnd.shuffle(shuffled)
    first = [(r.rank, r.score.entity_id) for r in rank(companies)]
    assert [(r.rank, r.score.entity_id) for r in rank(shuffled)] == first
    totals = [r.score.total for r in rank(companies)]
    assert totals == sorted(totals, reverse=True)
    assert all(0 <= t <= 100 for t in totals)


def test_tie_goes_to_higher_disclosure_then_to_entity_id() -> None:
    # renewables and disclosure weigh 15 each: 100 % renewables + 0 % disclosure ties with
    # 0 % renewables + 100 % disclosure (15 points each); the more complete discloser wins.
    opaque = company("aaa", renewable_share_percent=100.0, disclosure_completeness_percent=0.0)
    open_ = company("zzz", renewable_share_percent=0.0, disclosure_completeness_percent=100.0)
    assert score(opaque).total == score(open_).total == 15.0
    assert [r.score.entity_id for r in rank([opaque, open_])] == ["zzz", "aaa"]
    # identical records: alphabetical entity id, whatever the order given
    twin_b = company("twin-b", disclosure_completeness_percent=50.0)
    twin_a = company("twin-a", disclosure_completeness_percent=50.0)
    assert [r.score.entity_id for r in rank([twin_b, twin_a])] == ["twin-a", "twin-b"]
    assert [r.rank for r in rank([twin_b, twin_a])] == [1, 2]


def test_tie_survives_float_noise() -> None:
    # committed (0.33 × 20 = 6.6000000000000005 in binary) + 0 % disclosure against 44 %
    # disclosure (0.44 × 15 = 6.6): equal by hand, so disclosure decides, not the 16th digit.
    a = company("a", target="committed")
    b = company("b", disclosure_completeness_percent=44.0)
    assert score(a).total != score(b).total  # the noise this test is about
    assert score(a).total == pytest.approx(score(b).total)
    assert [r.score.entity_id for r in rank([a, b])] == ["b", "a"]


def trend_score(c: CompanyYear) -> float:
    (trend,) = [x for x in score(c).criteria if x.criterion == "emissions_trend"]
    return trend.score


@pytest.mark.parametrize(
    ("now", "base", "base_year", "expected"),
    [
        (790.0, 1000.0, 2019, 1.0),  # exactly -4.2 %/yr → full points
        (580.0, 1000.0, 2014, 1.0),  # -4.2 %/yr over 10 years
        (500.0, 1000.0, 2023, 1.0),  # -50 %/yr: steeper than 1.5 °C, still capped at 1
        (916.0, 1000.0, 2020, 0.5),  # -2.1 %/yr → half
        (1000.0, 1000.0, 2020, 0.0),  # flat → 0
        (1100.0, 1000.0, 2020, 0.0),  # growth → 0
        (0.0, 1000.0, 2023, 1.0),  # emissions eliminated
    ],
)
def test_emissions_trend_edges(now: float, base: float, base_year: int, expected: float) -> None:
    c = company("x", s1s2_market=now, s1s2_market_base=base, base_year=base_year)
    assert trend_score(c) == expected


def test_emissions_trend_exactly_sbti_rate_is_exact() -> None:
    c = company("x", s1s2_market=790.0, s1s2_market_base=1000.0, base_year=2019)
    assert trend_percent_per_year(c) == -4.2


@pytest.mark.parametrize(
    "missing",
    [
        {"s1s2_market_base": 1000.0, "base_year": 2020},
        {"s1s2_market": 900.0, "base_year": 2020},
        {"s1s2_market": 900.0, "s1s2_market_base": 1000.0},
        {},
    ],
)
def test_emissions_trend_missing_data_scores_zero(missing: dict[str, Any]) -> None:
    c = company("x", **missing)
    assert trend_percent_per_year(c) is None
    assert trend_score(c) == 0.0


def points(c: CompanyYear, criterion: str) -> float:
    (found,) = [x for x in score(c).criteria if x.criterion == criterion]
    return found.score


def test_scope3_renewables_disclosure_edges() -> None:
    assert points(company("x", scope3_categories_reported=0), "scope3_completeness") == 0.0
    assert points(company("x", scope3_categories_reported=15), "scope3_completeness") == 1.0
    assert points(company("x", scope3_categories_reported=5), "scope3_completeness") == 5 / 15
    assert points(company("x"), "renewable_electricity") == 0.0  # missing
    assert points(company("x", renewable_share_percent=0.0), "renewable_electricity") == 0.0
    assert points(company("x", renewable_share_percent=100.0), "renewable_electricity") == 1.0
    assert points(company("x", disclosure_completeness_percent=100.0), "disclosure") == 1.0
    assert points(company("x", disclosure_completeness_percent=0.0), "disclosure") == 0.0


@pytest.mark.parametrize(
    ("target", "net_zero_year", "expected"),
    [
        ("none", None, 0.0),
        ("committed", None, 0.33),
        ("set", None, 0.67),
        ("validated", None, 1.0),
        ("none", 2050, 0.2),  # bonus at the limit year
        ("none", 2051, 0.0),  # one year late: no bonus
        ("set", 2045, 0.87),
        ("validated", 2030, 1.0),  # capped
    ],
)
def test_targets_edges(target: str, net_zero_year: int | None, expected: float) -> None:
    c = company("x", target=target, net_zero_year=net_zero_year)
    assert points(c, "targets") == pytest.approx(expected)
    assert points(c, "targets") <= 1.0


@pytest.mark.parametrize(
    ("verified", "expected"), [("none", 0.0), ("limited", 0.5), ("reasonable", 1.0)]
)
def test_verification_levels(verified: str, expected: float) -> None:
    assert points(company("x", verified=verified), "verification") == expected


def test_as_dict_rounds_for_display_only_and_is_json() -> None:
    c = company("x", target="committed")  # 6.6000000000000005 points
    result = score(c)
    shown = json.loads(json.dumps(result.as_dict()))
    assert shown["score"] == 6.6
    assert result.total != 6.6  # full precision kept for ranking
    assert shown["criteria"][0]["criterion"] == "emissions_trend"
    ranked = json.loads(json.dumps(rank(FIXTURE)[0].as_dict()))
    assert (ranked["rank"], ranked["entity_id"], ranked["score"]) == (1, "op-a", 95.5)


def raw_weights() -> dict[str, Any]:
    return copy.deepcopy(read_toml("benchmark_weights.toml"))


def test_weights_are_checked_to_sum_to_100() -> None:
    assert isinstance(parse_weights(raw_weights()), Weights)
    broken = raw_weights()
    broken["criterion"]["disclosure"]["weight"] = 16
    with pytest.raises(InputError) as caught:
        parse_weights(broken, source="my_weights.toml")
    assert caught.value.location.file == "my_weights.toml"
    assert caught.value.found == "101.0"


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("criterion", "targets", "weight"), "20", "criterion.targets.weight"),
        (("criterion", "targets", "weight"), -5, "criterion.targets.weight"),
        (("criterion", "targets", "levels"), {"none": 0}, "criterion.targets.levels"),
        (
            ("criterion", "verification", "levels", "limited"),
            2,
            "criterion.verification.levels.limited",
        ),
        (("criterion", "emissions_trend", "full_points_at"), 1.0, "criterion.emissions_trend"),
        (("criterion", "targets", "net_zero_by"), 2050.5, "criterion.targets.net_zero_by"),
        (("tie_places",), None, "tie_places"),
    ],
)
def test_broken_weights_are_refused(path: tuple[str, ...], value: Any, field: str) -> None:
    broken = raw_weights()
    node = broken
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    with pytest.raises(InputError) as caught:
        parse_weights(broken)
    assert caught.value.location.field == field


def test_missing_criterion_is_refused() -> None:
    broken = raw_weights()
    del broken["criterion"]["verification"]
    with pytest.raises(InputError) as caught:
        parse_weights(broken)
    assert caught.value.location.field == "criterion"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"renewable_share_percent": 100.5}, "renewable_share_percent"),
        ({"renewable_share_percent": -1.0}, "renewable_share_percent"),
        ({"renewable_share_percent": float("nan")}, "renewable_share_percent"),
        ({"disclosure_completeness_percent": 101.0}, "disclosure_completeness_percent"),
        ({"scope3_categories_reported": 16}, "scope3_categories_reported"),
        ({"scope3_categories_reported": -1}, "scope3_categories_reported"),
        ({"target": "approved"}, "target"),
        ({"verified": "full"}, "verified"),
        ({"base_year": 2024}, "base_year"),
        ({"base_year": 2025}, "base_year"),
        ({"s1s2_market": -3.0}, "s1s2_market"),
        ({"s1s2_market_base": 0.0}, "s1s2_market_base"),
    ],
)
def test_invalid_inputs_name_entity_and_field(fields: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as caught:
        company("acme-telecom", **fields)
    assert caught.value.location.field == field
    assert "acme-telecom" in caught.value.message


def test_duplicate_entity_in_a_ranking_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        rank([FIXTURE[0], replace(FIXTURE[0], year=2023)])
    assert caught.value.location.field == "entity_id"
    assert "op-c" in caught.value.message


# --- the benchmark read from the store --------------------------------------------------------


def _store_company(db_url: str) -> Any:
    from ictfootprint.model import Entity, EntityKind, Observation
    from ictfootprint.store import Store

    store = Store.open(db_url, actor="test")
    store.add_entity(
        Entity(id="green-op", name="Green Operator", kind=EntityKind.COMPANY, country="FRA")
    )
    rows = [
        # electricity in two countries, renewables reported where they were bought
        ("energy_electricity", 60_000.0, "MWh", "FRA"),
        ("energy_electricity", 40.0, "GWh", "KEN"),
        ("energy_electricity_renewable", 57_000.0, "MWh", "FRA"),
        ("energy_electricity_renewable", 38_000.0, "MWh", "KEN"),
        ("ghg_scope1", 1000.0, "tCO2e", "FRA"),
    ]
    store.record_observations(
        [
            Observation(
                entity_id="green-op",
                indicator_id=indicator,
                year=2023,
                value=value,
                unit=unit,
                method="reported",
                source="test",
                country=country,
            )
            for indicator, value, unit, country in rows
        ]
    )
    return store


def test_renewable_criterion_was_zero_for_companies_reporting_mwh_not_the_share(
    db_url: str,
) -> None:
    """Regression: companies report renewable and total electricity (MWh), rarely the share;
    the benchmark read only ``energy_electricity_renewable_share`` and scored them 0."""
    from ictfootprint.assess.benchmark_store import companies_from_store

    store = _store_company(db_url)
    try:
        (company_year,) = companies_from_store(store, 2023)
    finally:
        store.close()
    # by hand: (57,000 + 38,000) MWh / (60,000 + 40,000) MWh = 95 %
    assert company_year.renewable_share_percent == pytest.approx(95.0)
    # 95 % of the criterion's 15 points
    breakdown = {c.criterion: c for c in score(company_year).criteria}
    assert breakdown["renewable_electricity"].points == pytest.approx(15.0 * 0.95)
