"""A collection round from the regulator's desk (issue 16): custodian, round, invitations,
submissions, an extension, reminders, overdue, the round report with its feasibility matrix;
on SQLite and PostgreSQL, with a real local SMTP server."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from ictfootprint.errors import ConflictError, InputError, NotFoundError
from ictfootprint.mail import outbox
from ictfootprint.rounds import notices, service
from ictfootprint.rounds.report import round_report
from ictfootprint.store import Store
from ictfootprint.store.schema import ROUNDS_APPEND_ONLY
from rounds_world import (
    OPERATORS,
    YEAR,
    arcep,
    contacts,
    day,
    operators,
    smtp_server,
    submit_answers,
)

BASE = "https://footprint.example.org"


@pytest.fixture
def store(db_url: str) -> Store:
    store = Store.open(db_url, actor="arcep-desk")
    operators(store)
    arcep(store)
    return store


def _round(store: Store) -> int:
    return service.create_round(
        store,
        custodian_id="arcep",
        name="Enquête annuelle 2026",
        year=YEAR,
        entity_ids=OPERATORS,
        opens_on=day(0),
        deadline=day(30),
        lang="fr",
        contacts=contacts(),
    ).id


def test_a_full_round_two_accepted_one_extended_one_overdue(store: Store) -> None:
    round_id = _round(store)
    with smtp_server() as (inbox, smtp_url):
        sent = notices.invite(store, round_id, base_url=BASE, at=day(0))
        assert [s.queued for s in sent] == [True] * 4
        assert [s.queued for s in notices.invite(store, round_id, base_url=BASE)] == [False] * 4
        submit_answers(store)
        service.extend(store, round_id, "op-c", day(45), "asked on the phone: new billing system")
        reminded = notices.remind(store, round_id, base_url=BASE, at=day(25))
        # C's deadline is now day 45: its 7-day reminder is not due yet; A and B are settled
        assert [(s.notice.entity_id, s.notice.key, s.queued) for s in reminded] == [
            ("op-d", f"round:{round_id}:op-d:remind:{day(30).isoformat()}:7", True)
        ]
        near = notices.remind(store, round_id, base_url=BASE, at=day(29))
        assert [(s.notice.key, s.queued) for s in near] == [
            (f"round:{round_id}:op-d:remind:{day(30).isoformat()}:1", True)
        ]
        late = notices.remind(store, round_id, base_url=BASE, at=day(33))
        assert [(s.notice.entity_id, s.notice.kind, s.queued) for s in late] == [
            ("op-d", "round-overdue", True)
        ]
        again = notices.remind(store, round_id, base_url=BASE, at=day(33))
        assert [s.queued for s in again] == [False]
        delivered = outbox.deliver(store, smtp_url)
        assert len(delivered.sent) == len(inbox.received)
    subjects_d = inbox.to("climate@op-d.example")
    assert len(subjects_d) == 4  # invitation, reminders 7 and 1 days before, overdue: once each
    assert any("ARCEP" in s for s in subjects_d)
    invitation = next(m for m in inbox.received if "op-d" in str(m["To"]))
    body = invitation.get_content()
    assert f"{BASE}/fr/r/ifl_" in body and "Operator D (test)" in body  # French, personal link
    assert len(inbox.to("climate@op-a.example")) == 1  # invited only: settled before reminders

    report = round_report(store, round_id, day(33))
    assert report.counts == {"accepted": 2, "overdue": 1, "extended": 1}
    by_entity = {s.entity_id: s for s in report.statuses}
    assert [t.status for t in by_entity["op-a"].timeline][:1] == ["invited"]
    assert [t.status for t in by_entity["op-a"].timeline if t.status != "reminded"] == [
        "invited",
        "submitted",
        "rejected",
        "submitted",
        "validated",
        "accepted",
    ]
    assert by_entity["op-c"].deadline == day(45)
    assert by_entity["op-d"].timeline[-1].status == "overdue"
    matrix = report.feasibility.as_dict()["matrix"]
    first = matrix[0]
    assert first["never_reported_required"] is True
    electricity = next(r for r in matrix if r["indicator"] == "energy_electricity")
    # A and B reported it; C and D did not: 2 of 4 operators
    assert electricity["by_respondent"]["telecom-operator"]["share"] == 0.5
    assert not electricity["never_reported_required"]
    gaps = {g["entity"]: g for g in report.feasibility.as_dict()["respondents"]}
    assert "energy_electricity" not in gaps["op-a"]["missing_required"]
    assert "ghg_scope1" in gaps["op-a"]["missing_required"]
    assert "energy_electricity" in gaps["op-d"]["missing_required"]
    dumped = str(report.as_dict())
    assert "@" not in dumped  # no e-mail address in a report that is sent on


def test_closing_keeps_everything_and_freezes_the_statuses(store: Store) -> None:
    round_id = _round(store)
    service.exempt(store, round_id, "op-d", "ceased trading in 2025")
    service.close(store, round_id)
    _, found = service.statuses(store, round_id, day(90))
    assert {s.entity_id: s.status for s in found} == {
        "op-a": "not-invited",
        "op-b": "not-invited",
        "op-c": "not-invited",
        "op-d": "exempted",
    }
    with pytest.raises(ConflictError, match="closed"):
        service.extend(store, round_id, "op-c", day(60))
    with pytest.raises(ConflictError, match="closed"):
        notices.invite(store, round_id, base_url=BASE)


def test_a_respondent_sees_its_own_status_only(store: Store) -> None:
    round_id = _round(store)
    _, found = service.statuses(store, round_id, day(1), entity_ids=["op-b"])
    assert [s.entity_id for s in found] == ["op-b"]


def test_obliged_by_rule_data_centres_of_500_kw_or_more_in_fra(store: Store) -> None:
    from ictfootprint.model import Entity, EntityKind, Method, Observation

    for entity_id, country, capacity in (
        ("dc-big", "FRA", 0.8),
        ("dc-small", "FRA", 0.3),
        ("dc-abroad", "DEU", 2.0),
    ):
        store.add_entity(
            Entity(
                id=entity_id,
                name=entity_id,
                kind=EntityKind.COMPANY,
                country=country,
                subsectors=("data_centre",),
            )
        )
        store.record_observations(
            [
                Observation(
                    entity_id=entity_id,
                    indicator_id="dc_it_capacity",
                    year=YEAR - 1,
                    value=capacity,
                    unit="MW",
                    method=Method.REPORTED,
                    source="register",
                )
            ]
        )
    rule = "subsector = data_centre and dc_it_capacity >= 500 kW and country = FRA"
    record = service.create_round(
        store,
        custodian_id="arcep",
        name="EU data-centre scheme",
        year=YEAR,
        rule=rule,
        opens_on=day(0),
        deadline=day(60),
    )
    assert [(o.entity_id, o.via, o.respondent) for o in record.obligations] == [
        ("dc-big", "rule", "data-centre-operator")
    ]
    assert record.rule == rule
    assert "dc-big" in service.custodian(store, "arcep").remit


def test_a_focal_point_user_reviews_the_custodians_remit(store: Store) -> None:
    _round(store)
    user = store.user("arcep-reviewer")
    assert user.custodians == ("arcep",)
    assert set(OPERATORS) <= set(user.remit)  # based in FRA though the user's country is BEL


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"custodian_id": "nobody"}, "unknown custodian"),
        ({"entity_ids": ("op-a", "op-z")}, "unknown entity"),
        ({"deadline": day(-1)}, "deadline is not after the opening date"),
        ({"entity_ids": (), "rule": None}, "needs its obliged entities"),
        ({"rule": "capacity is big"}, "unreadable condition in rule"),
        ({"rule": "dc_it_capacity >= 500 kWh"}, "rule"),
        ({"template": "pdf"}, "unknown template format"),
        ({"lang": "de"}, "unknown language"),
        ({"contacts": {"op-a": "not-an-address"}}, "invalid e-mail address"),
        ({"year": 1200}, "reporting year out of range"),
    ],
)
def test_a_bad_round_is_refused_whole(
    store: Store, change: dict[str, object], message: str
) -> None:
    fields: dict[str, object] = {
        "custodian_id": "arcep",
        "name": "x",
        "year": YEAR,
        "entity_ids": OPERATORS,
        "opens_on": day(0),
        "deadline": day(30),
    }
    fields.update(change)
    with pytest.raises((InputError, NotFoundError), match=message):
        service.create_round(store, **fields)  # type: ignore[arg-type]
    assert service.list_rounds(store) == []
    assert "op-a" not in service.custodian(store, "arcep").remit


def test_exemption_without_reason_and_extension_before_the_deadline_are_refused(
    store: Store,
) -> None:
    round_id = _round(store)
    with pytest.raises(InputError, match="needs a reason"):
        service.exempt(store, round_id, "op-a", "  ")
    with pytest.raises(InputError, match="after the deadline"):
        service.extend(store, round_id, "op-a", day(20))
    with pytest.raises(InputError, match="does not oblige"):
        service.exempt(store, round_id, "nobody", "because")
    with pytest.raises(NotFoundError, match="no round 999"):
        service.exempt(store, 999, "op-a", "because")
    assert service.get_round(store, round_id).events == ()


def test_round_records_are_append_only(store: Store) -> None:
    round_id = _round(store)
    service.exempt(store, round_id, "op-d", "out of scope")
    for table in ROUNDS_APPEND_ONLY:
        with pytest.raises(DBAPIError, match="append-only"), store.transaction() as connection:
            connection.execute(text(f"DELETE FROM {table}"))


def test_custodian_register_keeps_addresses_private(store: Store) -> None:
    held = service.custodian(store, "arcep")
    assert held.summary()["focal_points"][0]["email"] == "focal@arcep.example"
    assert "email" not in held.summary(private=False)["focal_points"][0]
    assert held.since == date(2021, 12, 23)
    with pytest.raises(InputError, match="custodian already exists"):
        arcep(store)


def test_far_dates_are_refused_not_overflowed(store: Store) -> None:
    """Regression: a deadline in year 9999 made the invitation link's expiry overflow."""
    with pytest.raises(InputError, match="date out of range"):
        service.create_round(
            store,
            custodian_id="arcep",
            name="x",
            year=YEAR,
            entity_ids=OPERATORS,
            opens_on=day(0),
            deadline=date(9999, 12, 31),
        )
    round_id = _round(store)
    with pytest.raises(InputError, match="date out of range"):
        service.statuses(store, round_id, date(9999, 12, 31))
    with pytest.raises(InputError, match="out of range"):
        notices.remind(store, round_id, base_url=BASE, at=day(1), days_before=[10**9])
