"""A survey's published figures set beside the sum of the country's accepted submissions,
value by value, with the difference and its likely causes.

For each published figure (a survey line and year) the sum is taken over the country's
entities of the line's respondent type (an in-sector entity whose country is the survey's and
that works in one of the respondent type's sub-sectors), of the current values that came from
an accepted submission, for the line's indicator (and sub-sector), preferring a value for the
country itself to an entity's total. The difference is ``ours - published`` in the
indicator's unit, and relative to the published figure.

The causes are facts the program knows, each of one kind:

* **coverage** — entities the publication names that have no accepted value; entities in our
  sum the publication does not name; known entities of the country without an accepted value;
* **scope** — the survey line's own scope and where the mapping onto the catalogue is our
  choice; entities whose value is a total not split by country though they operate elsewhere;
* **method** — a published estimate against reported values; our own estimated values;
  Scope 2 read location-based where the survey does not say which (with the market-based sum
  where the entities reported it).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Final

from ictfootprint.compute.sector_frame import IN_SECTOR
from ictfootprint.model import Entity, StoredObservation
from ictfootprint.reference.catalogue import indicator
from ictfootprint.reference.respondents import respondent
from ictfootprint.store import Store
from ictfootprint.store import survey_figures as _figures
from ictfootprint.store.observations import best_available
from ictfootprint.store.survey_figures import SurveyFigure
from ictfootprint.surveys.mapping import SurveyLine, SurveyMapping, load_mapping

#: Location-based indicators and their market-based counterparts (the basis a survey may not say).
MARKET_OF: Final = {
    "ghg_scope2_location": "ghg_scope2_market",
    "ghg_s1s2_location": "ghg_s1s2_market",
    "ghg_s1s2s3_location": "ghg_s1s2s3_market",
}
#: Below this relative size a difference is rounding (the published figure's own precision).
_SAME: Final = 1e-9


@dataclass(frozen=True)
class Cause:
    """A likely cause of a difference: its kind (coverage, scope, method), the English
    sentence (CLI, API), and its ``code`` with the ``params`` the pages say it with in the
    reader's language (``round.html``'s ``cause_text``)."""

    kind: str  # coverage, scope, method
    text: str
    entities: tuple[str, ...] = ()
    code: str = ""
    params: tuple[tuple[str, Any], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "code": self.code,
            "text": self.text,
            "entities": list(self.entities),
        }

    def param(self, name: str) -> Any:
        return dict(self.params).get(name)


@dataclass
class LineComparison:
    figure: SurveyFigure
    line: SurveyLine
    ours: float | None
    contributors: list[dict[str, Any]] = field(default_factory=list)
    causes: list[Cause] = field(default_factory=list)

    @property
    def difference(self) -> float | None:
        if self.ours is None:
            return None
        gap = self.ours - self.figure.value
        return 0.0 if abs(gap) <= _SAME * max(abs(self.figure.value), 1.0) else gap

    @property
    def difference_percent(self) -> float | None:
        gap = self.difference
        if gap is None or self.figure.value == 0:
            return None
        return 100 * gap / self.figure.value

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line.id,
            "label": self.line.label,
            "year": self.figure.year,
            "indicator": self.line.indicator,
            "subsector": self.line.subsector,
            "unit": self.figure.unit,
            "published": self.figure.value,
            "published_as": f"{self.figure.value_received} {self.figure.unit_received}",
            "published_method": self.figure.method,
            "covers": list(self.figure.covers),
            "source": self.figure.source,
            "ours": self.ours,
            "difference": self.difference,
            "difference_percent": None
            if self.difference_percent is None
            else round(self.difference_percent, 2),
            "contributors": self.contributors,
            "causes": [c.as_dict() for c in self.causes],
        }


@dataclass
class SurveyComparison:
    mapping: SurveyMapping
    years: list[int]
    lines: list[LineComparison]
    not_comparable: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "survey": self.mapping.summary(),
            "country": self.mapping.country,
            "years": self.years,
            "lines": [line.as_dict() for line in self.lines],
            "not_comparable": self.not_comparable,
        }


def compare(store: Store, survey: str, *, years: list[int] | None = None) -> SurveyComparison:
    """Every published figure of the survey (for ``years``, else all) against our sum."""
    mapping = load_mapping(survey)
    with store.engine.connect() as connection:
        figures = _figures.current(connection, mapping.id, years)
    known = [e for e in store.entities() if e.kind in IN_SECTOR and e.country == mapping.country]
    names = {e.id: e.name for e in store.entities()}
    lines: list[LineComparison] = []
    not_comparable: list[dict[str, Any]] = []
    for figure in figures:
        line = mapping.line(figure.line_id)
        if line.indicator is None:
            not_comparable.append(
                {
                    "line": line.id,
                    "year": figure.year,
                    "published": figure.value,
                    "unit": figure.unit,
                    "reason": line.note or "no catalogue indicator",
                }
            )
            continue
        lines.append(_compare_line(store, mapping, line, figure, known, names))
    return SurveyComparison(mapping, sorted({f.year for f in figures}), lines, not_comparable)


def _of_respondent(entities: list[Entity], respondent_id: str) -> list[Entity]:
    wanted = set(respondent(respondent_id).subsectors)
    return [e for e in entities if not wanted or wanted & set(e.subsectors)]


def _accepted(
    store: Store,
    entities: list[Entity],
    indicator_id: str,
    year: int,
    line: SurveyLine,
    country: str,
) -> dict[str, StoredObservation]:
    """Each entity's value from an accepted submission: for the country, else its total."""
    if not entities:
        return {}
    found = best_available(
        o
        for o in store.current_observations(
            entity_ids=[e.id for e in entities], indicator_ids=[indicator_id], years=[year]
        )
        if o.submission_id is not None
        and o.value is not None
        and o.subsector == line.subsector
        and o.country in (None, country)
    )
    chosen: dict[str, StoredObservation] = {}
    for o in sorted(found, key=lambda o: o.country is None):
        chosen.setdefault(o.entity_id, o)
    return chosen


def _compare_line(
    store: Store,
    mapping: SurveyMapping,
    line: SurveyLine,
    figure: SurveyFigure,
    known: list[Entity],
    names: dict[str, str],
) -> LineComparison:
    assert line.indicator is not None
    operators = _of_respondent(known, line.respondent)
    values = _accepted(store, operators, line.indicator, figure.year, line, mapping.country)
    result = LineComparison(
        figure, line, sum(o.value or 0.0 for o in values.values()) if values else None
    )
    by_id = {e.id: e for e in operators}
    for entity_id, o in sorted(values.items()):
        result.contributors.append(
            {
                "entity": entity_id,
                "name": names.get(entity_id, entity_id),
                "value": o.value,
                "method": o.method.value,
                "for_country": o.country is not None,
            }
        )
    causes = result.causes
    covers = set(figure.covers)
    summed = set(values)
    if covers:
        if missing := sorted(covers - summed):
            causes.append(
                Cause(
                    "coverage",
                    "named by the publication, without an accepted value in our sum: "
                    + ", ".join(names.get(e, e) for e in missing),
                    tuple(missing),
                    "named-not-summed",
                    (("names", [names.get(e, e) for e in missing]),),
                )
            )
        if extra := sorted(summed - covers):
            causes.append(
                Cause(
                    "coverage",
                    "in our sum, not named by the publication: "
                    + ", ".join(names.get(e, e) for e in extra),
                    tuple(extra),
                    "summed-not-named",
                    (("names", [names.get(e, e) for e in extra]),),
                )
            )
    if silent := sorted(set(by_id) - summed - covers):
        causes.append(
            Cause(
                "coverage",
                f"known {line.respondent} entities of {mapping.country} without an accepted "
                "value: " + ", ".join(names.get(e, e) for e in silent),
                tuple(silent),
                "known-without-value",
                (("names", [names.get(e, e) for e in silent]), ("country", mapping.country)),
            )
        )
    if line.scope:
        causes.append(
            Cause(
                "scope",
                f"the survey's line covers: {line.scope}",
                code="line-covers",
                params=(("text", line.scope),),
            )
        )
    if line.choice:
        causes.append(
            Cause(
                "scope",
                f"our mapping choice: {line.choice}",
                code="mapping-choice",
                params=(("text", line.choice),),
            )
        )
    if line.subsector:
        causes.append(
            Cause(
                "scope",
                f"compared with values split to {line.subsector}",
                code="split-to-subsector",
                params=(("subsector", line.subsector),),
            )
        )
    wide = sorted(
        e
        for e, o in values.items()
        if o.country is None and set(by_id[e].countries_of_operation) - {mapping.country}
    )
    if wide:
        causes.append(
            Cause(
                "scope",
                "a total not split by country, from entities that also operate elsewhere: "
                + ", ".join(names.get(e, e) for e in wide),
                tuple(wide),
                "not-split-by-country",
                (("names", [names.get(e, e) for e in wide]),),
            )
        )
    methods = Counter(o.method.value for o in values.values())
    if figure.method == "estimated":
        causes.append(
            Cause(
                "method",
                "the published figure is the publisher's estimate, ours is a sum",
                code="publisher-estimate",
            )
        )
    if estimated := sorted(e for e, o in values.items() if o.method.value != "reported"):
        causes.append(
            Cause(
                "method",
                "values in our sum that are not reported: "
                + ", ".join(f"{names.get(e, e)} ({values[e].method.value})" for e in estimated),
                tuple(estimated),
                "not-reported",
                (("items", [(names.get(e, e), values[e].method.value) for e in estimated]),),
            )
        )
    market = MARKET_OF.get(line.indicator)
    if market and line.basis != "location":
        alternative = _accepted(store, operators, market, figure.year, line, mapping.country)
        unspecified = line.basis in (None, "unspecified")
        text = (
            f"the survey does not say whether Scope 2 is location- or market-based; ours is "
            f"location-based ({indicator(line.indicator).unit})"
            if unspecified
            else "the survey's Scope 2 is market-based; ours is location-based"
        )
        params: list[tuple[str, Any]] = [("unit", indicator(line.indicator).unit)]
        if alternative and set(alternative) == set(values):
            total = sum(o.value or 0.0 for o in alternative.values())
            text += f"; with market-based Scope 2 our sum is {total:g} {figure.unit}"
            params += [("market_total", total), ("total_unit", figure.unit)]
        code = "basis-unspecified" if unspecified else "basis-market"
        causes.append(Cause("method", text, code=code, params=tuple(params)))
    if not methods and not causes:
        causes.append(
            Cause("coverage", "no accepted value for this line and year", code="no-value")
        )
    return result


def survey_comparisons(store: Store, country: str, year: int) -> list[SurveyComparison]:
    """The comparisons of every shipped survey of ``country`` that has figures for ``year``
    (the round page's section)."""
    from ictfootprint.surveys.mapping import shipped_surveys

    found = []
    for survey in shipped_surveys():
        if load_mapping(survey).country == country:
            result = compare(store, survey, years=[year])
            if result.lines or result.not_comparable:
                found.append(result)
    return found
