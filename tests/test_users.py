"""Users and API tokens, on SQLite and PostgreSQL: roles checked, tokens hashed, expiring,
revocable, dead with their user, and never written anywhere in plain text."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from ictfootprint.errors import InputError, NotFoundError
from ictfootprint.model import Entity, EntityKind, Role
from ictfootprint.reference.loader import defaults
from ictfootprint.store import Store
from ictfootprint.store.schema import audit_log, metadata
from ictfootprint.store.users import token_hash


def _store(db_url: str) -> Store:
    store = Store.open(db_url, actor="admin-alice")
    store.add_entity(Entity(id="op-1", name="Operator One", kind=EntityKind.COMPANY, country="FRA"))
    return store


def _dump(store: Store, *tables: str) -> str:
    """Every row of the named tables (all tables if none), as text."""
    chosen = [t for t in metadata.sorted_tables if not tables or t.name in tables]
    with store.engine.connect() as connection:
        return "\n".join(
            repr(tuple(row)) for table in chosen for row in connection.execute(select(table))
        )


def test_users_are_added_with_their_role_and_scope(db_url: str) -> None:
    store = _store(db_url)
    submitter = store.add_user("sub-1", "submitter", entities=["op-1", "op-1"])
    reviewer = store.add_user("rev.fr", Role.REVIEWER, countries=["fra", "MA"])
    admin = store.add_user("root", "admin")
    assert (submitter.role, submitter.entities) == (Role.SUBMITTER, ("op-1",))
    assert reviewer.countries == ("FRA", "MAR")
    assert (admin.entities, admin.countries, admin.disabled) == ((), (), False)
    assert [u.name for u in store.users()] == ["rev.fr", "root", "sub-1"]
    assert store.user("rev.fr") == reviewer
    with pytest.raises(NotFoundError):
        store.user("nobody")


@pytest.mark.parametrize(
    ("name", "role", "entities", "countries", "field", "message"),
    [
        ("Bad Name", "admin", (), (), "name", "invalid user name"),
        ("-dash", "admin", (), (), "name", "invalid user name"),
        ("x" * 65, "admin", (), (), "name", "invalid user name"),
        ("ok", "superuser", (), (), "role", "unknown role"),
        ("ok", "submitter", (), (), "entity", "at least one entity"),
        ("ok", "submitter", ("op-2",), (), "entity", "unknown entity"),
        ("ok", "reviewer", (), (), "country", "at least one country"),
        ("ok", "reviewer", (), ("QQQ",), "country", "unknown country code"),
    ],
)
def test_a_bad_user_is_refused_by_field(
    db_url: str,
    name: str,
    role: str,
    entities: tuple[str, ...],
    countries: tuple[str, ...],
    field: str,
    message: str,
) -> None:
    store = _store(db_url)
    with pytest.raises(InputError, match=message) as caught:
        store.add_user(name, role, entities=entities, countries=countries)
    assert caught.value.location.field == field
    assert store.users() == []


def test_a_user_name_is_taken_once(db_url: str) -> None:
    store = _store(db_url)
    store.add_user("root", "admin")
    with pytest.raises(InputError, match="already exists") as caught:
        store.add_user("root", "reviewer", countries=["FRA"])
    assert caught.value.location.field == "name"


def test_set_user_revalidates_the_whole_user(db_url: str) -> None:
    store = _store(db_url)
    store.add_user("rev", "reviewer", countries=["FRA"])
    with pytest.raises(InputError, match="at least one entity"):
        store.set_user("rev", role="submitter")
    changed = store.set_user("rev", role="submitter", entities=["op-1"])
    assert (changed.role, changed.entities, changed.countries) == (
        Role.SUBMITTER,
        ("op-1",),
        ("FRA",),
    )
    assert store.user("rev") == changed
    with pytest.raises(NotFoundError):
        store.set_user("nobody", role="admin")


def test_a_token_authenticates_its_user_until_revoked(db_url: str) -> None:
    store = _store(db_url)
    user = store.add_user("sub-1", "submitter", entities=["op-1"])
    issued = store.create_token("sub-1", label="ci upload")
    assert issued.token.startswith("ifp_") and len(issued.token) == 47
    assert issued.prefix == issued.token[:12]
    assert store.authenticate(issued.token) == user
    for wrong in ("", "Bearer " + issued.token, issued.token[:-1] + "A", "ifp_" + "a" * 43):
        if wrong != issued.token:
            assert store.authenticate(wrong) is None
    [info] = store.tokens("sub-1")
    assert (info.id, info.prefix, info.label, info.state) == (
        issued.id,
        issued.prefix,
        "ci upload",
        "active",
    )
    revoked = store.revoke_token(issued.id)
    assert revoked.state == "revoked" and revoked.revoked_at is not None
    assert store.authenticate(issued.token) is None
    assert store.tokens()[0].state == "revoked"
    with pytest.raises(InputError, match="already revoked"):
        store.revoke_token(issued.id)
    with pytest.raises(NotFoundError):
        store.revoke_token(issued.id + 100)


def test_a_token_expires(db_url: str) -> None:
    store = _store(db_url)
    store.add_user("root", "admin")
    issued = store.create_token("root", days=2)
    assert store.authenticate(issued.token, at=issued.expires_at - timedelta(minutes=1))
    assert store.authenticate(issued.token, at=issued.expires_at) is None
    assert store.tokens()[0].state_at(issued.expires_at + timedelta(days=1)) == "expired"
    default = store.create_token("root")
    assert (default.expires_at - issued.expires_at).days == defaults()["api"]["token_days"] - 2


@pytest.mark.parametrize("days", [0, -1, defaults()["api"]["max_token_days"] + 1])
def test_a_token_lifetime_is_bounded(db_url: str, days: int) -> None:
    store = _store(db_url)
    store.add_user("root", "admin")
    with pytest.raises(InputError, match="lifetime") as caught:
        store.create_token("root", days=days)
    assert caught.value.location.field == "days"
    assert store.tokens() == []


def test_a_disabled_user_s_tokens_stop_working(db_url: str) -> None:
    store = _store(db_url)
    store.add_user("rev", "reviewer", countries=["KEN"])
    issued = store.create_token("rev")
    assert store.disable_user("rev").disabled
    assert store.authenticate(issued.token) is None
    assert store.user("rev").disabled
    with pytest.raises(InputError, match="disabled"):
        store.create_token("rev")
    with pytest.raises(InputError, match="already disabled"):
        store.disable_user("rev")
    with pytest.raises(NotFoundError):
        store.create_token("nobody")


def test_the_plain_token_is_stored_nowhere(db_url: str) -> None:
    store = _store(db_url)
    store.add_user("root", "admin")
    issued = store.create_token("root", label="laptop")
    store.revoke_token(issued.id)
    everything = _dump(store)
    assert issued.prefix in everything
    assert token_hash(issued.token) in _dump(store, "api_tokens")
    assert issued.token not in everything
    assert issued.token[12:] not in everything  # not even the secret part alone
    audit = _dump(store, "audit_log")
    assert token_hash(issued.token) not in audit
    assert issued.token[12:] not in audit


def test_every_change_leaves_an_audit_row(db_url: str) -> None:
    store = _store(db_url)
    store.add_user("sub-1", "submitter", entities=["op-1"])
    store.set_user("sub-1", role="admin")
    issued = store.create_token("sub-1", label="laptop")
    store.revoke_token(issued.id)
    store.disable_user("sub-1")
    with store.engine.connect() as connection:
        rows = connection.execute(
            select(audit_log)
            .where(audit_log.c.object_type.in_(["user", "api_token"]))
            .order_by(audit_log.c.id)
        ).all()
    assert [(r.actor, r.action, r.object_type, r.object_id) for r in rows] == [
        ("admin-alice", "add", "user", "sub-1"),
        ("admin-alice", "set", "user", "sub-1"),
        ("admin-alice", "create", "api_token", str(issued.id)),
        ("admin-alice", "revoke", "api_token", str(issued.id)),
        ("admin-alice", "disable", "user", "sub-1"),
    ]
    assert rows[1].detail["role"] == "admin"
    assert rows[2].detail["prefix"] == issued.prefix and rows[2].detail["label"] == "laptop"


# the command line ------------------------------------------------------------------------------
def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ictfootprint", *args], capture_output=True, text=True, check=False
    )


def test_users_and_tokens_on_the_command_line(tmp_path: Path) -> None:
    db = str(tmp_path / "u.db")
    _store(db)
    added = run("users", "add", "sub-1", "--role", "submitter", "--entity", "op-1", "--db", db)
    assert added.returncode == 0, added.stderr
    bad = run("users", "add", "rev", "--role", "reviewer", "--country", "QQQ", "--db", db)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
    assert "field 'country': unknown country code" in bad.stderr
    changed = run("users", "set", "sub-1", "--role", "admin", "--db", db)
    assert changed.returncode == 0 and "now admin" in changed.stdout

    created = run("tokens", "create", "sub-1", "--label", "laptop", "--days", "7", "--db", db)
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    assert token.startswith("ifp_") and created.stdout == token + "\n"
    assert "shown only this once" in created.stderr and token not in created.stderr
    assert Store.open(db).authenticate(token) is not None

    listed = run("tokens", "list", "--user", "sub-1", "--db", db)
    assert listed.returncode == 0 and token[:12] in listed.stdout and token not in listed.stdout
    [row] = json.loads(run("tokens", "list", "--format", "json", "--db", db).stdout)
    assert (row["prefix"], row["label"], row["state"]) == (token[:12], "laptop", "active")
    assert token not in json.dumps(row)

    revoked = run("tokens", "revoke", str(row["id"]), "--db", db)
    assert revoked.returncode == 0, revoked.stderr
    assert Store.open(db).authenticate(token) is None
    again = run("tokens", "revoke", str(row["id"]), "--db", db)
    assert again.returncode == 2 and "already revoked" in again.stderr
    assert run("tokens", "revoke", "999", "--db", db).returncode == 1

    assert run("users", "disable", "sub-1", "--db", db).returncode == 0
    [user] = json.loads(run("users", "list", "--format", "json", "--db", db).stdout)
    assert (user["name"], user["role"], user["disabled"]) == ("sub-1", "admin", True)
