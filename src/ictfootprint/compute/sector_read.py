"""The one read of the store behind the entity-year frame (:mod:`.sector_frame`).

Every revision of the series of the needed indicators, one query, the fewest Python
objects per row: each value fetched is one, the driver's main cost, so numbers are packed
and go straight into arrays.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from operator import itemgetter
from typing import Any, Final

import numpy as np
import pandas as pd
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Float,
    String,
    and_,
    case,
    cast,
    extract,
    func,
    literal_column,
    or_,
    select,
)

from ictfootprint.compute.combined import METHODS
from ictfootprint.model import EntityKind
from ictfootprint.reference.catalogue import catalogue
from ictfootprint.store import Store
from ictfootprint.store.schema import entities, observations

IN_SECTOR: Final = (EntityKind.COMPANY, EntityKind.FACILITY, EntityKind.ORGANISATION)


def read_rows(
    store: Store,
    indicators: list[str],
    years: Sequence[int] | None,
    entity_ids: Sequence[str] | None,
    *,
    ids: bool = True,
) -> pd.DataFrame:
    """Every revision of the series of ``indicators`` (by the methods read) of in-sector
    entities (or ``entity_ids``): one query, the needed columns only, coded as numbers where
    they can be (the indicator's position, the method's rank, the age of the revision; the
    unit only where it is not the indicator's own). Restatements are few, so reading the
    earlier revisions too and keeping the latest in the frame costs less than ranking them in
    the database (a window over every series, or a join back on the series key, measured
    1.5-2x slower on SQLite). Without ``ids`` (a roll-up, which lists no lineage) the ``id``
    column is 0: one number less fetched per row."""
    o = observations.c
    known = catalogue()
    # over many years the quantities' indicators are most of the table: a plain scan beats
    # the (indicator, year) index, which SQLite would otherwise walk row by row
    indicator = o.indicator_id if years is not None and len(years) <= 2 else o.indicator_id + ""
    where = [indicator.in_(indicators), o.method.in_(METHODS)]
    if years is not None:
        where.append(o.year.in_(list(years)))
    if entity_ids is not None:
        where.append(o.entity_id.in_(list(entity_ids)))
    dialect = store.engine.dialect.name
    age = (
        func.julianday(o.recorded_at) * 86400.0
        if dialect == "sqlite"
        else cast(extract("epoch", o.recorded_at), Float)
    )
    own_unit = case({i: known[i].unit for i in indicators}, value=o.indicator_id)
    # the indicator's position, the method's rank, the year and the revision in one number:
    # a column fetched is a Python object per row, the driver's main cost
    kinds = 4 * len(indicators)
    code = (
        case({name: 4 * n for n, name in enumerate(indicators)}, value=o.indicator_id)
        + case({m: n for n, m in enumerate(METHODS)}, value=o.method)
        + (cast(o.revision, BigInteger) * _YEARS + o.year) * kinds
    )
    # the observation's own country, sub-sector and unit (when not the indicator's) in one
    # text, NULL when none is given (most rows)
    plain = and_(o.country.is_(None), o.subsector.is_(None), o.unit == own_unit)
    place = case(
        (plain, None),
        else_=func.coalesce(o.country, "")
        + _SEPARATOR
        + func.coalesce(o.subsector, "")
        + _SEPARATOR
        + case((o.unit == own_unit, ""), else_=o.unit),
    )
    # SQLite: the entity's row number, an integer, rather than its id, a text to decode per
    # row (the few entities' names are read apart; the join with entities is there already),
    # packed into the code: every number fetched is a Python object
    numbered = dialect == "sqlite" and entity_ids is None
    rowid: ColumnElement[int] = literal_column(f"{entities.name}.rowid")
    with store.engine.connect() as connection:
        top = connection.scalar(select(func.max(rowid)).select_from(entities)) if numbered else 0
        numbered = numbered and (top or 0) < _ENTITY_ROWS
    query = select(
        o.id if ids else literal_column("0"),
        literal_column("0") if numbered else o.entity_id,
        (code * _ENTITY_ROWS + rowid if numbered else code).label("code"),
        place.label("place"),
        o.value,
        age,
    ).where(*where)
    if entity_ids is None:
        query = query.join(entities, o.entity_id == entities.c.id).where(
            entities.c.kind.in_([k.value for k in IN_SECTOR]),
            # an organisation in no ICT sub-sector (a ministry, an international organisation
            # storing its own footprint) is outside the ICT sector
            or_(
                entities.c.kind != EntityKind.ORGANISATION.value,
                cast(entities.c.subsectors, String).notin_(["[]", ""]),
            ),
        )
    with store.engine.connect() as connection:
        # a chunk at a time into arrays: the memory of one chunk's tuples is used again by
        # the next (a fresh page costs more than its contents here)
        chunks = [_columns(rows, not numbered) for rows in fetched_chunks(connection, query)]
        # after the rows: every entity they name is there
        names: dict[int, str] = (
            {k: v for k, v in connection.execute(select(rowid, entities.c.id))} if numbered else {}
        )
    ids_read, number, codes, values, ages = (
        np.concatenate([chunk[c] for chunk in chunks]) if chunks else np.zeros(0) for c in range(5)
    )
    codes = codes.astype("int64", copy=False)
    if numbered:
        codes, number = np.divmod(codes, _ENTITY_ROWS)
    places = [text for chunk in chunks for text in chunk[5]]
    offsets = np.cumsum([0] + [len(chunk[0]) for chunk in chunks])
    given = np.concatenate(
        [chunk[6] + offset for chunk, offset in zip(chunks, offsets, strict=False)]
        or [np.zeros(0, dtype="int64")]
    )
    del chunks
    entity: Any
    if numbered:
        found, code_of = np.unique(number.astype("int64"), return_inverse=True)
        entity = pd.Categorical.from_codes(
            code_of.reshape(-1), categories=pd.Index([names[int(k)] for k in found], dtype="str")
        )
    else:
        entity = pd.array(np.asarray(number, dtype=object), dtype="str")
    rest, rank = np.divmod(codes, 4)
    rest, position = np.divmod(rest, len(indicators))
    revision, year = np.divmod(rest, _YEARS)
    frame = pd.DataFrame(
        {
            "id": ids_read.astype("int64", copy=False),
            "entity_id": entity,
            "indicator": position,
            "year": year,
            "obs_country": None,
            "obs_subsector": None,
            "value": values,
            "unit": None,
            "rank": rank,
            "revision": revision,
            "recorded_at": ages,
        }
    )
    if len(given):
        parts = np.array([text.split(_SEPARATOR) for text in places], dtype=object)
        parts[parts == ""] = None
        for column, name in enumerate(("obs_country", "obs_subsector", "unit")):
            frame[name] = frame[name].astype(object)
            frame.loc[given, name] = parts[:, column]
    return frame


def fetched(connection: Connection, query: Any) -> list[tuple[Any, ...]]:
    """Every row of ``query`` as the driver's plain tuple (:func:`fetched_chunks`)."""
    return [row for chunk in fetched_chunks(connection, query) for row in chunk]


def fetched_chunks(connection: Connection, query: Any) -> Iterator[list[tuple[Any, ...]]]:
    """The rows of ``query`` as the driver's plain tuples, ``_CHUNK`` at a time, read from
    the DBAPI cursor: a row object per row cost more than the query (0.26 s of a country's
    0.48 s totals at 4.4 M observations). The result is closed when the reader is done."""
    result = connection.execute(query)
    cursor: Any = result.cursor  # the DBAPI's: its rows are plain tuples
    try:
        while rows := cursor.fetchmany(_CHUNK):
            yield rows
    finally:
        result.close()


def _columns(rows: list[tuple[Any, ...]], texts: bool) -> tuple[Any, ...]:
    """A chunk of fetched rows column by column (``zip(*rows)`` costs 5x more): ids, entities
    (their ids as objects when ``texts``), codes, values, ages, then the non-empty places and
    their positions."""
    n = len(rows)
    ids, codes, values, ages = (
        np.fromiter(map(itemgetter(c), rows), dtype=t, count=n)
        for c, t in ((0, "int64"), (2, "int64"), (4, "float64"), (5, "float64"))
    )
    # entity ids as texts, or none when the row number is packed into the code
    entity = np.array(list(map(itemgetter(1), rows)) if texts else [], dtype=object)
    places = list(map(itemgetter(3), rows))
    given = [k for k, text in enumerate(places) if text is not None]
    return (
        ids,
        entity,
        codes,
        values,
        ages,
        [places[k] for k in given],
        np.asarray(given, dtype="int64"),
    )


#: Entity row numbers packed into the fetched code (code × _ENTITY_ROWS + row number).
_ENTITY_ROWS: Final = 1 << 24
#: Rows fetched at a time.
_CHUNK: Final = 65_536
#: Years a revision is apart in the fetched code (revision × _YEARS + year).
_YEARS: Final = 10_000
#: Between the country, sub-sector and unit in the fetched ``place`` (not in any of them).
_SEPARATOR: Final = "\x1f"
