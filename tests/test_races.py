"""Two writers racing for the same thing: the database keeps one, the other is told why.

The REST API serves many requests at once, so these are not hypothetical: two reviewers
pressing accept on the same submission, or a client retrying an upload that is still running.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select

from ictfootprint.collection.service import submit
from ictfootprint.errors import ConflictError
from ictfootprint.model import Entity, EntityKind
from ictfootprint.store import Store
from ictfootprint.store.schema import observations, submission_events, submissions

FILE = (
    b"indicator,year,value,unit,country,source\n"
    b"energy_electricity,2023,1500,MWh,FRA,annual report 2023\n"
)


def _store(db_url: str) -> Store:
    store = Store.open(db_url)
    store.add_entity(Entity(id="fr-op", name="Operator", kind=EntityKind.COMPANY, country="FRA"))
    return store


def _race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls at the same moment; each one's result or exception."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = calls[index]()
        except Exception as exc:  # collected for the assertions
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_a_submission_is_reviewed_once(db_url: str) -> None:
    store = _store(db_url)
    for _attempt in range(3):  # a few rounds: the race must lose every time, not by luck
        result = submit(
            store, FILE.replace(b"1500", f"{1500 + _attempt}".encode()), "f.csv", "fr-op"
        )
        outcomes = _race(
            lambda r=result: store.accept_submission(r.submission_id, "first"),
            lambda r=result: store.accept_submission(r.submission_id, "second"),
            lambda r=result: store.reject_submission(r.submission_id, "third"),
        )
        errors = [o for o in outcomes if isinstance(o, Exception)]
        assert len(errors) == 2 and all(isinstance(e, ConflictError) for e in errors), outcomes
        with store.engine.connect() as connection:
            reviews = connection.execute(
                select(func.count())
                .select_from(submission_events)
                .where(
                    submission_events.c.submission_id == result.submission_id,
                    submission_events.c.status.in_(["accepted", "rejected"]),
                )
            ).scalar_one()
        assert reviews == 1
    with store.engine.connect() as connection:
        values = connection.execute(select(func.count()).select_from(observations)).scalar_one()
    accepted = sum(1 for s in store.submissions() if s.status == "accepted")
    assert values == accepted  # one revision per accepted file, none from a losing accept


def test_the_same_file_sent_twice_at_once_is_stored_once(db_url: str) -> None:
    store = _store(db_url)
    outcomes = _race(*(lambda: submit(store, FILE, "f.csv", "fr-op") for _ in range(4)))
    assert not any(isinstance(o, Exception) for o in outcomes), outcomes
    ids = {o.submission_id for o in outcomes}
    assert len(ids) == 1
    assert sum(o.identical_to is None for o in outcomes) >= 1
    with store.engine.connect() as connection:
        stored = connection.execute(select(func.count()).select_from(submissions)).scalar_one()
    assert stored == 1


def test_sector_totals_from_many_threads_at_once(tmp_path: Any) -> None:
    """The API computes aggregates on request threads: each call runs on its own DuckDB
    connection (Ibis's default one refuses a second caller while busy)."""
    from ictfootprint.compute.sector import sector_totals
    from ictfootprint.examples import load_illustrative

    store = Store.open(f"sqlite:///{tmp_path / 'sector.db'}")
    load_illustrative(store)
    expected = sector_totals(store, level="country", year=2022).rows
    outcomes = _race(
        *(lambda: sector_totals(store, level="country", year=2022).rows for _ in range(12))
    )
    assert all(o == expected for o in outcomes), [o for o in outcomes if o != expected][:1]
