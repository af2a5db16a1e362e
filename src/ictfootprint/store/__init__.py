"""The store of record: SQLite by default, PostgreSQL by URL, append-only.

For example::

    store = Store.open("footprint.db")         # or "postgresql://user@host/db"
    store.resolve_grid_factor("FRA", 2023)     # ResolvedFactor(value=56.039, ...)
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from ictfootprint.errors import ConflictError, InputError, Location
from ictfootprint.model import (
    Entity,
    EntityKind,
    FactorDataset,
    Observation,
    ResolvedFactor,
    StoredObservation,
    Target,
)
from ictfootprint.reference import grid
from ictfootprint.store import entities as _entities
from ictfootprint.store import factors as _factors
from ictfootprint.store import observations as _observations
from ictfootprint.store import published as _published
from ictfootprint.store import submissions as _submissions
from ictfootprint.store import targets as _targets
from ictfootprint.store.accounts import Accounts
from ictfootprint.store.database import DEFAULT_DB, ENV_VAR, database_url
from ictfootprint.store.factors import ImportResult
from ictfootprint.store.observations import Recorded, RecordResult
from ictfootprint.store.submissions import DuplicateSubmission, SubmissionRecord
from ictfootprint.store.users import IssuedToken, TokenInfo

_log = logging.getLogger("ictfootprint.store")


class Store(Accounts):
    """Entities, observations, emission factors and the audit log, behind one object."""

    @classmethod
    def open(cls, url: str | None = None, *, actor: str | None = None) -> Store:
        """Open (creating and migrating if needed) the database and seed the default factors."""
        store = cls(url, actor=actor)
        store.migrate()
        store._seed_default_factors()
        return store

    def _seed_default_factors(self) -> None:
        name = grid.default_dataset_name()
        with self.transaction() as connection:
            if any(d.name == name for d in _factors.datasets(connection)):
                return
            title, source, licence = grid.default_dataset_title()
            result = _factors.import_factors(
                connection,
                grid.default_factors(),
                name=name,
                title=title,
                source=source,
                licence=licence,
                actor="ictfootprint",
                file_name="grid_factors_codecarbon.csv (shipped)",
            )
            self.audit(connection, "seed-factors", "factor_dataset", name, {"rows": result.stored})

    # entities ---------------------------------------------------------------------------------
    def add_entity(self, entity: Entity) -> Entity:
        with self.transaction() as connection:
            added = _entities.add(connection, entity)
            self.audit(connection, "add", "entity", added.id, added.model_dump(mode="json"))
        return added

    def add_entities(self, batch: Sequence[Entity], *, file_name: str) -> None:
        """Add several entities in one transaction; an error names the file row, adds none."""
        with self.transaction() as connection:
            for number, entity in enumerate(batch, start=2):
                try:
                    added = _entities.add(connection, entity)
                except InputError as error:
                    raise error.at(file=file_name, row=number) from None
                self.audit(connection, "add", "entity", added.id, added.model_dump(mode="json"))

    def entity(self, entity_id: str) -> Entity:
        with self.engine.connect() as connection:
            found = _entities.get(connection, entity_id)
        assert found is not None
        return found

    def find_entity(self, entity_id: str) -> Entity | None:
        with self.engine.connect() as connection:
            return _entities.get(connection, entity_id, missing_ok=True)

    def entities(
        self, ids: Collection[str] | None = None, *, kind: EntityKind | None = None
    ) -> list[Entity]:
        """Every entity, by id; or only those of ``ids``, or of ``kind``."""
        with self.engine.connect() as connection:
            return _entities.all_entities(connection, ids, kind)

    # observations -----------------------------------------------------------------------------
    def record_observations(
        self, batch: Sequence[Observation], *, action: str = "record"
    ) -> RecordResult:
        """Write a batch atomically: every new revision is stored, or none."""
        with self.transaction() as connection:
            result = _observations.record(connection, batch, self.actor)
            self.audit(
                connection,
                action,
                "observations",
                None,
                {"written": len(result.written), "unchanged": result.unchanged},
            )
        return result

    def current_observations(self, **filters: Any) -> list[StoredObservation]:
        with self.engine.connect() as connection:
            return _observations.current(connection, **filters)

    def iter_current_observations(self, **filters: Any) -> Iterator[StoredObservation]:
        """:meth:`current_observations` a chunk at a time (for exports of millions)."""
        with self.engine.connect() as connection:
            yield from _observations.iter_current(connection, **filters)

    def observation_history(
        self, entity_id: str, indicator_id: str, year: int, **where: str | None
    ) -> list[StoredObservation]:
        with self.engine.connect() as connection:
            return _observations.history(connection, entity_id, indicator_id, year, **where)

    # emission factors -------------------------------------------------------------------------
    def import_factor_file(
        self,
        path: Path,
        *,
        fmt: str | None = None,
        dataset: str | None = None,
        citation: str | None = None,
    ) -> ImportResult:
        """Read a whole factor file, then store it in one transaction (nothing on error)."""
        read = grid.read_factor_file(path, fmt, citation)
        with self.transaction() as connection:
            result = _factors.import_factors(
                connection,
                read.factors,
                name=dataset or read.format,
                title=f"{read.format} grid carbon intensity ({read.file_name})",
                source=read.citation,
                licence="CC BY 4.0" if read.format in grid.CITATIONS else None,
                actor=self.actor,
                file_name=read.file_name,
                sha256=read.sha256,
            )
            if not result.already_imported:
                self.audit(
                    connection,
                    "import-factors",
                    "factor_dataset",
                    f"{result.dataset.name}@{result.dataset.version}",
                    {"rows": result.stored, "file": read.file_name, "sha256": read.sha256},
                )
        return result

    def factor_datasets(self, *, latest_only: bool = True) -> list[FactorDataset]:
        with self.engine.connect() as connection:
            return _factors.datasets(connection, latest_only=latest_only)

    def resolve_grid_factors(
        self, pairs: Iterable[tuple[str, int]], *, dataset: str | None = None
    ) -> dict[tuple[str, int], ResolvedFactor | None]:
        """Grid factors for many (area, year) pairs at once (``None`` where there is none)."""
        with self.engine.connect() as connection:
            return _factors.resolve_many(
                connection, pairs, default_dataset=grid.default_dataset_name(), dataset=dataset
            )

    def resolve_grid_factor(
        self, area: str, year: int, *, dataset: str | None = None
    ) -> ResolvedFactor:
        with self.engine.connect() as connection:
            return _factors.resolve(
                connection,
                area,
                year,
                default_dataset=grid.default_dataset_name(),
                dataset=dataset,
            )

    # submissions ------------------------------------------------------------------------------
    def create_submission(self, **fields: Any) -> int:
        """Store a received file with its report (and values when validated), atomically.
        The same file for the same entity read the same way, sent twice at once, is stored
        once: the second raises :class:`DuplicateSubmission` naming the first."""
        try:
            return self._create_submission(fields)
        except IntegrityError:
            earlier = self.identical_submission(
                fields["entity_id"], fields["sha256"], fields["fmt"], fields.get("read_as", "")
            )
            if earlier is None:
                raise
            raise DuplicateSubmission(earlier) from None

    def _create_submission(self, fields: dict[str, Any]) -> int:
        public_id = _submissions.new_public_id()
        with self.transaction() as connection:
            submission_id = _submissions.create(
                connection, actor=self.actor, public_id=public_id, **fields
            )
            self.audit(
                connection,
                "submit",
                "submission",
                str(submission_id),
                {
                    "public_id": public_id,
                    "entity": fields["entity_id"],
                    "file": fields["file_name"],
                    "sha256": fields["sha256"],
                    "status": fields["status"],
                    "read_as": fields.get("read_as", ""),
                    "rereads": fields.get("rereads"),
                },
            )
        return submission_id

    def identical_submission(
        self, entity_id: str, sha256: str, fmt: str, read_as: str = ""
    ) -> int | None:
        """The earlier submission of these bytes for this entity in this format, read with
        the same declared options (``read_as``), if any."""
        with self.engine.connect() as connection:
            return _submissions.identical(connection, entity_id, sha256, fmt, read_as)

    def latest_reading(self, entity_id: str, sha256: str) -> int | None:
        """The latest submission of these bytes for this entity, however read."""
        with self.engine.connect() as connection:
            return _submissions.latest_reading(connection, entity_id, sha256)

    def submission(self, submission_id: int | str) -> SubmissionRecord:
        """A submission by its local id (an int) or its public id (a text)."""
        with self.engine.connect() as connection:
            if isinstance(submission_id, str):
                submission_id = _submissions.local_id(connection, submission_id)
            return _submissions.get(connection, submission_id)

    def public_id(self, submission_id: int) -> str:
        """The public id of the submission with this local id."""
        with self.engine.connect() as connection:
            return _submissions.public_id(connection, submission_id)

    def submissions(
        self,
        *,
        status: str | None = None,
        entity_id: str | None = None,
        entity_ids: Collection[str] | None = None,
    ) -> list[SubmissionRecord]:
        """Summaries, without reports (see ``store.submissions.all_submissions``)."""
        with self.engine.connect() as connection:
            return _submissions.all_submissions(
                connection, status=status, entity_id=entity_id, entity_ids=entity_ids
            )

    def submission_values(self, submission_id: int | str) -> list[dict[str, Any]]:
        """The values a submission would publish when accepted (its checked payload)."""
        with self.engine.connect() as connection:
            if isinstance(submission_id, str):
                submission_id = _submissions.local_id(connection, submission_id)
            return _submissions.payload(connection, submission_id)

    def submission_file(self, submission_id: int | str) -> bytes:
        with self.engine.connect() as connection:
            return _submissions.content(connection, self._local(connection, submission_id))

    @staticmethod
    def _local(connection: Any, submission_id: int | str) -> int:
        if isinstance(submission_id, str):
            return _submissions.local_id(connection, submission_id)
        return submission_id

    def accept_submission(self, submission_id: int | str, comment: str | None = None) -> Recorded:
        """Accept a validated submission: its values become current revisions, all or none.
        Returns how many were written and how many were current: the values' rows (100,000
        dicts for a large submission, 180 MB) are let go before the sector's rows are
        refreshed, the height of the acceptance's memory."""
        given = submission_id
        with _reviewed_once(given), self.transaction() as connection:
            submission_id = self._local(connection, given)
            record = _submissions.get(connection, submission_id)
            _require_status(record, "validated", "accepted", given)
            entity = _entities.get(connection, record.entity_id)
            # data of an illustrative (fictitious) entity is marked so on every value
            flags = ["illustrative"] if entity is not None and entity.illustrative else []
            # completed in place: a second copy of 100,000 values would double the memory
            rows = _submissions.payload(connection, submission_id)
            for item in rows:
                item["reason"] = item.get("comment") or comment
                item["quality_flags"] = [*item.get("quality_flags", []), *flags]
                item["submission_id"] = submission_id
                for name, default in _observations.ROW_DEFAULTS.items():
                    item.setdefault(name, default)
            recorded = _observations.record_rows(connection, rows, self.actor)
            result = Recorded(len(recorded.written), recorded.unchanged)
            del rows, recorded
            _submissions.add_event(connection, submission_id, "accepted", self.actor, comment)
            self.audit(
                connection,
                "accept",
                "submission",
                str(submission_id),
                {
                    "public_id": record.public_id,
                    "written": result.written,
                    "unchanged": result.unchanged,
                    "comment": comment,
                },
            )
        # the sector's entity rows refreshed at once (only the stale entities: this one),
        # after the commit; the acceptance stands if the database refuses it now (a lock
        # timeout): the mark stays, and the next read of the totals refreshes
        from ictfootprint.compute.sector_rows import refresh

        try:
            refresh(self)
        except SQLAlchemyError as error:
            _log.warning("sector rows not refreshed after accepting %s: %s", given, error)
        return result

    def reject_submission(self, submission_id: int | str, comment: str) -> None:
        """Reject a validated submission; it is kept, with its report and the reason."""
        given = submission_id
        with _reviewed_once(given), self.transaction() as connection:
            submission_id = self._local(connection, given)
            record = _submissions.get(connection, submission_id)
            _require_status(record, "validated", "rejected", given)
            _submissions.add_event(connection, submission_id, "rejected", self.actor, comment)
            self.audit(
                connection,
                "reject",
                "submission",
                str(submission_id),
                {"public_id": record.public_id, "comment": comment},
            )

    # targets ----------------------------------------------------------------------------------
    def add_target(self, target: Target, *, supersedes: int | None = None) -> int:
        """Record a target (a revision supersedes an earlier one, which is kept)."""
        with self.transaction() as connection:
            if _entities.get(connection, target.entity_id, missing_ok=True) is None:
                raise InputError("unknown entity", Location(field="entity"), found=target.entity_id)
            target_id = _targets.add(connection, target, self.actor, supersedes)
            self.audit(connection, "add", "target", str(target_id), target.model_dump())
        return target_id

    def targets(self, entity_id: str) -> list[tuple[int, Target]]:
        with self.engine.connect() as connection:
            return _targets.current(connection, entity_id)

    # published data ---------------------------------------------------------------------------
    def published_entities(self, *, limit: int, offset: int = 0) -> tuple[int, list[Entity]]:
        """(count, page by id) of the entities with published values."""
        with self.engine.connect() as connection:
            return _published.entity_page(connection, limit=limit, offset=offset)

    def published_entity_labels(self) -> list[_published.EntityLabel]:
        """Id, name, kind and country of the entities with published values, by id."""
        with self.engine.connect() as connection:
            return _published.entity_labels(connection)

    def published_years(self, indicator_ids: Sequence[str] | None = None) -> list[int]:
        """The years with a published value (of these indicators), ascending."""
        with self.engine.connect() as connection:
            return _published.years(connection, indicator_ids=indicator_ids)

    def is_published(self, entity_id: str) -> bool:
        """Whether the entity has at least one published value."""
        with self.engine.connect() as connection:
            return _published.is_published(connection, entity_id)

    def published_page(
        self, **filters: Any
    ) -> tuple[int, list[tuple[StoredObservation, str | None]]]:
        """(count, page of (observation, its entity's country)): see ``store.published``."""
        with self.engine.connect() as connection:
            return _published.page(connection, **filters)

    def shown_page(self, **filters: Any) -> tuple[int, list[dict[str, Any]]]:
        """(count, page of values as the public API shows them): see
        ``store.published.shown_page``."""
        with self.engine.connect() as connection:
            return _published.shown_page(connection, **filters)


@contextmanager
def _reviewed_once(submission_id: int | str) -> Iterator[None]:
    """A review racing another one loses at a unique index of the database (the same
    submission reviewed twice: uq_submission_events_reviewed; the same values written by two
    acceptances: the series revision) and is rolled back whole, with a clear message."""
    try:
        yield
    except IntegrityError:
        raise ConflictError(
            f"submission {submission_id}: another review wrote meanwhile and nothing was "
            "written; look at the submission again",
            Location(field="submission"),
        ) from None


def _require_status(record: SubmissionRecord, status: str, action: str, given: int | str) -> None:
    if record.status != status:
        raise ConflictError(
            f"submission {given} is {record.status}: only a {status} submission can be {action}",
            Location(field="submission"),
        )


__all__ = [
    "DEFAULT_DB",
    "ENV_VAR",
    "ImportResult",
    "IssuedToken",
    "RecordResult",
    "Recorded",
    "Store",
    "TokenInfo",
    "database_url",
]
