"""L.1480 net impact: seeded Monte Carlo, hand-checked statistics, scenario validation."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import pytest

import ictfootprint.examples
from ictfootprint.assess.net_impact import (
    TIER3_REASON,
    load_scenario,
    net_impact,
    scenario_from_dict,
)
from ictfootprint.errors import InputError

EXAMPLE = Path(ictfootprint.examples.__file__).parent / "scenarios" / "video_conferencing.toml"


def _scenario_data(**top: Any) -> dict[str, Any]:
    """The three-effect scenario of the design note, as parsed TOML."""
    data: dict[str, Any] = {
        "title": "test",
        "illustrative": True,
        "tier": 3,
        "unit": "tCO2e",
        "seed": 42,
        "draws": 10_000,
        "effect": [
            {
                "name": "devices",
                "order": "first",
                "value": {"distribution": "triangular", "low": 40, "mode": 50, "high": 70},
            },
            {
                "name": "avoided travel",
                "order": "second",
                "value": {"distribution": "normal", "mean": -800, "sd": 120},
            },
            {
                "name": "rebound",
                "order": "higher",
                "value": {"distribution": "uniform", "low": 0, "high": 150},
            },
        ],
    }
    data.update(top)
    return data


def _fixed(order: str, value: float, name: str) -> dict[str, Any]:
    return {"name": name, "order": order, "value": {"distribution": "fixed", "value": value}}


# --- determinism -----------------------------------------------------------------------------


def test_same_seed_gives_identical_results() -> None:
    scenario = scenario_from_dict(_scenario_data(), "s.toml")
    first = net_impact(scenario).as_dict()
    again = net_impact(scenario_from_dict(_scenario_data(), "s.toml")).as_dict()
    assert first == again
    # and it is JSON-ready
    assert json.loads(json.dumps(first)) == first


def test_another_seed_gives_other_draws() -> None:
    scenario = scenario_from_dict(_scenario_data(), "s.toml")
    a, b = net_impact(scenario), net_impact(scenario, seed=43)
    assert (a.seed, b.seed) == (42, 43)
    assert a.median != b.median
    assert a.effects[1].mean != b.effects[1].mean


def test_appending_an_effect_keeps_earlier_draws() -> None:
    data = _scenario_data()
    longer = copy.deepcopy(data)
    longer["effect"].append(
        {"name": "more", "order": "higher", "value": {"distribution": "normal", "mean": 5, "sd": 1}}
    )
    short = net_impact(scenario_from_dict(data, "a"))
    long = net_impact(scenario_from_dict(longer, "b"))
    assert long.effects[:3] != ()
    for before, after in zip(short.effects, long.effects[:3], strict=True):
        assert (before.mean, before.median, before.p5, before.p95) == (
            after.mean,
            after.median,
            after.p5,
            after.p95,
        )


def test_api_draws_override_the_file() -> None:
    result = net_impact(scenario_from_dict(_scenario_data(), "s"), draws=500)
    assert result.draws == 500


# --- statistics ------------------------------------------------------------------------------


def test_doubling_one_sd_widens_the_interval() -> None:
    narrow = net_impact(scenario_from_dict(_scenario_data(), "s"))
    data = _scenario_data()
    data["effect"][1]["value"]["sd"] = 240
    wide = net_impact(scenario_from_dict(data, "s"))
    assert wide.p95 - wide.p5 > 1.5 * (narrow.p95 - narrow.p5)


def test_fixed_values_give_the_exact_net_impact() -> None:
    data = _scenario_data(
        effect=[
            _fixed("first", 50, "own"),
            _fixed("second", -800, "avoided"),
            _fixed("higher", 75, "rebound"),
        ]
    )
    result = net_impact(scenario_from_dict(data, "s"))
    assert result.median == result.p5 == result.p95 == result.mean == -675
    totals = {t.order: t.mean for t in result.by_order}
    assert totals == {"first": 50, "second": -800, "higher": 75}
    # contribution = mean / (50 + 800 + 75)
    assert [e.contribution for e in result.effects] == pytest.approx(
        [50 / 925, -800 / 925, 75 / 925]
    )
    assert sum(abs(e.contribution) for e in result.effects) == pytest.approx(1)


def test_single_normal_matches_hand_computation() -> None:
    data = _scenario_data(
        draws=100_000,
        effect=[
            {
                "name": "n",
                "order": "second",
                "value": {"distribution": "normal", "mean": -800, "sd": 120},
            }
        ],
    )
    result = net_impact(scenario_from_dict(data, "s"))
    assert abs(result.median - -800) < 2
    assert result.p95 - result.p5 == pytest.approx(2 * 1.6449 * 120, rel=0.01)


def test_lognormal_takes_mean_and_sd_of_the_variable() -> None:
    for mean in (300, -300):
        data = _scenario_data(
            draws=200_000,
            effect=[
                {
                    "name": "l",
                    "order": "first",
                    "value": {"distribution": "lognormal", "mean": mean, "sd": 100},
                }
            ],
        )
        result = net_impact(scenario_from_dict(data, "s"))
        assert result.mean == pytest.approx(mean, rel=0.01)
        # a mirrored lognormal never crosses zero
        assert math.copysign(1, result.p5) == math.copysign(1, result.p95) == math.copysign(1, mean)
        # median of a lognormal = exp(mu) = mean / sqrt(1 + (sd/mean)^2)
        assert result.median == pytest.approx(mean / math.sqrt(1 + (100 / 300) ** 2), rel=0.01)


def test_result_unit_is_converted() -> None:
    data = _scenario_data(effect=[_fixed("first", 50, "own"), _fixed("second", -800, "cut")])
    scenario = scenario_from_dict(data, "s")
    assert net_impact(scenario, unit="kgCO2e").median == pytest.approx(-750_000)
    assert net_impact(scenario, unit="kgCO2e").unit == "kgCO2e"


# --- tiers -----------------------------------------------------------------------------------


def test_tier3_is_not_for_public_claims() -> None:
    result = net_impact(scenario_from_dict(_scenario_data(tier=3), "s"))
    assert result.public_claims_allowed is False
    assert result.public_claims_reason == TIER3_REASON
    assert result.public_claims_reason == "tier-3 screening result: not for public claims"


def test_tier1_allows_public_claims() -> None:
    result = net_impact(scenario_from_dict(_scenario_data(tier=1), "s"))
    assert result.public_claims_allowed is True
    assert result.public_claims_reason is None


# --- bad input -------------------------------------------------------------------------------


def _value(**params: Any) -> dict[str, Any]:
    data = _scenario_data()
    data["effect"][1]["value"] = params
    return data


BAD: list[tuple[str, dict[str, Any], str]] = [
    ("unknown distribution", _value(distribution="gamma", mean=1), "effect[2].value.distribution"),
    ("missing sd", _value(distribution="normal", mean=-800), "effect[2].value.sd"),
    ("zero sd", _value(distribution="normal", mean=-800, sd=0), "effect[2].value.sd"),
    ("text sd", _value(distribution="normal", mean=-800, sd="120"), "effect[2].value.sd"),
    ("nan mean", _value(distribution="normal", mean=math.nan, sd=1), "effect[2].value.mean"),
    ("typo key", _value(distribution="normal", mean=-800, stdev=1), "effect[2].value.stdev"),
    ("lognormal 0", _value(distribution="lognormal", mean=0, sd=1), "effect[2].value.mean"),
    ("uniform l=h", _value(distribution="uniform", low=5, high=5), "effect[2].value.high"),
    (
        "mode outside",
        _value(distribution="triangular", low=0, mode=9, high=5),
        "effect[2].value.mode",
    ),
    ("no distribution", _value(mean=1), "effect[2].value.distribution"),
    ("tier 4", _scenario_data(tier=4), "tier"),
    ("tier true", _scenario_data(tier=True), "tier"),
    ("draws 99", _scenario_data(draws=99), "draws"),
    ("draws too many", _scenario_data(draws=1_000_001), "draws"),
    ("no effects", _scenario_data(effect=[]), "effect"),
    ("energy unit", _scenario_data(unit="MWh"), "unit"),
    ("unknown unit", _scenario_data(unit="furlongs"), "unit"),
    ("negative seed", _scenario_data(seed=-1), "seed"),
    ("no title", _scenario_data(title=" "), "title"),
]


@pytest.mark.parametrize(("case", "data", "field"), BAD, ids=[b[0] for b in BAD])
def test_bad_scenarios_name_the_field(case: str, data: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as caught:
        scenario_from_dict(data, "bad.toml")
    assert caught.value.location.file == "bad.toml"
    assert caught.value.location.field == field


def test_unknown_order_names_the_field() -> None:
    data = _scenario_data()
    data["effect"][2]["order"] = "third"
    with pytest.raises(InputError) as caught:
        scenario_from_dict(data, "bad.toml")
    assert caught.value.location.field == "effect[3].order"
    assert caught.value.found == "'third'"


def test_bad_file_names_the_file_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    text = EXAMPLE.read_text("utf-8").replace("sd = 120", "sd = -120")
    path.write_text(text, "utf-8")
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    assert caught.value.location.file == str(path)
    assert caught.value.location.field == "effect[3].value.sd"
    assert str(path) in str(caught.value)


def test_invalid_toml_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text('title = "unterminated\n', "utf-8")
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    assert caught.value.location.file == str(path)


def test_api_overrides_are_checked() -> None:
    scenario = scenario_from_dict(_scenario_data(), "s")
    with pytest.raises(InputError) as caught:
        net_impact(scenario, draws=10)
    assert caught.value.location.field == "draws"


# --- the shipped example ---------------------------------------------------------------------


def test_illustrative_scenario_loads_and_runs() -> None:
    text = EXAMPLE.read_text("utf-8").lower()
    assert "illustrative" in text and "fictitious" in text
    scenario = load_scenario(EXAMPLE)
    assert scenario.illustrative
    result = net_impact(scenario)
    assert result.p5 < result.median < result.p95 < 0
    assert result.public_claims_allowed is False
    assert [t.effects for t in result.by_order] == [2, 2, 1]
