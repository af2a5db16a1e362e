"""Users' e-mail addresses and languages, passwords and sign-in limits, on SQLite and
PostgreSQL (issue 16, accounts in the browser)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update

from ictfootprint.accounts import passwords, service
from ictfootprint.api.security import Principal, can_invite
from ictfootprint.errors import InputError
from ictfootprint.mail import links
from ictfootprint.model import Entity, EntityKind, Role
from ictfootprint.store import Store
from ictfootprint.store.schema import mail_links, mail_outbox, metadata, users


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


# invitations, passwords, sign-in ------------------------------------------------------------
BASE = "https://footprint.example.org"
GOOD = "correct horse battery staple"


def _link(store: Store, name: str) -> str:
    """The personal link of the newest message to ``name`` (as its reader would copy it)."""
    with store.engine.connect() as connection:
        body = connection.execute(
            select(mail_outbox.c.body)
            .where(mail_outbox.c.subject_ref == f"user:{name}")
            .order_by(mail_outbox.c.id.desc())
        ).first()
    assert body is not None
    found = re.search(r"/p/(ifl_[A-Za-z0-9_-]{43})", body[0])
    assert found is not None
    return found.group(1)


def _invited(store: Store, name: str = "amal", language: str = "ar") -> str:
    service.invite(
        store,
        name=name,
        role=Role.MEMBER,
        email=f"{name}@example.org",
        language=language,
        inviter="ARCEP",
        base_url=BASE,
    )
    return _link(store, name)


def test_an_invitation_is_mailed_in_the_users_language_and_sets_a_password_once(
    db_url: str,
) -> None:
    store = _store(db_url)
    token = _invited(store)
    with store.engine.connect() as connection:
        message = connection.execute(select(mail_outbox)).one()
    assert (message.recipient, message.lang, message.purpose) == (
        "amal@example.org",
        "ar",
        "account-invitation",
    )
    assert "ARCEP" in message.subject and "invites" not in message.subject  # Arabic, not English
    assert f"{BASE}/ar/p/{token}" in message.body
    assert service.link_user(store, token)[0] == service.INVITATION
    issued = service.choose_password(store, token, GOOD)
    assert store.authenticate(issued.token) is not None
    assert store.tokens("amal")[0].label == passwords.SESSION_LABEL
    with store.engine.connect() as connection:
        stored = connection.execute(select(users.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and GOOD not in _everything(store)
    with pytest.raises(links.LinkRefused) as used:
        service.choose_password(store, token, GOOD + "!")
    assert used.value.reason == "used"
    assert service.sign_in(store, "AMAL@example.org", GOOD, client="10.0.0.1") is not None
    actions = [row["action"] for row in store.audit_trail()]
    assert {"invite", "set-password", "sign-in"} <= set(actions)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("", "too short"),
        ("short", "too short"),
        ("x" * 1001, "too long"),
        ("p" * 1_000_000, "too long"),
        ("amal", "too short"),
        ("AMAL@example.org", "user name or e-mail"),
        ("amalamalamal", None),
        ("nul\x00character here", "NUL"),
    ],
)
def test_a_password_outside_the_policy_leaves_the_link_unused(
    db_url: str, password: str, message: str | None
) -> None:
    store = _store(db_url)
    if password == "amalamalamal":  # the user name is the password
        service.invite(
            store,
            name="amalamalamal",
            role="member",
            email="a@example.org",
            inviter="x",
            base_url=BASE,
        )
        token, message = _link(store, "amalamalamal"), "user name or e-mail"
    else:
        token = _invited(store)
    with pytest.raises(InputError, match=message) as refused:
        service.choose_password(store, token, password)
    assert refused.value.location.field == "password"
    assert service.link_user(store, token)[0] == service.INVITATION  # still usable
    assert service.choose_password(store, token, "كلمة سر طويلة 密码很长的 ✓") is not None


def test_expired_foreign_and_forged_links_choose_no_password(db_url: str) -> None:
    store = _store(db_url)
    token = _invited(store)
    with store.transaction() as connection:
        upload = links.issue(
            connection,
            purpose=links.UPLOAD_PURPOSE,
            subject_ref="round:1:op-1",
            entity_id="op-1",
            expires_at=datetime.now(UTC) + timedelta(days=1),
        )
        connection.execute(update(mail_links).values(expires_at=datetime(2020, 1, 1, tzinfo=UTC)))
    for link, reason in ((token, "expired"), (upload, "purpose"), ("ifl_" + "A" * 43, "unknown")):
        with pytest.raises(links.LinkRefused) as refused:
            service.choose_password(store, link, GOOD)
        assert refused.value.reason == reason
    with store.engine.connect() as connection:
        assert connection.execute(select(users.c.password_hash)).scalars().all() == [None]


def test_sign_in_is_limited_per_account_across_stores_and_audited(db_url: str) -> None:
    store = _store(db_url)
    service.choose_password(store, _invited(store), GOOD)
    for _ in range(passwords.ACCOUNT_FAILURES):
        assert service.sign_in(store, "amal", "wrong password!", client="10.0.0.1") is None
    other = Store.open(db_url, actor="another-process")  # the limit is in the database
    with pytest.raises(passwords.SignInLimited):
        service.sign_in(other, "amal", GOOD, client="10.0.0.2")  # even the right password
    actions = [row["action"] for row in store.audit_trail()]
    assert actions.count("sign-in-failed") == 5 and actions[0] == "sign-in-refused"
    assert GOOD not in _everything(store) and "wrong password!" not in _everything(store)
    later = datetime.now(UTC) + passwords.WINDOW + timedelta(minutes=1)
    with store.transaction() as connection:
        result = passwords.sign_in(connection, "amal", GOOD, client="10.0.0.2", at=later)
    assert result.user is not None and result.user.name == "amal"


def test_sign_in_is_limited_per_client_address_and_for_unknown_accounts(db_url: str) -> None:
    store = _store(db_url)
    service.choose_password(store, _invited(store), GOOD)
    for number in range(passwords.CLIENT_FAILURES):
        assert service.sign_in(store, f"nobody-{number}", GOOD, client="10.9.9.9") is None
    with pytest.raises(passwords.SignInLimited):
        service.sign_in(store, "amal", GOOD, client="10.9.9.9")
    assert service.sign_in(store, "amal", GOOD, client="10.0.0.1") is not None


def test_a_hash_with_old_parameters_is_replaced_at_sign_in(db_url: str) -> None:
    store = _store(db_url)
    service.choose_password(store, _invited(store), GOOD)
    weak = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(GOOD)
    with store.transaction() as connection:
        connection.execute(update(users).values(password_hash=weak))
        assert passwords.sign_in(connection, "amal", GOOD, client="x").rehashed
        stored = connection.execute(select(users.c.password_hash)).scalar_one()
    assert stored != weak and not passwords.hasher().check_needs_rehash(stored)


def test_a_reset_never_tells_whether_an_account_exists_and_is_bounded(db_url: str) -> None:
    store = _store(db_url)
    service.choose_password(store, _invited(store), GOOD)
    assert service.request_reset(store, "nobody@example.org", base_url=BASE) is False
    assert service.request_reset(store, "Amal@Example.org", base_url=BASE) is True
    token = _link(store, "amal")
    assert service.link_user(store, token)[0] == service.RESET
    service.choose_password(store, token, "a brand new passphrase")
    assert service.sign_in(store, "amal", GOOD, client="x") is None
    assert service.sign_in(store, "amal", "a brand new passphrase", client="x") is not None
    sent = [service.request_reset(store, "amal", base_url=BASE) for _ in range(3)]
    assert sent == [True, True, False]  # three a day at most, the first one included


def test_sign_out_revokes_a_session_token_but_not_an_api_token(db_url: str) -> None:
    store = _store(db_url)
    session = service.choose_password(store, _invited(store), GOOD)
    api = store.create_token("amal", label="my script")
    service.sign_out(store, api.token)
    service.sign_out(store, session.token)
    assert store.authenticate(api.token) is not None
    assert store.authenticate(session.token) is None


def test_a_focal_point_invites_only_within_its_remit(db_url: str) -> None:
    store = _store(db_url)
    store.add_entity(Entity(id="de-1", name="DE One", kind=EntityKind.COMPANY, country="DEU"))
    focal = Principal("fp", "reviewer", countries=frozenset({"FRA"}), custodians=frozenset({"c"}))
    plain = Principal("rv", "reviewer", countries=frozenset({"FRA"}))
    fra, deu = store.entities(["op-1"]), store.entities(["de-1"])
    assert can_invite(focal, Role.SUBMITTER, fra, ())
    assert can_invite(focal, Role.REVIEWER, (), ("FRA",))
    assert not can_invite(focal, Role.SUBMITTER, deu, ())
    assert not can_invite(focal, Role.REVIEWER, (), ("DEU",))
    assert not can_invite(focal, Role.ADMIN, (), ())
    assert not can_invite(plain, Role.SUBMITTER, fra, ())
    assert can_invite(Principal("root", "admin"), Role.ADMIN, (), ())


def _everything(store: Store) -> str:
    with store.engine.connect() as connection:
        return "\n".join(
            repr(tuple(row))
            for table in metadata.sorted_tables
            for row in connection.execute(select(table))
        )
