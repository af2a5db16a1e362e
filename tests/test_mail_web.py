"""The personal upload link on the web: opening it grants nothing, its button signs in for
that entity only and lands on the upload page; used, expired, forged or cross-site, it is a
clear page and nothing is granted."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from api_world import World, build_world
from ictfootprint.mail import links
from ictfootprint.store.schema import mail_links


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    built = build_world(f"sqlite:///{tmp_path_factory.mktemp('links') / 'web.db'}")
    yield built
    built.store.close()


def issue(world: World, entity_id: str = "illustrative-op-a", *, expired: bool = False) -> str:
    with world.store.transaction() as connection:
        token = links.issue(
            connection,
            purpose=links.UPLOAD_PURPOSE,
            subject_ref=f"round:3:{entity_id}",
            entity_id=entity_id,
            expires_at=datetime.now(UTC) + timedelta(days=10),
        )
        if expired:  # as if its days had passed
            connection.execute(
                update(mail_links)
                .where(mail_links.c.token_hash == links._users.token_hash(token))
                .values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
            )
    return token


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]{64})"', page)
    assert found is not None
    return found.group(1)


def test_the_link_signs_in_for_its_entity_only_and_lands_on_the_upload_page(
    world: World,
) -> None:
    client = TestClient(world.client.app)
    token = issue(world)
    shown = client.get(f"/fr/r/{token}")
    assert shown.status_code == 200 and "Continuer vers la page de dépôt" in shown.text
    assert shown.headers["referrer-policy"] == "strict-origin"
    assert "ifp_session" not in shown.headers.get("set-cookie", "")  # opening grants nothing
    assert client.get(f"/fr/r/{token}").status_code == 200  # nor uses the link up
    answer = client.post(f"/fr/r/{token}", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/fr/submissions"
    assert "HttpOnly" in answer.headers["set-cookie"]
    page = client.get("/fr/submissions").text
    name = links.link_user_name("round:3:illustrative-op-a")
    assert name in page
    assert 'value="illustrative-op-a"' in page and 'value="illustrative-op-b"' not in page
    refused = client.post(
        "/fr/submissions",
        data={"entity": "illustrative-op-b", "csrf": csrf_of(page)},
        files={"file": ("x.csv", b"indicator,year,value,unit\n", "text/csv")},
    )
    assert refused.status_code == 403
    assert client.post(f"/fr/r/{token}", follow_redirects=False).status_code == 410


@pytest.mark.parametrize(
    ("lang", "expired", "status", "words"),
    [
        ("en", True, 410, "This link has expired"),
        ("zh", True, 410, "此链接已过期"),
        ("ar", True, 410, "انتهت صلاحية هذا الرابط"),
        ("en", False, 404, "This link is not valid"),
    ],
)
def test_an_expired_or_forged_link_is_a_clear_page_and_grants_nothing(
    world: World, lang: str, expired: bool, status: int, words: str
) -> None:
    client = TestClient(world.client.app)
    token = issue(world, expired=True) if expired else "ifl_" + "x" * 43
    for answer in (client.get(f"/{lang}/r/{token}"), client.post(f"/{lang}/r/{token}")):
        assert answer.status_code == status and words in answer.text
        assert "ifp_session" not in answer.headers.get("set-cookie", "")


def test_a_link_sent_from_another_site_is_not_used(world: World) -> None:
    """Login CSRF: another site's page must not sign a visitor in with a link it holds."""
    client = TestClient(world.client.app)
    token = issue(world)
    foreign = client.post(
        f"/en/r/{token}", headers={"Origin": "https://evil.example"}, follow_redirects=False
    )
    assert foreign.status_code == 403
    assert client.post(f"/en/r/{token}", follow_redirects=False).status_code == 303


def test_redeeming_a_link_is_audited(world: World) -> None:
    client = TestClient(world.client.app)
    assert client.post(f"/en/r/{issue(world)}", follow_redirects=False).status_code == 303
    [last] = [row for row in world.store.audit_trail(5) if row["object_type"] == "mail_link"][:1]
    assert last["action"] == "redeem" and last["actor"] == "link:round:3:illustrative-op-a"
    assert last["detail"]["entity"] == "illustrative-op-a"
