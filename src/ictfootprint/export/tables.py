"""The published table of observations: one row an observation, open-data columns only.

Internal columns stay behind: no submission ids, no lineage, no ``recorded_by`` (people's names
are not open data). Every value says its unit, how it came to be (``method``) and where it came
from (``source``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Final

import pandas as pd

from ictfootprint.model import Entity, StoredObservation

#: The published columns, in order.
COLUMNS: Final = (
    "entity",
    "entity_name",
    "country",
    "subsector",
    "indicator",
    "year",
    "value",
    "unit",
    "value_text",
    "method",
    "source",
    "quality_flags",
    "boundary",
    "assurance",
    "gwp_set",
    "revision",
    "recorded_at",
    "illustrative",
)

#: pandas dtypes of the columns that are not text.
_DTYPES: Final = {"year": "Int64", "value": "float64", "revision": "Int64", "illustrative": "bool"}

#: What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection").
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


def iso_utc(moment: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``; a naive time is taken to be UTC already (SQLite)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def observation_rows(
    observations: Iterable[StoredObservation], entities: Mapping[str, Entity]
) -> list[dict[str, Any]]:
    """The published rows as plain dicts (``None`` where a value is missing)."""
    return list(published_rows(observations, entities))


def published_rows(
    observations: Iterable[StoredObservation], entities: Mapping[str, Entity]
) -> Iterator[dict[str, Any]]:
    """:func:`observation_rows` one at a time, for writers that stream."""
    for obs in observations:
        entity = entities.get(obs.entity_id)
        yield {
            "entity": obs.entity_id,
            "entity_name": entity.name if entity is not None else None,
            "country": obs.country or (entity.country if entity is not None else None),
            "subsector": obs.subsector,
            "indicator": obs.indicator_id,
            "year": obs.year,
            "value": obs.value,
            "unit": obs.unit,
            "value_text": obs.value_text,
            "method": obs.method.value,
            "source": obs.source,
            "quality_flags": ";".join(obs.quality_flags) or None,
            "boundary": obs.boundary,
            "assurance": obs.assurance,
            "gwp_set": obs.gwp_set,
            "revision": obs.revision,
            "recorded_at": iso_utc(obs.recorded_at),
            # the store flags each value of a fictitious entity; the entity says so too
            "illustrative": bool(entity is not None and entity.illustrative)
            or "illustrative" in obs.quality_flags,
        }


def observation_table(
    observations: Sequence[StoredObservation], entities: Mapping[str, Entity]
) -> pd.DataFrame:
    """The published table: one row an observation, the columns of :data:`COLUMNS`.

    ``country`` is the observation's country, else its entity's; ``quality_flags`` are joined
    with ``;``; ``recorded_at`` is ISO 8601 UTC text. Numbers are typed (``year`` and
    ``revision`` nullable integers, ``value`` float), missing text is ``None``.
    """
    rows = observation_rows(observations, entities)
    return pd.DataFrame(
        {
            name: pd.Series([row[name] for row in rows], dtype=_DTYPES.get(name, "object"))
            for name in COLUMNS
        }
    )


def spreadsheet_safe(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula, with a leading ``'`` so it is shown
    as text (OWASP's advice against CSV injection). Anything else, numbers included, as is.

    >>> spreadsheet_safe('=HYPERLINK("http://x","y")')
    '\\'=HYPERLINK("http://x","y")'
    >>> spreadsheet_safe(-2.5)
    -2.5
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
