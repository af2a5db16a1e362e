"""An area's trends kept in the store between requests: ``trends_kept``, valid while the data
they were computed from holds.

The world's coverage, like-for-like series and estimates
(:func:`ictfootprint.compute.trends.sector_trends`) read every reporter's complete rows and
every national denominator: 0.8 s of the home page's 0.9 s at 4.4 M values on PostgreSQL,
2.5 s at 10 M, paid by every uncached request of the home page, the world's sector page and
the world report. :func:`kept_trends` answers the same question from the store when it was
answered since the data last changed, and otherwise computes it and keeps the answer.

**What "the data changed" means.** The trends read ``sector_rows`` (complete rows of the
in-sector entities), the observations of the entities of kind country (national
denominators), the entities and the countries' areas. Every observation written and every
entity added or changed marks its entity in ``sector_stale`` (database triggers, whatever the
write path; observations are never updated or deleted), and the refresh of ``sector_rows``
consumes those marks: it adds one to ``trends_generation`` in the transaction that rebuilds
any entity's rows, a country's too (:func:`mark`), and so does a change of the countries'
areas. The rules themselves (the package, its quantities, defaults and units, and
``sector_trends.toml``) are the :func:`fingerprint`.

**Why a kept answer is never stale.** A read refreshes the stale rows first, then reads the
generation; an answer kept under the current generation was computed by a reader that read
that generation before it read any data, so it saw at least that data, and nothing has changed
since (a change would have added one). A change committed while an answer is computed leaves
the answer kept under the older generation: the next read computes it again. Answers of older
generations are deleted when an answer is kept; at most ``KEPT_AT_MOST`` are kept, the oldest
going first (questions come from pages, reports and the trajectories' years, but nothing is
kept without bound).
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Sequence
from dataclasses import fields
from importlib import resources
from typing import Any, Final

from sqlalchemy import Connection, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ictfootprint.compute import trends
from ictfootprint.compute.trends import SectorTrends
from ictfootprint.store import Store
from ictfootprint.store.database import now
from ictfootprint.store.schema import trends_generation, trends_kept

#: The row of ``trends_generation`` that counts the changes of the trends' data.
GENERATION: Final = "trends"
#: Answers kept at most (a world's is about 150 kB compressed at 4.4 M values).
KEPT_AT_MOST: Final = 500


def mark(connection: Connection) -> None:
    """The trends' data changed: add one to the generation, in the writer's transaction."""
    g = trends_generation.c
    connection.execute(
        update(trends_generation).where(g.name == GENERATION).values(generation=g.generation + 1)
    )


def fingerprint() -> str:
    """What the trends depend on besides the data: the rules of the kept rows (the package's
    version, quantities, defaults, units) and ``sector_trends.toml`` (denominators, estimates)."""
    from ictfootprint.compute.sector_rows import rules_fingerprint

    digest = hashlib.sha256(rules_fingerprint().encode())
    data = resources.files("ictfootprint").joinpath("reference/data/sector_trends.toml")
    digest.update(data.read_bytes())
    return digest.hexdigest()


def kept_trends(
    store: Store,
    *,
    level: str,
    years: Sequence[int] | None = None,
    region_kind: str = "itu",
    quantities: Sequence[str] | None = None,
    area: str | None = None,
) -> SectorTrends:
    """:func:`~ictfootprint.compute.trends.sector_trends` of these arguments, read from
    ``trends_kept`` when that question was answered since the data last changed; otherwise
    computed and kept."""
    from ictfootprint.compute.sector_rows import refreshed

    refreshed(store)  # the marks left become a new generation before it is read
    question = json.dumps(
        {
            "level": level,
            "region_kind": region_kind,
            "area": area,
            # no years is every year, as sector_trends reads them; order and repeats are nothing
            "years": sorted({int(y) for y in years}) if years else None,
            "quantities": None if quantities is None else sorted(set(quantities)),
        },
        sort_keys=True,
    )
    key = hashlib.sha256(question.encode()).hexdigest()
    rules = fingerprint()
    k, g = trends_kept.c, trends_generation.c
    with store.engine.connect() as connection:
        generation = connection.scalar(select(g.generation).where(g.name == GENERATION))
        found = connection.execute(
            select(k.generation, k.fingerprint, k.payload).where(k.key == key)
        ).first()
    if found is not None and (found.generation, found.fingerprint) == (generation, rules):
        return SectorTrends(**json.loads(zlib.decompress(found.payload)))
    result = trends.sector_trends(
        store,
        level=level,
        years=years,
        region_kind=region_kind,
        quantities=quantities,
        area=area,
    )
    if generation is not None:
        _keep(store, key, question, int(generation), rules, result)
    return result


def kept_count(store: Store) -> int:
    """How many answers are kept."""
    with store.engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(trends_kept)) or 0)


def _keep(
    store: Store, key: str, question: str, generation: int, rules: str, result: SectorTrends
) -> None:
    """Keep ``result`` under ``generation``, unless an answer of a newer one is kept (a reader
    that began later); drop the answers of older generations and the oldest beyond
    ``KEPT_AT_MOST``."""
    k = trends_kept.c
    # the fields as they are: asdict's deep copy of the world's 478,000 values took 150 ms
    plain = {f.name: getattr(result, f.name) for f in fields(result)}
    payload = zlib.compress(json.dumps(plain).encode(), 1)
    row: dict[str, Any] = {
        "key": key,
        "question": question,
        "generation": generation,
        "fingerprint": rules,
        "payload": payload,
        "kept_at": now(),
    }
    with store.engine.begin() as connection:
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(trends_kept).values(**row)
        connection.execute(
            statement.on_conflict_do_update(
                index_elements=[k.key],
                set_={name: statement.excluded[name] for name in row if name != "key"},
                where=k.generation <= statement.excluded.generation,
            )
        )
        connection.execute(delete(trends_kept).where(k.generation < generation))
        beyond = select(k.key).order_by(k.kept_at.desc(), k.key).offset(KEPT_AT_MOST)
        connection.execute(delete(trends_kept).where(k.key.in_(beyond)))
