"""Emission factors in the store: datasets (each import a new version) and their rows.

Resolution (:func:`resolve`) picks the factor used for an area and year: the exact year if any
dataset has it (an imported dataset before the shipped default, the latest import first),
otherwise the nearest year (earlier before later), flagged ``factor-year-proxy``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, func, insert, select

from ictfootprint.errors import InputError, Location, NotFoundError
from ictfootprint.model import EmissionFactor, FactorDataset, ResolvedFactor
from ictfootprint.store.database import now
from ictfootprint.store.schema import emission_factors, factor_datasets


@dataclass(frozen=True)
class ImportResult:
    dataset: FactorDataset
    stored: int
    already_imported: bool = False


def import_factors(
    connection: Connection,
    factors: Sequence[EmissionFactor],
    *,
    name: str,
    title: str,
    source: str,
    licence: str | None,
    actor: str,
    file_name: str | None = None,
    sha256: str | None = None,
) -> ImportResult:
    """Store a factor set as a new version of dataset ``name``; the same file twice is a no-op."""
    if sha256 is not None:
        same = connection.execute(
            select(factor_datasets).where(
                factor_datasets.c.name == name, factor_datasets.c.content_sha256 == sha256
            )
        ).first()
        if same is not None:
            return ImportResult(_dataset(same), 0, already_imported=True)
    version = (
        connection.execute(
            select(func.max(factor_datasets.c.version)).where(factor_datasets.c.name == name)
        ).scalar()
        or 0
    ) + 1
    values: dict[str, Any] = {
        "name": name,
        "version": version,
        "title": title,
        "source": source,
        "licence": licence,
        "file_name": file_name,
        "content_sha256": sha256,
        "imported_at": now(),
        "imported_by": actor,
    }
    key = connection.execute(insert(factor_datasets).values(**values)).inserted_primary_key
    assert key is not None
    dataset_id = key[0]
    connection.execute(
        insert(emission_factors),
        [
            {
                "dataset_id": dataset_id,
                "kind": f.kind,
                "area": f.area,
                "year": f.year,
                "value": f.value,
                "unit": f.unit,
                "value_type": f.value_type,
                "source": f.source,
            }
            for f in factors
        ],
    )
    return ImportResult(FactorDataset(id=dataset_id, **values), len(factors))


def _dataset(row: Any) -> FactorDataset:
    return FactorDataset(
        id=row.id,
        name=row.name,
        version=row.version,
        title=row.title,
        source=row.source,
        licence=row.licence,
        file_name=row.file_name,
        content_sha256=row.content_sha256,
        imported_at=row.imported_at,
        imported_by=row.imported_by,
    )


def datasets(connection: Connection, *, latest_only: bool = True) -> list[FactorDataset]:
    query = select(factor_datasets)
    if latest_only:
        newest = (
            select(factor_datasets.c.name, func.max(factor_datasets.c.version).label("v"))
            .group_by(factor_datasets.c.name)
            .subquery()
        )
        query = query.join(
            newest,
            and_(factor_datasets.c.name == newest.c.name, factor_datasets.c.version == newest.c.v),
        )
    return [_dataset(r) for r in connection.execute(query.order_by(factor_datasets.c.id))]


def _candidate_rows(
    connection: Connection, areas: Iterable[str], kind: str, dataset: str | None
) -> dict[str, list[tuple[Any, FactorDataset]]]:
    """Factor rows by area, from the newest version of each dataset (or of one dataset)."""
    current = [d for d in datasets(connection) if dataset is None or d.name == dataset]
    if dataset is not None and not current:
        raise InputError(
            "unknown factor dataset",
            Location(field="dataset"),
            expected=", ".join(d.name for d in datasets(connection)),
            found=dataset,
        )
    by_id = {d.id: d for d in current}
    found: dict[str, list[tuple[Any, FactorDataset]]] = {}
    wanted = sorted(set(areas))
    for start in range(0, len(wanted), 500):
        rows = connection.execute(
            select(emission_factors).where(
                emission_factors.c.area.in_(wanted[start : start + 500]),
                emission_factors.c.kind == kind,
                emission_factors.c.dataset_id.in_(list(by_id)),
            )
        )
        for row in rows:
            found.setdefault(row.area, []).append((row, by_id[row.dataset_id]))
    return found


def _choose(
    rows: list[tuple[Any, FactorDataset]], year: int, default_dataset: str
) -> ResolvedFactor:
    def preference(item: tuple[Any, FactorDataset]) -> tuple[int, float]:
        _row, ds = item
        imported_at = ds.imported_at.timestamp() if ds.imported_at else 0.0
        return (1 if ds.name == default_dataset else 0, -imported_at)

    exact = sorted((r for r in rows if r[0].year == year), key=preference)
    flags: list[str] = []
    if exact:
        row, ds = exact[0]
    else:
        row, ds = min(
            rows, key=lambda item: (abs(item[0].year - year), item[0].year > year, preference(item))
        )
        flags.append(f"factor-year-proxy:{row.year}")
    if row.value_type == "forecast":
        flags.append("factor-forecast")
    assert ds.id is not None
    return ResolvedFactor(
        factor_id=row.id,
        dataset=ds.name,
        dataset_version=ds.version,
        area=row.area,
        year=row.year,
        requested_year=year,
        value=row.value,
        unit=row.unit,
        source=row.source,
        flags=tuple(flags),
    )


def resolve(
    connection: Connection,
    area: str,
    year: int,
    *,
    default_dataset: str,
    dataset: str | None = None,
    kind: str = "grid-location",
) -> ResolvedFactor:
    """The factor to use for ``area`` in ``year``, with how it was chosen."""
    rows = _candidate_rows(connection, [area], kind, dataset).get(area)
    if not rows:
        raise NotFoundError(f"no {kind} emission factor for {area} in any dataset")
    return _choose(rows, year, default_dataset)


def resolve_many(
    connection: Connection,
    pairs: Iterable[tuple[str, int]],
    *,
    default_dataset: str,
    dataset: str | None = None,
    kind: str = "grid-location",
) -> dict[tuple[str, int], ResolvedFactor | None]:
    """:func:`resolve` for many (area, year) pairs in one query; ``None`` where none exists."""
    pairs = set(pairs)
    rows = _candidate_rows(connection, (a for a, _ in pairs), kind, dataset)
    return {
        (area, year): _choose(rows[area], year, default_dataset) if area in rows else None
        for area, year in pairs
    }


def count(connection: Connection, dataset_id: int) -> int:
    return int(
        connection.execute(
            select(func.count()).where(emission_factors.c.dataset_id == dataset_id)
        ).scalar_one()
    )
