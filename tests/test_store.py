"""The store of record, on SQLite and on PostgreSQL: schema, append-only revisions, atomicity."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError

from ictfootprint.errors import InputError, NotFoundError
from ictfootprint.model import Entity, EntityKind, Method, Observation
from ictfootprint.store import Store
from ictfootprint.store.database import head_revision
from ictfootprint.store.schema import APPEND_ONLY, SEARCH_INDEX_PREFIX, area_totals, metadata


def _operator(store: Store, entity_id: str = "op-1") -> Entity:
    return store.add_entity(
        Entity(
            id=entity_id,
            name="Operator One",
            kind=EntityKind.COMPANY,
            country="fr",
            subsectors=("mobile_network",),
        )
    )


def _obs(value: float, **changes: object) -> Observation:
    fields: dict[str, object] = {
        "entity_id": "op-1",
        "indicator_id": "energy_electricity",
        "year": 2022,
        "value": value,
        "unit": "MWh",
        "method": Method.REPORTED,
        "source": "test",
        "country": "FRA",
    }
    fields.update(changes)
    return Observation(**fields)  # type: ignore[arg-type]


def managed(name: str | None) -> bool:
    """Not the search's full-text index (an FTS5 table, GIN indexes), which no metadata holds."""
    return not (name or "").startswith(SEARCH_INDEX_PREFIX)


def test_migrations_build_exactly_the_declared_schema(empty_db_url: str) -> None:
    store = Store.open(empty_db_url)
    with store.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_name": lambda name, _type, _parents: managed(name)}
        )
        diff = compare_metadata(context, metadata)
    assert diff == []
    Store.open(empty_db_url)  # opening again is idempotent


def _alembic() -> Config:
    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("ictfootprint.store").joinpath("migrations"))
    )
    return config


def test_the_head_read_from_the_file_names_is_alembics() -> None:
    """``Store.migrate`` skips Alembic when the database is at ``head_revision()``, read from
    the migration files' names: it must be the head Alembic itself would migrate to."""
    assert ScriptDirectory.from_config(_alembic()).get_heads() == [head_revision()]


def test_a_database_behind_the_head_is_migrated_when_opened(db_url: str) -> None:
    store = Store.open(db_url)
    before = ScriptDirectory.from_config(_alembic()).get_revision(head_revision()).down_revision
    config = _alembic()
    with store.engine.begin() as connection:  # as a database of the previous release
        config.attributes["connection"] = connection
        command.downgrade(config, str(before))
    with store.engine.connect() as connection:
        assert connection.scalar(text("SELECT version_num FROM alembic_version")) == before
    Store.open(db_url)
    with store.engine.connect() as connection:
        assert connection.scalar(text("SELECT version_num FROM alembic_version")) == head_revision()
        assert connection.execute(area_totals.select()).all() == []  # the table is back


def test_default_factors_are_seeded_once(empty_db_url: str) -> None:
    store = Store.open(empty_db_url)
    Store.open(empty_db_url)
    datasets = store.factor_datasets(latest_only=False)
    assert [(d.name, d.version) for d in datasets] == [("codecarbon-3.3.2", 1)]
    factor = store.resolve_grid_factor("FRA", 2023)
    assert (factor.value, factor.unit, factor.flags) == (56.039, "gCO2e/kWh", ())
    assert "codecarbon" in factor.source


def test_entity_codes_are_normalised_and_unique(db_url: str) -> None:
    store = Store.open(db_url)
    assert _operator(store).country == "FRA"
    with pytest.raises(InputError, match="already exists"):
        _operator(store)
    with pytest.raises(InputError, match="unknown country code"):
        store.add_entity(Entity(id="x", name="X", kind=EntityKind.COMPANY, country="ZZZ"))


def test_a_new_value_is_a_new_revision_and_history_is_kept(db_url: str) -> None:
    store = Store.open(db_url)
    _operator(store)
    first = store.record_observations([_obs(1000.0)])
    same = store.record_observations([_obs(1000.0)])
    restated = store.record_observations([_obs(1100.0, reason="meter error corrected")])
    assert (len(first.written), same.unchanged, len(restated.written)) == (1, 1, 1)
    history = store.observation_history("op-1", "energy_electricity", 2022, country="FRA")
    assert [(o.revision, o.value) for o in history] == [(1, 1000.0), (2, 1100.0)]
    assert history[1].reason == "meter error corrected"
    current = store.current_observations(entity_ids=["op-1"])
    assert [(o.revision, o.value) for o in current] == [(2, 1100.0)]


def test_a_batch_is_stored_whole_or_not_at_all(db_url: str) -> None:
    store = Store.open(db_url)
    _operator(store)
    batch = [_obs(1.0, year=2020), _obs(2.0, year=2021, entity_id="nobody")]
    with pytest.raises(IntegrityError):
        store.record_observations(batch)
    assert store.current_observations() == []
    with pytest.raises(InputError, match="twice in one batch"):
        store.record_observations([_obs(1.0), _obs(2.0)])
    assert store.current_observations() == []


def _one_row_in_every_append_only_table(store: Store) -> None:
    from datetime import UTC, datetime

    from sqlalchemy import insert

    from ictfootprint.store.schema import (
        submission_events,
        submission_files,
        submission_reports,
        submissions,
        targets,
    )

    _operator(store)
    store.record_observations([_obs(1.0)])
    at = datetime.now(UTC)
    with store.transaction() as connection:
        sid = connection.execute(
            insert(submissions).values(
                entity_id="op-1",
                format="csv",
                content_sha256="0" * 64,
                received_at=at,
                received_by="t",
            )
        ).inserted_primary_key[0]
        connection.execute(insert(submission_files).values(submission_id=sid, content=b"x", size=1))
        connection.execute(insert(submission_reports).values(submission_id=sid, report={}))
        connection.execute(
            insert(submission_events).values(submission_id=sid, status="received", at=at, actor="t")
        )
        connection.execute(
            insert(targets).values(
                entity_id="op-1",
                scope="1+2-market",
                base_year=2020,
                target_year=2030,
                reduction_percent=45,
                kind="absolute",
                source="t",
                recorded_at=at,
                recorded_by="t",
            )
        )


@pytest.mark.parametrize("statement", ["UPDATE {table} SET {key} = {key}", "DELETE FROM {table}"])
def test_the_database_refuses_to_rewrite_history(db_url: str, statement: str) -> None:
    store = Store.open(db_url)
    _one_row_in_every_append_only_table(store)
    for table in APPEND_ONLY:
        with pytest.raises(DBAPIError, match="append-only"), store.transaction() as connection:
            key = "submission_id" if table in ("submission_files", "submission_reports") else "id"
            connection.execute(text(statement.format(table=table, key=key)))


def test_every_write_leaves_an_audit_row(db_url: str) -> None:
    store = Store.open(db_url, actor="alice")
    _operator(store)
    store.record_observations([_obs(5.0)])
    trail = store.audit_trail()
    assert [(a["actor"], a["action"], a["object_type"]) for a in trail[:2]] == [
        ("alice", "record", "observations"),
        ("alice", "add", "entity"),
    ]
    assert trail[0]["detail"] == {"written": 1, "unchanged": 0}


def test_factor_import_is_whole_versioned_and_idempotent(db_url: str, shared_data: Path) -> None:
    store = Store.open(db_url)
    path = shared_data / "grid_carbon_intensity_owid_2015_2024.csv"
    result = store.import_factor_file(path)
    assert (result.stored, result.dataset.name, result.dataset.version) == (1964, "owid", 1)
    again = store.import_factor_file(path)
    assert again.already_imported and again.stored == 0
    fra = store.resolve_grid_factor("FRA", 2022)
    assert fra.dataset == "owid" and fra.flags == ()
    assert fra.value == pytest.approx(85.0, abs=40)  # OWID FRA 2022, not codecarbon's 2023
    assert "Our World in Data" in fra.source
    proxy = store.resolve_grid_factor("FRA", 2030)
    assert proxy.year < 2030 and proxy.flags[0].startswith("factor-year-proxy:")


def test_bad_factor_file_writes_nothing(db_url: str, tmp_path: Path) -> None:
    store = Store.open(db_url)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "iso3,country,year,carbon_intensity_g_per_kwh\nFRA,France,2020,56\nQQQ,Nowhere,2020,1\n"
    )
    with pytest.raises(InputError, match="row 3"):
        store.import_factor_file(bad)
    assert [d.name for d in store.factor_datasets()] == ["codecarbon-3.3.2"]


def test_missing_factor_is_not_found(db_url: str) -> None:
    store = Store.open(db_url)
    with pytest.raises(NotFoundError):
        store.resolve_grid_factor("ATA", 2020)


def test_a_calculated_value_stands_beside_the_reported_one(db_url: str) -> None:
    from ictfootprint.store.observations import best_available

    store = Store.open(db_url)
    _operator(store)
    store.record_observations([_obs(1000.0)])
    store.record_observations([_obs(990.0, method=Method.CALCULATED, source="engine")])
    store.record_observations([_obs(950.0, method=Method.ESTIMATED, source="interpolation")])
    current = store.current_observations(entity_ids=["op-1"])
    assert sorted((o.method.value, o.value, o.revision) for o in current) == [
        ("calculated", 990.0, 1),
        ("estimated", 950.0, 1),
        ("reported", 1000.0, 1),
    ]
    (best,) = best_available(current)
    assert (best.method, best.value) == (Method.REPORTED, 1000.0)  # never replaced
    history = store.observation_history("op-1", "energy_electricity", 2022, country="FRA")
    assert [o.method.value for o in history] == ["calculated", "estimated", "reported"]
