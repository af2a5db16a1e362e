"""An area's trends kept between requests (:mod:`ictfootprint.compute.kept_answers`): the
pages, the reports and the area trajectories ask the same questions of
:func:`ictfootprint.compute.trends.sector_trends` over and over (the world's: 815 ms to compute
at 4.4 M values on PostgreSQL, 11 ms to read back)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from typing import Any

from ictfootprint.compute import trends
from ictfootprint.compute.kept_answers import answer
from ictfootprint.compute.trends import SectorTrends
from ictfootprint.store import Store


def kept_trends(
    store: Store,
    *,
    level: str,
    years: Sequence[int] | None = None,
    region_kind: str = "itu",
    quantities: Sequence[str] | None = None,
    area: str | None = None,
) -> SectorTrends:
    """:func:`~ictfootprint.compute.trends.sector_trends` of these arguments, kept while the
    data holds; read only (the same answer is given to every caller of this process)."""
    question = {
        "level": level,
        "region_kind": region_kind,
        "area": area,
        # no years is every year, as sector_trends reads them; order and repeats are nothing
        "years": sorted({int(y) for y in years}) if years else None,
        "quantities": None if quantities is None else sorted(set(quantities)),
    }

    def compute() -> SectorTrends:
        return trends.sector_trends(
            store,
            level=level,
            years=years,
            region_kind=region_kind,
            quantities=quantities,
            area=area,
        )

    # every caller reads the rows and makes its own: the answer is shared
    return answer(
        store,
        "trends",
        question,
        compute,
        _plain,
        lambda kept: SectorTrends(**kept),
        shared=True,
    )


def _plain(result: SectorTrends) -> dict[str, Any]:
    """The fields as they are (JSON values already): ``asdict``'s deep copy of the world's
    478,000 values took 150 ms."""
    return {f.name: getattr(result, f.name) for f in fields(result)}
