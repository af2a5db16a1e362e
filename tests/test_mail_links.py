"""Personal links on both databases: one purpose, one use, until their expiry; the session a
redeemed upload link opens acts for that entity only."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ictfootprint.errors import InputError
from ictfootprint.mail import links
from ictfootprint.model import Entity, Role
from ictfootprint.store import Store
from ictfootprint.store.schema import mail_links

AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SUBJECT = "round:7:fr-op-a"


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    opened = Store.open(db_url, actor="link-test")
    opened.add_entity(Entity(id="fr-op-a", name="Opérateur A", kind="company", country="FRA"))
    opened.add_entity(Entity(id="fr-op-b", name="Opérateur B", kind="company", country="FRA"))
    yield opened
    opened.close()


def issue(store: Store, expires_at: datetime | None = None, entity_id: str = "fr-op-a") -> str:
    with store.transaction() as connection:
        return links.issue(
            connection,
            purpose=links.UPLOAD_PURPOSE,
            subject_ref=f"round:7:{entity_id}",
            entity_id=entity_id,
            expires_at=expires_at or datetime.now(UTC) + timedelta(days=30),
        )


def redeem(store: Store, token: str, at: datetime, purpose: str = links.UPLOAD_PURPOSE) -> Any:
    with store.transaction() as connection:
        return links.redeem(connection, token, purpose=purpose, at=at)


def refusal(store: Store, token: str, at: datetime, purpose: str = links.UPLOAD_PURPOSE) -> str:
    with pytest.raises(links.LinkRefused) as refused:
        redeem(store, token, at, purpose)
    assert isinstance(refused.value, InputError) and refused.value.location.field == "link"
    return refused.value.reason


def test_a_link_grants_its_purpose_for_its_entity_once(store: Store) -> None:
    token = issue(store)
    assert token.startswith("ifl_") and len(token) == 47
    grant = redeem(store, token, datetime.now(UTC))
    assert (grant.purpose, grant.subject_ref, grant.entity_id) == (
        links.UPLOAD_PURPOSE,
        SUBJECT,
        "fr-op-a",
    )
    assert refusal(store, token, datetime.now(UTC)) == "used"


def test_only_the_hash_of_a_link_is_stored(store: Store) -> None:
    token = issue(store)
    with store.engine.connect() as connection:
        stored = [tuple(row) for row in connection.execute(mail_links.select())]
    assert stored and all(token not in str(value) for row in stored for value in row)


def test_an_expired_link_is_refused(store: Store) -> None:
    now = datetime.now(UTC)
    token = issue(store, now + timedelta(hours=1))
    assert refusal(store, token, now + timedelta(hours=1)) == "expired"
    assert redeem(store, token, now + timedelta(minutes=59)).entity_id == "fr-op-a"


def test_a_link_for_another_purpose_is_refused_and_not_used_up(store: Store) -> None:
    token = issue(store)
    assert refusal(store, token, datetime.now(UTC), purpose="password-reset") == "purpose"
    assert redeem(store, token, datetime.now(UTC)).entity_id == "fr-op-a"


@pytest.mark.parametrize(
    "forged",
    [
        "ifl_" + "A" * 43,
        "",
        "ifp_" + "A" * 43,
        "ifl_short",
        "ifl_" + "A" * 42 + "/",
    ],
)
def test_a_forged_or_mistyped_link_is_refused(store: Store, forged: str) -> None:
    issue(store)
    assert refusal(store, forged, datetime.now(UTC)) == "unknown"


def test_a_link_must_expire_in_the_future_and_name_a_known_entity(store: Store) -> None:
    with pytest.raises(InputError) as past:
        issue(store, datetime.now(UTC) - timedelta(seconds=1))
    assert past.value.location.field == "expires_at"
    with pytest.raises(Exception, match="no entity"):
        issue(store, entity_id="nobody")


def test_a_redeemed_upload_link_signs_in_a_submitter_of_that_entity_only(store: Store) -> None:
    grant = redeem(store, issue(store), datetime.now(UTC))
    with store.transaction() as connection:
        issued = links.sign_in_grant(connection, grant, actor="link:test")
    user = store.authenticate(issued.token)
    assert user is not None
    assert (user.role, user.entities) == (Role.SUBMITTER, ("fr-op-a",))
    assert user.name == links.link_user_name(SUBJECT)
    # short-lived: a day, not the API's default lifetime
    assert issued.expires_at - datetime.now(UTC) <= timedelta(days=1)
    # a second link of the same subject signs in as the same user, still with one entity
    again = redeem(store, issue(store), datetime.now(UTC))
    with store.transaction() as connection:
        second = links.sign_in_grant(connection, again, actor="link:test")
    assert second.user == issued.user
    assert store.user(issued.user).entities == ("fr-op-a",)


def test_looking_at_a_link_does_not_use_it_up(store: Store) -> None:
    token = issue(store)
    with store.transaction() as first, store.engine.connect() as peek:
        assert links.redeem(first, token, purpose=links.UPLOAD_PURPOSE, at=datetime.now(UTC))
        # before the first commits, a look elsewhere still sees the link unused
        assert links.check(peek, token, purpose=links.UPLOAD_PURPOSE, at=datetime.now(UTC))
    assert refusal(store, token, datetime.now(UTC)) == "used"
