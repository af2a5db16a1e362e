"""The register of endorsements of the COP29 Declaration on Green Digital Action: revisions,
withdrawal, audit, counts per region, and commitments whose progress follows the entity's
accepted values (hand-computed), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from ictfootprint.collection.service import submit
from ictfootprint.errors import ConflictError, InputError
from ictfootprint.model import Entity, EntityKind, Target
from ictfootprint.portal import endorsements as register
from ictfootprint.portal.commitment_progress import commitment_progress, objective_progress
from ictfootprint.reference.objectives import declaration, objective, objectives
from ictfootprint.store import Store

HEADER = "indicator,year,value,unit,method,source,comment\n"


@pytest.fixture
def store(db_url: str) -> Store:
    store = Store.open(db_url, actor="editor-1")
    store.add_entity(Entity(id="op-1", name="Operator One", kind=EntityKind.COMPANY, country="FRA"))
    return store


def _accept(store: Store, rows: str, name: str) -> None:
    """Values as the system takes them in: a submission, validated, then accepted."""
    result = submit(store, (HEADER + rows).encode(), name, "op-1")
    assert result.status == "validated", result.report
    store.accept_submission(result.submission_id, "checked")


def _endorse(store: Store, endorsement_id: str = "op-1-gda", **changes: object) -> object:
    fields: dict[str, object] = {
        "kind": "company",
        "name": "Operator One",
        "country": "FRA",
        "endorsed_on": date(2024, 11, 16),
        "channel": "e-mail",
        "objectives": ["gda-3", "gda-1"],
        "entity_id": "op-1",
    }
    fields.update(changes)
    return register.add_endorsement(store, endorsement_id=endorsement_id, **fields)


def test_objectives_are_eight_ids_with_their_source_and_no_invented_text() -> None:
    found = objectives()
    assert list(found) == [f"gda-{n}" for n in range(1, 9)]
    assert declaration()["date"] == "2024-11-16" and "Baku" in declaration()["event"]
    assert [o.id for o in found.values() if o.established] == ["gda-1", "gda-2", "gda-3"]
    assert all(not o.summary for o in found.values() if not o.established)
    with pytest.raises(InputError) as caught:
        objective("gda-9")
    assert caught.value.location.field == "objective"


def test_established_objectives_are_named_in_the_six_languages() -> None:
    """The zh and ar pages showed the objectives in English: each established objective has
    its title and summary in every UN language."""
    for item in objectives().values():
        if not item.established:
            continue
        for lang in ("fr", "es", "ru", "ar", "zh"):
            assert item.title_in(lang) and item.title_in(lang) != item.title, (item.id, lang)
            assert item.summary_in(lang) and item.summary_in(lang) != item.summary, (item.id, lang)
        assert item.title_in("en") == item.title


def test_revisions_are_kept_and_withdrawal_is_a_state_not_a_delete(store: Store) -> None:
    record = _endorse(store)
    assert record.current.objectives == ("gda-1", "gda-3")  # in the declaration's order
    assert record.current.channel == "email"
    revised = register.revise_endorsement(
        store, "op-1-gda", reason="letter adds objective 2", objectives=["gda-1", "gda-2", "gda-3"]
    )
    withdrawn = register.withdraw_endorsement(store, "op-1-gda", reason="letter of 2025-03-01")
    assert [r.revision for r in withdrawn.revisions] == [1, 2, 3]
    assert [r.state for r in withdrawn.revisions] == ["endorsed", "endorsed", "withdrawn"]
    assert revised.current.objectives == ("gda-1", "gda-2", "gda-3")
    assert register.list_endorsements(store) == []
    assert [r.id for r in register.list_endorsements(store, state=None)] == ["op-1-gda"]
    with pytest.raises(ConflictError):
        register.withdraw_endorsement(store, "op-1-gda", reason="again")
    _total, rows = _audit(store)
    assert [r["action"] for r in rows] == ["add", "revise", "withdraw"]
    assert {r["actor"] for r in rows} == {"editor-1"}
    with store.engine.begin() as connection, pytest.raises(DBAPIError):
        connection.execute(text("DELETE FROM endorsement_revisions"))


def _audit(store: Store) -> tuple[int, list[dict[str, object]]]:
    from ictfootprint.store import audit

    with store.engine.connect() as connection:
        total, rows = audit.page(connection, limit=50, object_type="endorsement")
    return total, list(reversed(rows))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "person"}, "kind"),
        ({"country": "XXX"}, "country"),
        ({"objectives": ["gda-1", "gda-12"]}, "objective"),
        ({"objectives": []}, "objectives"),
        ({"channel": "pigeon"}, "channel"),
        ({"endorsed_on": date(2023, 12, 31)}, "endorsed_on"),
        ({"endorsed_on": date(2999, 1, 1)}, "endorsed_on"),
        ({"name": "  "}, "name"),
        ({"name": "a\x00b"}, "name"),
        ({"entity_id": "nobody"}, "entity"),
    ],
)
def test_bad_endorsement_is_refused_and_nothing_is_stored(
    store: Store, changes: dict[str, object], field: str
) -> None:
    with pytest.raises(InputError) as caught:
        _endorse(store, **changes)
    assert caught.value.location.field == field
    assert register.list_endorsements(store, state=None) == []


def test_counts_per_itu_and_m49_region_and_filters(store: Store) -> None:
    _endorse(store)
    _endorse(
        store,
        "gov-ken",
        kind="government",
        name="Kenya",
        country="KEN",
        entity_id=None,
        channel="note verbale",
        objectives=["gda-2"],
    )
    _endorse(
        store,
        "gov-jpn",
        kind="government",
        name="Japan",
        country="JPN",
        entity_id=None,
        channel="letter",
        objectives=["gda-1"],
    )
    records = register.list_endorsements(store)
    found = register.counts(records)
    assert found["kind"] == {"company": 1, "government": 2}
    assert found["objective"] == {"gda-1": 2, "gda-2": 1, "gda-3": 1}
    assert sum(found["itu"].values()) == sum(found["m49"].values()) == 3
    assert found["m49"]["002"] == 1  # Africa: Kenya
    kenya_itu = [c for c, n in found["itu"].items() if n == 1]
    assert [r.id for r in register.list_endorsements(store, region="002")] == ["gov-ken"]
    assert [r.id for r in register.list_endorsements(store, kind="government")] == [
        "gov-jpn",
        "gov-ken",
    ]
    assert [r.id for r in register.list_endorsements(store, objective_id="gda-3")] == ["op-1-gda"]
    assert kenya_itu


def test_commitment_progress_by_hand_follows_a_newly_accepted_value(store: Store) -> None:
    _accept(
        store,
        "ghg_s1s2_market,2020,1000,t CO2e,reported,Report 2020,\n"
        "ghg_s1s2_market,2024,800,t CO2e,reported,Report 2024,\n",
        "y2024.csv",
    )
    target_id = store.add_target(
        Target(
            entity_id="op-1",
            scope="1+2-market",
            base_year=2020,
            base_value=1000.0,
            unit="tCO2e",
            target_year=2030,
            reduction_percent=42.0,
            source="CSR report",
        )
    )
    _endorse(store)
    item = register.add_commitment(
        store,
        "op-1-gda",
        objective_id="gda-3",
        description="Cut Scope 1+2 by 42 % by 2030",
        indicator_id="ghg_s1s2_market",
        target_id=target_id,
    )
    assert item.id == "op-1-gda-c1"
    found = commitment_progress(store, item)
    # goal 1,000 − 420 = 580; path at 2024: 1,000 − 420 × 0.4 = 832; achieved 20 %,
    # 20 / 42 = 47.62 % of the way; 800 ≤ 832: on track
    assert (found.baseline, found.latest_year, found.latest) == (1000.0, 2024, 800.0)
    assert (found.goal, found.path) == (580.0, pytest.approx(832.0))
    assert found.achieved_percent == pytest.approx(20.0)
    assert found.way_percent == pytest.approx(47.619, abs=1e-3)
    assert found.status == "on-track"
    # a new value accepted for 2025 (900 t): path 1,000 − 420 × 0.5 = 790; achieved 10 %
    _accept(store, "ghg_s1s2_market,2025,900,t CO2e,reported,Report 2025,\n", "y2025.csv")
    after = commitment_progress(store, item)
    assert (after.latest_year, after.latest, after.path) == (2025, 900.0, pytest.approx(790.0))
    assert after.way_percent == pytest.approx(23.810, abs=1e-3)
    assert after.status == "off-track"
    summary = objective_progress([after])
    assert summary["gda-3"]["off-track"] == 1 and summary["gda-3"]["commitments"] == 1


def test_commitment_must_name_an_endorsed_objective_and_the_entitys_target(store: Store) -> None:
    _endorse(store)
    with pytest.raises(InputError) as caught:
        register.add_commitment(store, "op-1-gda", objective_id="gda-2", description="x")
    assert caught.value.location.field == "objective"
    with pytest.raises(InputError) as caught:
        register.add_commitment(
            store, "op-1-gda", objective_id="gda-1", description="x", target_id=999
        )
    assert caught.value.location.field == "target"
    with pytest.raises(InputError) as caught:
        register.add_commitment(
            store,
            "op-1-gda",
            objective_id="gda-1",
            description="x",
            indicator_id="no_such_indicator",
        )
    assert caught.value.location.field == "indicator"
    item = register.add_commitment(store, "op-1-gda", objective_id="gda-1", description="x")
    assert commitment_progress(store, item).status == "no-data"
    gone = register.withdraw_commitment(store, "op-1-gda", 1, reason="replaced")
    assert (gone.revision, gone.state) == (2, "withdrawn")
    assert register.commitments(store) == []


def test_endorsements_are_found_by_search_until_withdrawn(store: Store) -> None:
    from ictfootprint.portal.search import search

    _endorse(
        store,
        "gov-ken",
        kind="government",
        name="Kenya",
        country="KEN",
        entity_id=None,
        channel="letter",
        objectives=["gda-1", "gda-2"],
    )
    with store.engine.connect() as connection:
        found = search(connection, "Kenya", kinds=["endorsement"], lang="en")
        by_objective = search(connection, "Kenya", objective="gda-2", lang="zh")
        in_arabic = search(connection, "كينيا", lang="ar")
    assert {h.ref for h in found.hits} == {"gov-ken/gda-1", "gov-ken/gda-2"}
    assert [(h.ref, h.url) for h in by_objective.hits] == [
        ("gov-ken/gda-2", "/zh/endorsements/gov-ken")
    ]
    assert [h.url for h in in_arabic.hits][:1] == ["/ar/endorsements/gov-ken"]
    register.withdraw_endorsement(store, "gov-ken", reason="withdrawn by letter")
    with store.engine.connect() as connection:
        assert search(connection, "Kenya", kinds=["endorsement"]).total == 0


def test_a_quantity_reported_by_country_only_is_summed_for_the_entity(store: Store) -> None:
    from ictfootprint.portal.commitment_progress import indicator_series

    result = submit(
        store,
        (
            b"indicator,year,value,unit,country,method,source\n"
            b"ghg_s1s2_market,2020,600,t CO2e,FRA,reported,R\n"
            b"ghg_s1s2_market,2020,400,t CO2e,KEN,reported,R\n"
            b"ghg_s1s2_market,2024,500,t CO2e,FRA,reported,R\n"
            b"ghg_s1s2_market,2024,900,t CO2e,,reported,R\n"
        ),
        "by-country.csv",
        "op-1",
    )
    assert result.status == "validated", result.report
    store.accept_submission(result.submission_id, "checked")
    # 2020: FRA + KEN; 2024: the entity's own total wins over its one country
    assert indicator_series(store, "op-1", "ghg_s1s2_market") == {2020: 1000.0, 2024: 900.0}
