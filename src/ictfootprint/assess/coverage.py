"""Data coverage and gaps (the L.1472 pilots' question): for each entity and year, every
indicator its respondent type is asked for is reported, statistical, calculated, estimated or
missing; and how a national survey's variables map onto the catalogue.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from ictfootprint.errors import InputError, Location
from ictfootprint.model import Entity, EntityKind
from ictfootprint.reference.respondents import respondent, respondents
from ictfootprint.store import Store
from ictfootprint.store.observations import best_available

MISSING: Final = "missing"
#: The respondent type assumed from an entity's kind and sub-sectors when none is given.
_BY_SUBSECTOR: Final = (
    ("data_centre", "data-centre-operator"),
    ("mobile_network", "telecom-operator"),
    ("fixed_network", "telecom-operator"),
    ("user_equipment", "device-manufacturer"),
    ("manufacturing", "device-manufacturer"),
    ("software_services", "cloud-provider"),
)


def respondent_for(entity: Entity) -> str:
    if entity.kind in (EntityKind.COUNTRY, EntityKind.REGION, EntityKind.WORLD):
        return "national-statistics"
    for subsector, kind in _BY_SUBSECTOR:
        if subsector in entity.subsectors:
            return kind
    return "organisation"


@dataclass
class Coverage:
    """The matrix (entity × year × indicator → status) and its summary."""

    years: list[int]
    matrix: list[dict[str, Any]] = field(default_factory=list)
    summary: list[dict[str, Any]] = field(default_factory=list)


def coverage(
    store: Store,
    entity_ids: Sequence[str],
    years: Sequence[int],
    *,
    respondent_type: str | None = None,
) -> Coverage:
    """Status of every required indicator for each entity and year, and completeness."""
    if respondent_type is not None:
        respondent(respondent_type)
    result = Coverage(sorted(years))
    for entity_id in entity_ids:
        entity = store.find_entity(entity_id)
        if entity is None:
            raise InputError("unknown entity", Location(field="entity"), found=entity_id)
        kind = respondent_type or respondent_for(entity)
        required = respondents()[kind].required
        held = {
            (o.indicator_id, o.year): o.method.value
            for o in best_available(
                store.current_observations(
                    entity_ids=[entity_id], indicator_ids=list(required), years=list(years)
                )
            )
        }
        for year in result.years:
            statuses = {i: held.get((i, year), MISSING) for i in required}
            result.matrix += [
                {"entity": entity_id, "respondent": kind, "year": year, "indicator": i, "status": s}
                for i, s in statuses.items()
            ]
            missing = [i for i, s in statuses.items() if s == MISSING]
            result.summary.append(
                {
                    "entity": entity_id,
                    "respondent": kind,
                    "year": year,
                    "required": len(required),
                    "completeness_percent": round(
                        100 * (len(required) - len(missing)) / len(required), 1
                    ),
                    "by_status": {
                        s: sum(1 for v in statuses.values() if v == s)
                        for s in sorted(set(statuses.values()))
                    },
                    "missing": missing,
                }
            )
    return result


def survey_mapping(
    survey: str = "arcep", respondent_type: str = "telecom-operator"
) -> dict[str, Any]:
    """What a national survey's lines map to, and what is missing on either side. ``survey``
    is a shipped survey id or a mapping file (:mod:`ictfootprint.surveys.mapping`)."""
    from ictfootprint.surveys.mapping import load_mapping

    mapping = load_mapping(survey)
    asked = respondent(respondent_type).required
    covered = {line.indicator for line in mapping.mapped}
    return {
        "survey": mapping.id,
        "about": mapping.summary(),
        "maps": [
            {
                "family": line.respondent,
                "line": line.id,
                "variable": line.label,
                "indicator": line.indicator,
                "unit": line.unit,
                "our_choice": line.choice,
                "note": line.note or line.choice,
            }
            for line in mapping.mapped
        ],
        "survey_only": [
            {
                "family": line.respondent,
                "line": line.id,
                "variable": line.label,
                "note": line.note or "",
            }
            for line in mapping.lines
            if line.indicator is None
        ],
        "catalogue_only": [i for i in asked if i not in covered],
        "respondent": respondent_type,
    }
