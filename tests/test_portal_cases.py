"""Case studies: workflow, audit, versions kept, own edits only, rate limit, files, live figures."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from ictfootprint.errors import ConflictError, InputError
from ictfootprint.model import Entity, EntityKind, Method, Observation
from ictfootprint.portal import cases
from ictfootprint.portal.attachments import MAX_BYTES, sniff
from ictfootprint.portal.cases import CaseContent, Figure, NotYours, TooManyPosts
from ictfootprint.portal.search import search
from ictfootprint.store import Store

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 17


def _content(title: str = "Free cooling", lang: str = "en", **more: object) -> CaseContent:
    return CaseContent.checked({"lang": lang, "title": title, "body": "Outside air cools.", **more})


@pytest.fixture
def store(db_url: str) -> Store:
    return Store.open(db_url, actor="test")


def test_the_workflow_goes_draft_review_published_and_every_step_is_audited(store: Store) -> None:
    case_id = cases.create(store, "alice", _content())
    cases.submit(store, case_id, "alice")
    cases.return_to_author(store, case_id, "eve", "Give figures.")
    with store.engine.connect() as connection:
        assert cases.get(connection, case_id).comment == "Give figures."
    cases.revise(store, case_id, "alice", _content(body="Outside air cools: 30 % less."))
    cases.submit(store, case_id, "alice")
    cases.publish(store, case_id, "eve")
    with store.engine.connect() as connection:
        case = cases.get(connection, case_id)
    assert [e.status for e in case.events] == [
        "draft", "review", "returned", "draft", "review", "published"
    ]  # fmt: skip
    assert case.published["en"].revision == 2
    actions = [row["action"] for row in store.audit_page(limit=50, object_id=case_id)[1]]
    assert actions == [
        "case-published", "case-review", "case-revise", "case-returned", "case-review",
        "case-create",
    ]  # fmt: skip


def test_versions_are_kept_and_the_tables_refuse_overwrite(store: Store) -> None:
    case_id = cases.create(store, "alice", _content("One"))
    cases.revise(store, case_id, "alice", _content("Two"))
    with store.engine.connect() as connection:
        titles = connection.execute(text("SELECT title FROM case_versions ORDER BY id")).all()
    assert [t[0] for t in titles] == ["One", "Two"]
    with pytest.raises(DBAPIError, match="append-only"), store.transaction() as connection:
        connection.execute(text("UPDATE case_versions SET title = 'x'"))


def test_a_member_cannot_edit_another_members_case(store: Store) -> None:
    case_id = cases.create(store, "alice", _content())
    with pytest.raises(NotYours):
        cases.revise(store, case_id, "mallory", _content("Mine now"))
    with pytest.raises(NotYours):
        cases.submit(store, case_id, "mallory")
    with store.engine.connect() as connection:
        assert cases.get(connection, case_id).latest["en"].content.title == "Free cooling"


def test_only_a_case_in_review_is_published_or_returned(store: Store) -> None:
    case_id = cases.create(store, "alice", _content())
    with pytest.raises(ConflictError):
        cases.publish(store, case_id, "eve")
    cases.submit(store, case_id, "alice")
    with pytest.raises(ConflictError):
        cases.revise(store, case_id, "alice", _content())
    with pytest.raises(InputError, match="comment"):
        cases.return_to_author(store, case_id, "eve", " ")


def test_only_published_versions_are_public_and_searchable(store: Store) -> None:
    case_id = cases.create(store, "alice", _content("Refroidissement libre", lang="fr"))
    with store.engine.connect() as connection:
        assert search(connection, "refroidissement").total == 0
    cases.submit(store, case_id, "alice")
    cases.publish(store, case_id, "eve")
    cases.revise(store, case_id, "alice", _content("Brouillon secret", lang="fr"))
    with store.engine.connect() as connection:
        case = cases.get(connection, case_id)
        assert case.published["fr"].content.title == "Refroidissement libre"
        assert case.status == "draft" and case.is_public
        assert [h.ref for h in search(connection, "refroidissement").hits] == [case_id]
        assert search(connection, "secret").total == 0


def test_posting_is_rate_limited_per_member(store: Store) -> None:
    case_id = cases.create(store, "alice", _content())
    for _ in range(cases.POSTS_PER_HOUR - 1):
        cases.revise(store, case_id, "alice", _content())
    with pytest.raises(TooManyPosts):
        cases.revise(store, case_id, "alice", _content())
    cases.create(store, "bob", _content())  # another member is not held back


def test_bad_content_names_the_field() -> None:
    with pytest.raises(InputError) as caught:
        CaseContent.checked({"lang": "en", "title": "", "body": "x"})
    assert caught.value.location.field == "title"
    with pytest.raises(InputError) as caught:
        CaseContent.checked({"lang": "xx", "title": "t"})
    assert caught.value.location.field == "lang"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "chart.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "markup",
        ),
        ("page.html", b"<!doctype html><html><script>alert(1)</script>", "markup"),
        ("image.png", PNG + b"<script>alert(1)</script>", "markup"),
        ("report.pdf", b"%PDF-1.4\n<html><body onload=alert(1)>", "markup"),
        ("report.pdf", PNG, "extension"),
        ("notes.png", b"just text", "extension"),
        ("program.exe", b"MZ\x90\x00\x03\x00\x00\x00", "not allowed"),
        ("huge.txt", b"a" * (MAX_BYTES + 1), "too large"),
        ("empty.txt", b"", "empty"),
    ],
)
def test_hostile_attachments_are_refused(name: str, data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        sniff(name, data)
    assert caught.value.location.file == name


def test_allowed_attachments_are_typed_by_their_content() -> None:
    assert sniff("a.png", PNG) == "image/png"
    assert sniff("a.pdf", b"%PDF-1.7\n%binary\n") == "application/pdf"
    assert sniff("a.jpeg", b"\xff\xd8\xff\xe0JFIF\x00\xff\xd9") == "image/jpeg"
    assert sniff("données.csv", "année,kWh\n2023,1\n".encode()) == "text/csv"


def test_attachments_are_kept_as_sent(store: Store) -> None:
    case_id = cases.create(store, "alice", _content())
    attachment = cases.add_attachment(store, case_id, "alice", "a.png", PNG, "image/png")
    with store.engine.connect() as connection:
        info, data = cases.attachment_content(connection, case_id, attachment)
    assert (info.name, info.media_type, data) == ("a.png", "image/png", PNG)
    with pytest.raises(NotYours):
        cases.add_attachment(store, case_id, "mallory", "b.png", PNG, "image/png")


def test_linked_figures_show_the_stores_current_value(store: Store) -> None:
    store.add_entity(Entity(id="op-1", name="Operator One", kind=EntityKind.COMPANY, country="FRA"))

    def accept(value: float) -> None:
        store.record_observations(
            [
                Observation(
                    entity_id="op-1", indicator_id="energy_electricity", year=2023,
                    value=value, unit="MWh", method=Method.REPORTED, source="annual report",
                )
            ]
        )  # fmt: skip

    accept(1200.0)
    linked = [Figure(entity_id="op-1", indicator_id="energy_electricity", years=[2023, 2024])]
    (shown,) = cases.live_figures(store, linked)
    assert [(v["year"], v["value"]) for v in shown["values"]] == [(2023, 1200.0), (2024, None)]
    accept(900.0)
    (shown,) = cases.live_figures(store, linked)
    assert shown["values"][0]["value"] == 900.0
