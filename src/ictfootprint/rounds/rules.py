"""Who is obliged to answer a round, by rule: conditions on entity attributes and on an
indicator's latest value, joined by ``and``. The rule is stored as stated, with the entities
it chose when the round was created.

Grammar (keywords case-insensitive)::

    rule      := condition ("and" condition)*
    condition := "country" ("=" | "in") CODES       the entity's country (ISO 3166)
               | "operates in" CODES                one of its countries of operation
               | "subsector" "=" CODE               one of its ICT sub-sectors
               | "kind" "=" KIND                    company, facility, organisation
               | INDICATOR OP NUMBER UNIT           its latest value up to the round's year
    OP        := ">=" | ">" | "<=" | "<" | "=" | "≥" | "≤"

For example the EU data-centre scheme (Delegated Regulation (EU) 2024/1364): data centres of
500 kW or more in France::

    subsector = data_centre and dc_it_capacity >= 500 kW and country = FRA
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from ictfootprint.errors import InputError, Location
from ictfootprint.model import Entity, EntityKind
from ictfootprint.reference.catalogue import catalogue
from ictfootprint.reference.codes import subsector_code
from ictfootprint.reference.countries import country
from ictfootprint.units import convert

WHERE: Final = Location(field="rule")
OPERATORS: Final[dict[str, Callable[[float, float], bool]]] = {
    ">=": operator.ge,
    "≥": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "≤": operator.le,
    "<": operator.lt,
    "=": operator.eq,
}
_MEASURE: Final = re.compile(r"^([a-z0-9_]+)\s*(>=|<=|≥|≤|>|<|=)\s*([-+]?\d+(?:\.\d+)?)\s*(.+)$")
_ATTRIBUTE: Final = re.compile(
    r"^(country|operates in|subsector|kind)\s*(=|in)\s*(.+)$", re.IGNORECASE
)
_AND: Final = re.compile(r"\s+and\s+", re.IGNORECASE)
RULE_LIMIT: Final = 1000


@dataclass(frozen=True)
class Condition:
    """One condition: an attribute among values, or an indicator compared with a figure (in
    the indicator's canonical unit)."""

    attribute: str  # country, operates, subsector, kind, or an indicator id
    values: tuple[str, ...] = ()
    op: str | None = None
    threshold: float | None = None
    stated: str = ""


def parse(rule: str) -> tuple[Condition, ...]:
    """The rule's conditions; a one-line error saying which part is wrong."""
    text = rule.strip()
    if not text or len(text) > RULE_LIMIT:
        raise InputError("empty or too long rule", WHERE, expected=f"1 to {RULE_LIMIT} characters")
    return tuple(_condition(part.strip()) for part in _AND.split(text))


def _condition(part: str) -> Condition:
    attribute = _ATTRIBUTE.match(part)
    if attribute:
        name = attribute.group(1).lower()
        values = tuple(v.strip() for v in attribute.group(3).split(",") if v.strip())
        if name in ("country", "operates in"):
            codes = tuple(country(v, WHERE).iso3 for v in values)
            return Condition("operates" if name == "operates in" else name, codes, stated=part)
        if name == "subsector":
            return Condition(name, tuple(subsector_code(v, WHERE) for v in values), stated=part)
        kinds = (EntityKind.COMPANY, EntityKind.FACILITY, EntityKind.ORGANISATION)
        for value in values:
            if value.lower() not in kinds:
                raise InputError(
                    "unknown kind in rule",
                    WHERE,
                    expected=", ".join(k.value for k in kinds),
                    found=value,
                )
        return Condition("kind", tuple(v.lower() for v in values), stated=part)
    measure = _MEASURE.match(part)
    if measure is None:
        raise InputError(
            "unreadable condition in rule",
            WHERE,
            expected="country = FRA, operates in FRA, subsector = data_centre, kind = company "
            "or INDICATOR >= NUMBER UNIT",
            found=part,
        )
    indicator_id, op, number, unit = measure.groups()
    known = catalogue()
    if indicator_id not in known:
        raise InputError("unknown indicator in rule", WHERE, found=indicator_id)
    canonical = known[indicator_id].unit
    threshold = convert(float(number), unit.strip(), canonical, where=WHERE).value
    return Condition(indicator_id, op=op, threshold=threshold, stated=part)


def indicators(conditions: Sequence[Condition]) -> list[str]:
    """The indicators the rule compares (their values must be read to apply it)."""
    return [c.attribute for c in conditions if c.op is not None]


def matches(
    entity: Entity, conditions: Sequence[Condition], values: Mapping[tuple[str, str], float]
) -> bool:
    """Whether the entity meets every condition; ``values`` holds (entity, indicator) → its
    latest value in the canonical unit (absent: the condition is not met)."""
    for condition in conditions:
        if condition.op is not None:
            value = values.get((entity.id, condition.attribute))
            assert condition.threshold is not None
            if value is None or not OPERATORS[condition.op](value, condition.threshold):
                return False
        elif condition.attribute == "country":
            if entity.country not in condition.values:
                return False
        elif condition.attribute == "operates":
            if not set(entity.countries_of_operation) & set(condition.values):
                return False
        elif condition.attribute == "subsector":
            if not set(entity.subsectors) & set(condition.values):
                return False
        elif entity.kind.value not in condition.values:
            return False
    return True
