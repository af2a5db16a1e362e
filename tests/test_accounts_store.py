"""Users' e-mail addresses and languages, passwords and sign-in limits, on SQLite and
PostgreSQL (issue 16, accounts in the browser)."""

from __future__ import annotations

import pytest

from ictfootprint.errors import InputError
from ictfootprint.model import Entity, EntityKind, Role
from ictfootprint.store import Store


def _store(db_url: str) -> Store:
    store = Store.open(db_url, actor="admin-alice")
    store.add_entity(Entity(id="op-1", name="Operator One", kind=EntityKind.COMPANY, country="FRA"))
    return store


def test_users_keep_an_email_lowercased_and_a_language(db_url: str) -> None:
    store = _store(db_url)
    user = store.add_user("amal", Role.MEMBER, email=" Amal@Example.ORG ", language="ar")
    assert (user.email, user.language) == ("amal@example.org", "ar")
    assert store.user("amal").email == "amal@example.org"
    assert store.add_user("bo", Role.MEMBER).language == "en"
    assert store.add_user("cy", Role.MEMBER).email is None  # several users without an address
    changed = store.set_user("amal", language="zh")
    assert (changed.email, changed.language) == ("amal@example.org", "zh")
    assert store.set_user("amal", email="").email is None
    assert store.set_user("bo", email="BO@example.org").email == "bo@example.org"


@pytest.mark.parametrize(
    ("email", "language", "field", "message"),
    [
        ("not-an-address", "en", "email", "invalid e-mail address"),
        ("a b@example.org", "en", "email", "invalid e-mail address"),
        ("a@example.org\nBcc: x@y.z", "en", "email", "invalid e-mail address"),
        ("x" * 250 + "@example.org", "en", "email", "invalid e-mail address"),
        ("taken@EXAMPLE.org", "en", "email", "already in use"),
        ("ok@example.org", "de", "language", "unknown language"),
    ],
)
def test_bad_emails_and_languages_are_refused(
    db_url: str, email: str, language: str, field: str, message: str
) -> None:
    store = _store(db_url)
    store.add_user("first", Role.MEMBER, email="taken@example.org")
    with pytest.raises(InputError, match=message) as caught:
        store.add_user("second", Role.MEMBER, email=email, language=language)
    assert caught.value.location.field == field
    assert [u.name for u in store.users()] == ["first"]
