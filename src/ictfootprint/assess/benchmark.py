"""Company benchmark in the style of the ITU/WBA Greening Digital Companies ranking.

Pure computation on plain records (:class:`CompanyYear`), no database. Each criterion scores
0..1; the score is Σ weight × criterion score, out of 100. Weights and thresholds are data
(``reference/data/benchmark_weights.toml``). Ranking uses full precision (to ``tie_places``
decimals, to absorb float noise); ties go to the higher disclosure completeness, then to the
alphabetically first entity id, so the ranking never depends on the input order.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

from ictfootprint.errors import InputError, Location, ReferenceDataError
from ictfootprint.reference.loader import read_toml

WEIGHTS_FILE = "benchmark_weights.toml"

# Definitions, not tunable choices: the GHG Protocol Scope 3 Standard has 15 categories, a
# percentage runs 0..100, and the weights are defined to sum to 100 (score out of 100).
SCOPE3_CATEGORIES = 15
PERCENT = 100.0
TOTAL_POINTS = 100.0

TARGETS = ("none", "committed", "set", "validated")
VERIFICATION = ("none", "limited", "reasonable")
CRITERIA = (
    "emissions_trend",
    "scope3_completeness",
    "renewable_electricity",
    "targets",
    "verification",
    "disclosure",
)


@dataclass(frozen=True)
class CompanyYear:
    """One company's indicator values for one reporting year. Validated on construction."""

    entity_id: str
    name: str
    year: int
    scope3_categories_reported: int
    target: str
    verified: str
    disclosure_completeness_percent: float
    s1s2_market: float | None = None  # tCO2e, Scope 1 + 2 market-based, in `year`
    s1s2_market_base: float | None = None  # tCO2e, same scope, in `base_year`
    base_year: int | None = None
    renewable_share_percent: float | None = None
    net_zero_year: int | None = None

    def __post_init__(self) -> None:
        self._percent("renewable_share_percent", self.renewable_share_percent)
        self._percent("disclosure_completeness_percent", self.disclosure_completeness_percent)
        if not 0 <= self.scope3_categories_reported <= SCOPE3_CATEGORIES:
            raise self._error(
                "scope3_categories_reported",
                "Scope 3 category count out of range",
                f"an integer 0..{SCOPE3_CATEGORIES}",
                self.scope3_categories_reported,
            )
        if self.target not in TARGETS:
            raise self._error("target", "unknown target status", " | ".join(TARGETS), self.target)
        if self.verified not in VERIFICATION:
            raise self._error(
                "verified", "unknown verification level", " | ".join(VERIFICATION), self.verified
            )
        if self.s1s2_market is not None and not self.s1s2_market >= 0:  # also refuses NaN
            raise self._error("s1s2_market", "emissions negative", "≥ 0 tCO2e", self.s1s2_market)
        if self.s1s2_market_base is not None and not self.s1s2_market_base > 0:
            # the trend divides by the base value: zero base emissions give no trend
            raise self._error(
                "s1s2_market_base",
                "base-year emissions not positive",
                "> 0 tCO2e",
                self.s1s2_market_base,
            )
        if self.base_year is not None and not self.base_year < self.year:
            raise self._error(
                "base_year",
                "base year not before the reporting year",
                f"< {self.year}",
                self.base_year,
            )

    def _percent(self, field: str, value: float | None) -> None:
        if value is not None and not 0 <= value <= PERCENT:  # NaN fails the comparison too
            raise self._error(field, "share out of range", "0..100 %", value)

    def _error(self, field: str, message: str, expected: str, found: object) -> InputError:
        return InputError(
            f"entity {self.entity_id!r}, year {self.year}: {message}",
            Location(field=field),
            expected=expected,
            found=str(found),
        )


@dataclass(frozen=True)
class Weights:
    """Criterion weights (sum 100) and scoring thresholds, as read from the weights file."""

    points: Mapping[str, float]
    trend_full_points_at: float
    trend_zero_points_at: float
    target_levels: Mapping[str, float]
    net_zero_bonus: float
    net_zero_by: int
    verification_levels: Mapping[str, float]
    display_places: int
    tie_places: int


@dataclass(frozen=True)
class CriterionScore:
    criterion: str
    raw: float | int | str | None  # the input the criterion looked at (None: missing)
    score: float  # 0..1
    weight: float
    points: float  # weight × score

    def as_dict(self, places: int) -> dict[str, Any]:
        return {
            "criterion": self.criterion,
            "raw": self.raw,
            "score": self.score,
            "weight": self.weight,
            "points": round(self.points, places),
        }


@dataclass(frozen=True)
class Score:
    entity_id: str
    name: str
    year: int
    total: float  # full precision; round only for display
    disclosure_completeness_percent: float
    criteria: tuple[CriterionScore, ...]
    display_places: int

    def as_dict(self) -> dict[str, Any]:
        places = self.display_places
        return {
            "entity_id": self.entity_id,
            "name": self.name,
            "year": self.year,
            "score": round(self.total, places),
            "criteria": [c.as_dict(places) for c in self.criteria],
        }


@dataclass(frozen=True)
class RankedScore:
    rank: int  # 1 = best
    score: Score

    def as_dict(self) -> dict[str, Any]:
        return {"rank": self.rank, **self.score.as_dict()}


def parse_weights(raw: Mapping[str, Any], source: str = WEIGHTS_FILE) -> Weights:
    """Check and type a weights mapping shaped like the weights file; InputError if broken."""

    def fail(field: str, message: str, expected: str, found: object) -> InputError:
        return InputError(message, Location(file=source, field=field), expected, str(found))

    def number(value: object, field: str, low: float, high: float) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise fail(field, "not a number", f"a number {low}..{high}", value)
        if not low <= value <= high:
            raise fail(field, "out of range", f"{low}..{high}", value)
        return float(value)

    def levels(section: Mapping[str, Any], name: str, keys: tuple[str, ...]) -> dict[str, float]:
        given = section.get("levels")
        if not isinstance(given, Mapping) or set(given) != set(keys):
            found = sorted(given) if isinstance(given, Mapping) else given
            raise fail(f"criterion.{name}.levels", "wrong levels", ", ".join(keys), found)
        return {k: number(given[k], f"criterion.{name}.levels.{k}", 0.0, 1.0) for k in keys}

    def integer(value: object, field: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise fail(field, "not an integer", "an integer", value)
        return value

    criteria = raw.get("criterion")
    if not isinstance(criteria, Mapping) or set(criteria) != set(CRITERIA):
        found = sorted(criteria) if isinstance(criteria, Mapping) else criteria
        raise fail("criterion", "wrong set of criteria", ", ".join(CRITERIA), found)
    for name in CRITERIA:
        if not isinstance(criteria[name], Mapping):
            raise fail(f"criterion.{name}", "not a table", "a table with a weight", criteria[name])
    points = {
        name: number(criteria[name].get("weight"), f"criterion.{name}.weight", 0.0, TOTAL_POINTS)
        for name in CRITERIA
    }
    total = math.fsum(points.values())
    # tolerance only for decimal weights such as 33.3 + 33.3 + 33.4 summing in binary
    if not math.isclose(total, TOTAL_POINTS, rel_tol=0.0, abs_tol=1e-9):
        raise fail("criterion.*.weight", "weights do not sum to 100", "100", total)
    trend = criteria["emissions_trend"]
    full_at = number(
        trend.get("full_points_at"), "criterion.emissions_trend.full_points_at", -math.inf, math.inf
    )
    zero_at = number(
        trend.get("zero_points_at"), "criterion.emissions_trend.zero_points_at", -math.inf, math.inf
    )
    if not full_at < zero_at:
        raise fail(
            "criterion.emissions_trend",
            "full points must need a steeper cut than zero",
            "full_points_at < zero_points_at",
            f"{full_at} vs {zero_at}",
        )
    targets = criteria["targets"]
    return Weights(
        points=points,
        trend_full_points_at=full_at,
        trend_zero_points_at=zero_at,
        target_levels=levels(targets, "targets", TARGETS),
        net_zero_bonus=number(
            targets.get("net_zero_bonus"), "criterion.targets.net_zero_bonus", 0.0, 1.0
        ),
        net_zero_by=integer(targets.get("net_zero_by"), "criterion.targets.net_zero_by"),
        verification_levels=levels(criteria["verification"], "verification", VERIFICATION),
        display_places=integer(raw.get("display_places"), "display_places"),
        tie_places=integer(raw.get("tie_places"), "tie_places"),
    )


@cache
def _shipped_weights() -> Weights:
    try:
        return parse_weights(read_toml(WEIGHTS_FILE))
    except InputError as error:  # the shipped file is the package's defect, not the user's
        raise ReferenceDataError(error.one_line()) from error


def weights() -> Weights:
    """The shipped weights and thresholds (``benchmark_weights.toml``), checked."""
    return _shipped_weights()


def trend_percent_per_year(company: CompanyYear) -> float | None:
    """Linear annualised change of S1+S2 (market), % of base-year emissions a year.

    Linear, not compound, because SBTi's 4.2 %/yr is a linear cut of base-year emissions.
    One division, so that e.g. 1000 → 790 t over 5 years gives exactly -4.2.
    """
    if company.s1s2_market is None or company.s1s2_market_base is None:
        return None
    if company.base_year is None:
        return None
    change = (company.s1s2_market - company.s1s2_market_base) * PERCENT
    return change / (company.s1s2_market_base * (company.year - company.base_year))


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def _criterion_scores(company: CompanyYear, w: Weights) -> list[tuple[str, Any, float]]:
    trend = trend_percent_per_year(company)
    trend_score = (
        0.0
        if trend is None
        else _clamp(
            (w.trend_zero_points_at - trend) / (w.trend_zero_points_at - w.trend_full_points_at)
        )
    )
    net_zero = company.net_zero_year is not None and company.net_zero_year <= w.net_zero_by
    target_raw = company.target
    if company.net_zero_year is not None:
        target_raw += f"; net zero {company.net_zero_year}"
    renewable = company.renewable_share_percent
    return [
        ("emissions_trend", trend, trend_score),
        (
            "scope3_completeness",
            company.scope3_categories_reported,
            company.scope3_categories_reported / SCOPE3_CATEGORIES,
        ),
        ("renewable_electricity", renewable, 0.0 if renewable is None else renewable / PERCENT),
        (
            "targets",
            target_raw,
            _clamp(w.target_levels[company.target] + (w.net_zero_bonus if net_zero else 0.0)),
        ),
        ("verification", company.verified, w.verification_levels[company.verified]),
        (
            "disclosure",
            company.disclosure_completeness_percent,
            company.disclosure_completeness_percent / PERCENT,
        ),
    ]


def score(company: CompanyYear, weights: Weights | None = None) -> Score:
    """Score one company-year out of 100, with the per-criterion breakdown."""
    w = weights if weights is not None else _shipped_weights()
    criteria = tuple(
        CriterionScore(name, raw, value, w.points[name], w.points[name] * value)
        for name, raw, value in _criterion_scores(company, w)
    )
    return Score(
        entity_id=company.entity_id,
        name=company.name,
        year=company.year,
        total=math.fsum(c.points for c in criteria),
        disclosure_completeness_percent=company.disclosure_completeness_percent,
        criteria=criteria,
        display_places=w.display_places,
    )


def rank(companies: Sequence[CompanyYear], weights: Weights | None = None) -> list[RankedScore]:
    """Rank companies, 1 = best; the same companies in any order give the same ranking."""
    w = weights if weights is not None else _shipped_weights()
    seen: set[str] = set()
    for company in companies:
        if company.entity_id in seen:
            raise InputError(
                f"entity {company.entity_id!r} appears twice in one ranking",
                Location(field="entity_id"),
                expected="each entity once",
                found=company.entity_id,
            )
        seen.add(company.entity_id)
    scores = [score(company, w) for company in companies]
    scores.sort(
        key=lambda s: (
            -round(s.total, w.tie_places),
            -s.disclosure_completeness_percent,
            s.entity_id,
        )
    )
    return [RankedScore(number, s) for number, s in enumerate(scores, start=1)]


_INTS: Final = ("year", "scope3_categories_reported", "base_year", "net_zero_year")
_FLOATS: Final = (
    "disclosure_completeness_percent",
    "s1s2_market",
    "s1s2_market_base",
    "renewable_share_percent",
)


def read_companies(data: bytes, name: str) -> list[CompanyYear]:
    """A CSV of company-years: one column per :class:`CompanyYear` field (optional ones may
    be empty). An unreadable cell names the file, row and field."""
    from ictfootprint.csvfile import parse_csv

    table = parse_csv(data, name, lower_header=True)
    companies = []
    for row in table.rows():
        values: dict[str, Any] = {}
        for key, text in row.cells.items():
            if key not in CompanyYear.__dataclass_fields__:
                raise InputError(
                    "unknown column",
                    row.at(key),
                    expected=", ".join(CompanyYear.__dataclass_fields__),
                )
            if text == "":
                continue
            try:
                values[key] = int(text) if key in _INTS else float(text) if key in _FLOATS else text
            except ValueError:
                raise InputError("not a number", row.at(key), found=text) from None
        try:
            companies.append(CompanyYear(**values))
        except TypeError as exc:
            raise InputError(f"missing column: {exc}", row.at("entity_id")) from None
        except InputError as error:
            raise error.at(file=name, row=row.number) from None
    return companies
