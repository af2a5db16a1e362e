"""Accounts in the browser, without a browser: invitation link → password → session cookie;
password sign-in limited (429) and audited; sign-out revokes the session; the account page
lists, creates and revokes the user's own tokens; hostile forms refused."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from ictfootprint.accounts import passwords, service
from ictfootprint.api.app import create_app
from ictfootprint.api.settings import Settings
from ictfootprint.model import Entity, EntityKind, Role
from ictfootprint.store import Store
from ictfootprint.store.schema import mail_outbox

GOOD = "correct horse battery staple"


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    opened = Store.open(db_url, actor="web-test")
    opened.add_entity(
        Entity(id="op-1", name="Operator One", kind=EntityKind.COMPANY, country="FRA")
    )
    yield opened
    opened.close()


def client_of(store: Store) -> TestClient:
    app = create_app(Settings.default(db=store.url, rate_limit_per_minute=0), store)
    return TestClient(app, base_url="http://testserver")


def invite(store: Store, name: str = "amal", language: str = "en") -> str:
    service.invite(
        store,
        name=name,
        role=Role.MEMBER,
        email=f"{name}@example.org",
        language=language,
        inviter="ARCEP",
        base_url="http://testserver",
    )
    with store.engine.connect() as connection:
        body = connection.execute(
            select(mail_outbox.c.body).order_by(mail_outbox.c.id.desc())
        ).scalar()
    found = re.search(r"http://testserver(/\w\w/p/ifl_[A-Za-z0-9_-]{43})", body or "")
    assert found is not None
    return found.group(1)


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]{64})"', page)
    assert found is not None
    return found.group(1)


def test_invitation_password_sign_in_tokens_and_sign_out(store: Store) -> None:
    client = client_of(store)
    path = invite(store, language="fr")
    assert path.startswith("/fr/p/")
    shown = client.get(path)
    assert shown.status_code == 200 and shown.headers["referrer-policy"] == "strict-origin"
    assert "ifp_session" not in shown.headers.get("set-cookie", "")
    short = client.post(path, data={"password": "short", "again": "short"})
    assert short.status_code == 400 and 'id="password-error"' in short.text
    differ = client.post(path, data={"password": GOOD, "again": GOOD + "x"})
    assert differ.status_code == 400
    done = client.post(path, data={"password": GOOD, "again": GOOD}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/fr/account"
    assert "HttpOnly" in done.headers["set-cookie"]
    assert client.post(path, data={"password": GOOD, "again": GOOD}).status_code == 410
    page = client.get("/fr/account").text
    assert "amal" in page and "browser session" not in page  # said in French
    created = client.post(
        "/fr/account/tokens", data={"csrf": csrf_of(page), "label": "script", "days": "30"}
    )
    assert created.status_code == 201
    token = re.search(r"ifp_[A-Za-z0-9_-]{43}", created.text)
    assert token is not None and store.authenticate(token.group(0)) is not None
    assert token.group(0) not in client.get("/fr/account").text  # shown once only
    mine = next(t for t in store.tokens("amal") if t.label == "script")
    revoked = client.post(
        f"/fr/account/tokens/{mine.id}/revoke", data={"csrf": csrf_of(page)}, follow_redirects=False
    )
    assert revoked.status_code == 303 and store.authenticate(token.group(0)) is None
    session = client.cookies["ifp_session"]
    out = client.post("/fr/signout", data={"csrf": csrf_of(page)}, follow_redirects=False)
    assert out.status_code == 303 and store.authenticate(session) is None
    again = client.post(
        "/fr/signin/password",
        data={"account": "AMAL@example.org", "password": GOOD},
        follow_redirects=False,
    )
    assert again.status_code == 303 and again.headers["location"] == "/fr/account"


def test_another_users_token_cannot_be_revoked_and_forms_need_csrf(store: Store) -> None:
    store.add_user("other", Role.MEMBER)
    theirs = store.create_token("other", label="theirs")
    client = client_of(store)
    client.post(invite(store), data={"password": GOOD, "again": GOOD})
    page = client.get("/en/account").text
    foreign = client.post(f"/en/account/tokens/{theirs.id}/revoke", data={"csrf": csrf_of(page)})
    assert foreign.status_code == 404 and store.authenticate(theirs.token) is not None
    assert client.post("/en/account/tokens", data={"label": "x"}).status_code == 403
    assert (
        client.post(
            "/en/account/tokens",
            data={"csrf": csrf_of(page)},
            headers={"Origin": "https://evil.example"},
        ).status_code
        == 403
    )
    wrong = client.post(
        "/en/account/password",
        data={
            "csrf": csrf_of(page),
            "current": "not it at all",
            "password": GOOD + "2",
            "again": GOOD + "2",
        },
    )
    assert wrong.status_code == 400 and "current password is not right" in wrong.text


def test_password_sign_in_is_refused_from_another_site_and_limited(store: Store) -> None:
    client = client_of(store)
    client.post(invite(store), data={"password": GOOD, "again": GOOD})
    client.cookies.clear()
    foreign = client.post(
        "/en/signin/password",
        data={"account": "amal", "password": GOOD},
        headers={"Origin": "https://evil.example"},
    )
    assert foreign.status_code == 403 and "ifp_session" not in foreign.headers.get("set-cookie", "")
    for _ in range(passwords.ACCOUNT_FAILURES):
        wrong = client.post("/en/signin/password", data={"account": "amal", "password": "nope"})
        assert wrong.status_code == 401 and "not right" in wrong.text
    limited = client.post("/en/signin/password", data={"account": "amal", "password": GOOD})
    assert limited.status_code == 429 and "Too many failed sign-in attempts" in limited.text
    huge = client.post("/en/signin/password", data={"account": "x", "password": "p" * 4001})
    assert huge.status_code in (400, 422)  # refused by the form's limit, never a 500
    unicode = client.post("/en/signin/password", data={"account": "أمل", "password": "密码" * 10})
    assert unicode.status_code == 401


def test_a_reset_request_says_the_same_whether_the_account_exists(store: Store) -> None:
    client = client_of(store)
    client.post(invite(store), data={"password": GOOD, "again": GOOD})
    known = client.post("/en/reset", data={"account": "amal"})
    unknown = client.post("/en/reset", data={"account": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert known.text.replace("amal", "") == unknown.text.replace("nobody@example.org", "")


def test_an_upload_link_is_not_a_password_link(store: Store) -> None:
    from datetime import UTC, datetime, timedelta

    from ictfootprint.mail import links

    with store.transaction() as connection:
        token = links.issue(
            connection,
            purpose=links.UPLOAD_PURPOSE,
            subject_ref="round:1:op-1",
            entity_id="op-1",
            expires_at=datetime.now(UTC) + timedelta(days=1),
        )
    client = client_of(store)
    assert client.get(f"/en/p/{token}").status_code == 404
    path = invite(store)
    assert client.get(path.replace("/p/", "/r/")).status_code == 404  # nor the other way
    assert client.get("/en/p/ifl_forged").status_code == 404


# the API --------------------------------------------------------------------------------------
def test_api_invites_within_remit_and_manages_own_tokens(store: Store) -> None:
    store.add_entity(Entity(id="de-1", name="DE One", kind=EntityKind.COMPANY, country="DEU"))
    store.add_user("root", Role.ADMIN)
    store.add_user("rv", Role.REVIEWER, countries=["FRA"])
    admin = {"Authorization": f"Bearer {store.create_token('root').token}"}
    plain = {"Authorization": f"Bearer {store.create_token('rv').token}"}
    client = client_of(store)
    body = {
        "name": "sub-1",
        "role": "submitter",
        "email": "Sub@Example.org",
        "language": "zh",
        "entities": ["op-1"],
    }
    assert client.post("/api/v1/users/invitations", json=body, headers=plain).status_code == 403
    assert client.post("/api/v1/users/invitations", json=body).status_code == 401
    made = client.post("/api/v1/users/invitations", json=body, headers=admin)
    assert made.status_code == 201, made.text
    assert (made.json()["email"], made.json()["language"]) == ("sub@example.org", "zh")
    assert made.headers["cache-control"] == "private, no-store"
    again = client.post("/api/v1/users/invitations", json=body, headers=admin)
    assert again.status_code == 400 and again.json()["error"]["location"]["field"] == "name"
    bad = client.post(
        "/api/v1/users/invitations",
        json={**body, "name": "x2", "email": "not-an-address"},
        headers=admin,
    )
    assert bad.status_code == 400 and bad.json()["error"]["location"]["field"] == "email"
    assert client.post("/api/v1/password-resets", json={"account": "nobody"}).status_code == 202
    assert client.post("/api/v1/password-resets", json={"account": "sub-1"}).status_code == 202

    created = client.post("/api/v1/me/tokens", json={"label": "ci", "days": 7}, headers=plain)
    assert created.status_code == 201 and created.json()["token"].startswith("ifp_")
    listed = client.get("/api/v1/me/tokens", headers=plain).json()["items"]
    assert {t["label"] for t in listed} == {None, "ci"} and "token" not in listed[0]
    theirs = store.tokens("root")[0].id
    assert client.post(f"/api/v1/me/tokens/{theirs}/revoke", headers=plain).status_code == 404
    mine = created.json()["id"]
    revoked = client.post(f"/api/v1/me/tokens/{mine}/revoke", headers=plain)
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"
    new = {"Authorization": f"Bearer {created.json()['token']}"}
    assert client.get("/api/v1/me/tokens", headers=new).status_code == 401
