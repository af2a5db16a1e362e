"""Who has a mandate for what: the national focal points' answers on their monitoring
arrangements (as in ITU's survey of 77 countries), by country and region, with counts.

A focal point answers the ``national-focal-point`` questionnaire (respondent type and
template like any other) for its country's entity; once a reviewer accepts it, its answers are
current observations of the ``arrangement_*`` indicators on that country, each with the
comment the focal point wrote (the body's name, the legal act, the plans). This module reads
them, the latest year of each country (or the year asked for), and counts the answers by
region. Nothing is computed in a page or a template.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any, Final

from ictfootprint.model import EntityKind
from ictfootprint.reference.catalogue import catalogue
from ictfootprint.reference.countries import countries, itu_regions, regions
from ictfootprint.reference.respondents import respondent
from ictfootprint.store import Store

RESPONDENT: Final = "national-focal-point"
#: The questions shown side by side (what is collected, from whom).
COLLECTS: Final = (
    "arrangement_collects_energy",
    "arrangement_collects_ghg",
    "arrangement_collects_resources",
    "arrangement_covers_networks",
    "arrangement_covers_data_centres",
    "arrangement_covers_devices",
)


def questions() -> tuple[str, ...]:
    """The questionnaire's indicators, required then optional, in catalogue order."""
    return respondent(RESPONDENT).indicators


@dataclass(frozen=True)
class CountryArrangement:
    country: str
    name: str
    region: str | None  # ITU region code
    year: int
    answers: dict[str, str]  # indicator → category (a year as its digits)
    comments: dict[str, str]  # indicator → the focal point's own words

    @property
    def mandated(self) -> bool:
        return self.answers.get("arrangement_mandate") == "mandated"

    def as_dict(self) -> dict[str, Any]:
        return {
            "country": self.country,
            "name": self.name,
            "region": self.region,
            "year": self.year,
            "mandated": self.mandated,
            "answers": self.answers,
            "comments": self.comments,
        }


@dataclass(frozen=True)
class WorldArrangements:
    year: int | None
    countries: tuple[CountryArrangement, ...]

    def counts(self, region: str | None = None) -> dict[str, dict[str, int]]:
        """For each question, how many countries gave each answer (every category listed)."""
        chosen = [c for c in self.countries if region is None or c.region == region]
        result: dict[str, dict[str, int]] = {}
        known = catalogue()
        for question in questions():
            found = Counter(c.answers[question] for c in chosen if question in c.answers)
            categories = known[question].categories
            if categories:
                result[question] = {k: found[k] for k in categories}
                result[question]["no answer"] = len(chosen) - sum(found.values())
        return result

    def by_region(self) -> list[dict[str, Any]]:
        present = sorted({c.region for c in self.countries if c.region})
        names = regions()
        return [
            {
                "region": code,
                "name": names[code].name() if code in names else code,
                "countries": sum(1 for c in self.countries if c.region == code),
                "mandated": sum(1 for c in self.countries if c.region == code and c.mandated),
                "counts": self.counts(code),
            }
            for code in present
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "respondent": RESPONDENT,
            "countries_answered": len(self.countries),
            "mandated": sum(1 for c in self.countries if c.mandated),
            "counts": self.counts(),
            "regions": self.by_region(),
            "countries": [c.as_dict() for c in self.countries],
        }


def world_arrangements(
    store: Store, *, year: int | None = None, region: str | None = None
) -> WorldArrangements:
    """Each country's answers (its latest year, or ``year``), optionally of one ITU region."""
    asked = list(questions())
    areas = {e.id: e for e in store.entities() if e.kind is EntityKind.COUNTRY}
    if not areas:
        return WorldArrangements(year, ())
    held = [
        o
        for o in store.current_observations(
            entity_ids=sorted(areas), indicator_ids=asked, years=[year] if year else None
        )
        if o.submission_id is not None and o.subsector is None
    ]
    latest: dict[str, int] = {}
    for o in held:
        latest[o.entity_id] = max(latest.get(o.entity_id, o.year), o.year)
    answers: dict[str, dict[str, str]] = defaultdict(dict)
    comments: dict[str, dict[str, str]] = defaultdict(dict)
    for o in sorted(held, key=lambda o: o.id):
        if o.year != latest[o.entity_id]:
            continue
        text = (
            o.value_text
            if o.value_text is not None
            else (f"{o.value:.0f}" if o.value is not None else None)
        )
        if text is not None:
            answers[o.entity_id][o.indicator_id] = text
        if o.comment:
            comments[o.entity_id][o.indicator_id] = o.comment
    table = countries()
    known_regions = itu_regions()
    found = []
    for code in sorted(answers):
        entity = areas[code]
        iso = entity.country or code
        info = table.get(iso)
        itu = info.itu_region if info else None
        if region is not None and itu != region:
            continue
        found.append(
            CountryArrangement(
                country=iso,
                name=info.name() if info else entity.name,
                region=itu if itu in known_regions else None,
                year=latest[code],
                answers=dict(answers[code]),
                comments=dict(comments[code]),
            )
        )
    return WorldArrangements(year, tuple(found))
