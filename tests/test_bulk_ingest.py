"""The bulk write path of observations (``store.bulk``: COPY or executemany into a staging
table, one INSERT … SELECT assigning revisions) stores exactly what recording one row at a
time does: the same rows, revisions, current values and audit; a restated series gets revision
n + 1, an unchanged value nothing; a series twice in one batch is an error naming both rows;
a failure anywhere leaves nothing stored; odd text arrives exactly. Real SQLite and
PostgreSQL (``db_url``)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from sqlalchemy import Connection, func, insert, select
from sqlalchemy.exc import IntegrityError

from ictfootprint.errors import InputError
from ictfootprint.model import Entity, EntityKind, Method, Observation
from ictfootprint.store import Store
from ictfootprint.store import observations as store_observations
from ictfootprint.store.database import now
from ictfootprint.store.schema import audit_log, current_observations, observations

ODD_TEXTS = (
    "tab\there",
    "line\nfeed and carriage\r\nreturn",
    "back\\slash \\N \\t \\\\ end\\",
    "quotes \" ' and ,; separators",
    "العربية · 中文 · русский · emoji 🌍 · combining é",
    "\\.",  # COPY's old end-of-data marker, as a value
    " leading and trailing spaces ",
)

#: columns compared between two stores (ids, times and actors differ by construction)
_COMPARED = [c.name for c in observations.c if c.name not in ("id", "recorded_at", "recorded_by")]


def _entity(store: Store, entity_id: str = "op-1", country: str | None = "FRA") -> None:
    store.add_entity(Entity(id=entity_id, name=entity_id, kind=EntityKind.COMPANY, country=country))


def _obs(
    value: float | None, *, indicator: str = "energy_electricity", year: int = 2023, **fields: Any
) -> Observation:
    return Observation(
        entity_id=fields.pop("entity_id", "op-1"),
        indicator_id=indicator,
        year=year,
        value=value,
        unit=fields.pop("unit", "MWh") if value is not None else fields.pop("unit", None),
        method=fields.pop("method", Method.REPORTED),
        source=fields.pop("source", "test"),
        **fields,
    )


def _row_by_row(connection: Connection, batch: list[Observation], actor: str) -> int:
    """The reference: what recording means, one value at a time (the store's path before the
    bulk path): read the series' current revision; equal content writes nothing; otherwise
    insert revision n + 1."""
    written = 0
    for obs in batch:
        row = store_observations._row(obs)
        key = store_observations.key_of(row)
        latest = connection.execute(
            select(observations)
            .where(observations.c.series_key == key)
            .order_by(observations.c.revision.desc())
            .limit(1)
        ).first()
        content = ("value", "unit", "value_text", "method", "source", "gwp_set")
        if (
            latest is not None
            and all(getattr(latest, n) == row[n] for n in content)
            and list(latest.quality_flags) == list(row["quality_flags"])
        ):
            continue
        connection.execute(
            insert(observations).values(
                **row,
                series_key=key,
                revision=1 if latest is None else latest.revision + 1,
                recorded_at=now(),
                recorded_by=actor,
            )
        )
        written += 1
    return written


def _contents(store: Store) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    with store.engine.connect() as connection:
        rows = connection.execute(
            select(*(observations.c[n] for n in _COMPARED)).order_by(observations.c.id)
        ).all()
        current = connection.execute(
            select(
                current_observations.c.series_key,
                current_observations.c.revision,
                current_observations.c.area,
                observations.c.value,
            )
            .join(observations, observations.c.id == current_observations.c.observation_id)
            .order_by(current_observations.c.series_key)
        ).all()
    normalised = [
        tuple(json.dumps(v, sort_keys=True) if isinstance(v, list | dict) else v for v in r)
        for r in rows
    ]
    return normalised, [tuple(r) for r in current]


def _batches() -> list[list[Observation]]:
    first = [
        _obs(100.0, year=2020),
        _obs(0.1 + 0.2, year=2021),  # a float that prints long: must compare equal after COPY
        _obs(1e-300, year=2022, indicator="ghg_scope1", unit="tCO2e"),
        _obs(None, indicator="net_zero_target_year", value_text="2040"),
        _obs(5.0, country="DEU", subsector="mobile_network", quality_flags=("restated",)),
        _obs(7.0, method=Method.ESTIMATED, lineage={"by": "test", "rows": [1, 2]}),
        _obs(7.5, method=Method.CALCULATED, gwp_set="AR6", comment=ODD_TEXTS[0]),
        _obs(3.0, entity_id="op-2", indicator="ghg_scope1", unit="tCO2e"),
    ]
    second = [
        _obs(100.0, year=2020),  # unchanged: nothing written
        _obs(0.1 + 0.2, year=2021),  # unchanged
        _obs(101.0, year=2022, indicator="ghg_scope1", unit="tCO2e"),  # revision 2
        _obs(None, indicator="net_zero_target_year", value_text="2045"),  # revision 2
        _obs(5.0, country="DEU", subsector="mobile_network"),  # flags dropped: revision 2
        _obs(7.0, method=Method.ESTIMATED, lineage={"other": True}),  # lineage only: unchanged
        _obs(8.0, method=Method.CALCULATED, gwp_set="AR6", reason="restated"),  # revision 2
        _obs(9.0, year=2019),  # a new series
    ]
    third = [_obs(102.0, year=2022, indicator="ghg_scope1", unit="tCO2e")]  # revision 3
    return [first, second, third]


def test_bulk_path_stores_what_row_by_row_recording_stores(db_url: str, tmp_path: Any) -> None:
    other_url = (
        f"sqlite:///{tmp_path / 'reference.db'}"
        if db_url.startswith("sqlite")
        else db_url.rsplit("/", 1)[0] + "/" + _new_pg_database(db_url)
    )
    bulk, reference = Store.open(db_url, actor="t"), Store.open(other_url, actor="t")
    for store in (bulk, reference):
        _entity(store)
        _entity(store, "op-2", None)
    outcomes = []
    for batch in _batches():
        result = bulk.record_observations(batch)
        outcomes.append((len(result.written), result.unchanged))
        with reference.transaction() as connection:
            _row_by_row(connection, batch, "t")
    assert outcomes == [(8, 0), (5, 3), (1, 0)]
    assert _contents(bulk) == _contents(reference)
    revisions = {key: revision for key, revision, _area, _value in _contents(bulk)[1]}
    assert revisions["op-1|ghg_scope1|2022|||reported"] == 3
    assert revisions["op-1|energy_electricity|2020|||reported"] == 1
    # the entity's country is the area of a value without its own; op-2 has none
    areas = {key: area for key, _rev, area, _value in _contents(bulk)[1]}
    assert areas["op-1|energy_electricity|2020|||reported"] == "FRA"
    assert areas["op-1|energy_electricity|2023|DEU|mobile_network|reported"] == "DEU"
    assert areas["op-2|ghg_scope1|2023|||reported"] is None
    with bulk.engine.connect() as connection:
        details = (
            connection.execute(
                select(audit_log.c.detail)
                .where(audit_log.c.action == "record")
                .order_by(audit_log.c.id)
            )
            .scalars()
            .all()
        )
    assert details == [
        {"written": 8, "unchanged": 0},
        {"written": 5, "unchanged": 3},
        {"written": 1, "unchanged": 0},
    ]


def _new_pg_database(url: str) -> str:
    from sqlalchemy import create_engine, text

    name = "reference_" + hashlib.sha256(url.encode()).hexdigest()[:10]
    engine = create_engine(
        url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return name


def test_written_rows_say_their_revision_and_ids_follow_the_batch(db_url: str) -> None:
    store = Store.open(db_url, actor="t")
    _entity(store)
    store.record_observations([_obs(1.0, year=2020), _obs(2.0, year=2021)])
    result = store.record_observations([_obs(3.0, year=2022), _obs(2.5, year=2021)])
    assert [(r["year"], r["revision"], r["recorded_by"]) for r in result.written] == [
        (2022, 1, "t"),
        (2021, 2, "t"),
    ]
    with store.engine.connect() as connection:
        years = connection.execute(select(observations.c.year).order_by(observations.c.id))
        assert years.scalars().all() == [2020, 2021, 2022, 2021]


def test_same_series_twice_in_one_batch_names_both_rows_and_stores_nothing(db_url: str) -> None:
    store = Store.open(db_url, actor="t")
    _entity(store)
    batch = [_obs(1.0, year=2020), _obs(2.0, year=2021), _obs(3.0, year=2020)]
    with pytest.raises(InputError, match=r"twice in one batch \(rows 1 and 3\)") as error:
        store.record_observations(batch)
    assert error.value.location.row == 3
    assert _contents(store) == ([], [])


def test_failure_mid_batch_leaves_nothing_stored(db_url: str) -> None:
    store = Store.open(db_url, actor="t")
    _entity(store)
    store.record_observations([_obs(1.0, year=2000)])
    before = _contents(store)
    with store.engine.connect() as connection:
        audits = connection.execute(select(func.count()).select_from(audit_log)).scalar_one()
    batch = [_obs(float(y), year=y) for y in range(1990, 2200)]
    batch[150] = _obs(1.0, year=1950, entity_id="no-such-entity")  # the database refuses it
    with pytest.raises(IntegrityError):
        store.record_observations(batch)
    assert _contents(store) == before
    with store.engine.connect() as connection:
        assert (
            connection.execute(select(func.count()).select_from(audit_log)).scalar_one() == audits
        )
    # and the store still writes (no staging left behind in the pooled connection)
    assert len(store.record_observations([_obs(2.0, year=2001)]).written) == 1


def test_odd_text_survives_the_bulk_path_exactly(db_url: str) -> None:
    store = Store.open(db_url, actor="t")
    _entity(store)
    batch = [
        _obs(
            float(number),
            year=2000 + number,
            source=text,
            comment=text,
            reason=text,
            value_received=text[:100],
            quality_flags=(text,),
            lineage={"text": text, text: [text]},
        )
        for number, text in enumerate(ODD_TEXTS)
    ]
    store.record_observations(batch)
    stored = {o.year: o for o in store.current_observations()}
    for number, text in enumerate(ODD_TEXTS):
        found = stored[2000 + number]
        assert (found.source, found.comment, found.reason, found.value_received) == (
            text,
            text,
            text,
            text[:100],
        )
        assert found.quality_flags == (text,)
        assert found.lineage == {"text": text, text: [text]}
    # the same values again are recognised as unchanged, odd text and all
    again = store.record_observations(batch)
    assert (len(again.written), again.unchanged) == (0, len(ODD_TEXTS))


def test_accepting_a_submission_restates_series_as_revision_n_plus_1(db_url: str) -> None:
    store = Store.open(db_url, actor="reviewer")
    _entity(store)

    def submit(values: list[float], name: str) -> int:
        payload = [
            {
                "entity_id": "op-1",
                "indicator_id": "energy_electricity",
                "year": 2010 + n,
                "value": v,
                "unit": "MWh",
                "method": "reported",
                "source": "operator file",
                "lineage": {"row": n + 2},
                "comment": "tab\tnewline\n" if n == 0 else None,
            }
            for n, v in enumerate(values)
        ]
        payload = [{k: v for k, v in p.items() if v is not None} for p in payload]
        body = json.dumps(payload).encode()
        return store.create_submission(
            entity_id="op-1",
            file_name=name,
            fmt="json",
            sha256=hashlib.sha256(body).hexdigest(),
            content=body,
            report={"values": len(payload), "errors": 0, "warnings": 0},
            payload=payload,
            respondent=None,
            encoding="utf-8",
            locale=None,
            status="validated",
        )

    first = store.accept_submission(submit([1.0, 2.0, 3.0], "a.json"), "ok")
    second = store.accept_submission(submit([1.0, 2.5, 3.0, 4.0], "b.json"), "restated")
    assert (first.written, first.unchanged) == (3, 0)
    assert (second.written, second.unchanged) == (2, 2)
    history = store.observation_history("op-1", "energy_electricity", 2011)
    assert [(o.revision, o.value, o.reason) for o in history] == [
        (1, 2.0, "ok"),
        (2, 2.5, "restated"),
    ]
    assert history[0].lineage == {"row": 3}
    assert store.observation_history("op-1", "energy_electricity", 2010)[0].reason == (
        "tab\tnewline\n"
    )
