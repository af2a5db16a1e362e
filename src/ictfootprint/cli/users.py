"""``ictfootprint users`` and ``ictfootprint tokens``: who may use the REST API, and their keys."""

from __future__ import annotations

import typer

from ictfootprint.cli.options import (
    DB_OPTION,
    EXISTING_DB_OPTION,
    FORMAT_OPTION,
    Format,
    command_group,
    print_json,
    print_table,
)

users_app = command_group(
    "Users (submitter, reviewer, admin, member, editor): add, set (change role, entities or "
    "countries), invite (by e-mail), disable, list."
)
tokens_app = command_group("API tokens: create (shown once), list, revoke.")

LANGUAGE_HELP = "Language of the user's messages: ar, zh, en, fr, ru or es."
ROLE_HELP = (
    "submitter (sends data for its entities), reviewer (for its countries), admin, "
    "member (writes in the portal) or editor (moderates the portal)."
)


@users_app.command("add")
def add_command(
    name: str = typer.Argument(..., help="User name: a-z 0-9 . _ - (at most 64)."),
    role: str = typer.Option(..., help=ROLE_HELP),
    entity: list[str] = typer.Option(
        None, "--entity", help="An entity the submitter reports for (repeatable)."
    ),
    country: list[str] = typer.Option(
        None, "--country", help="A country the reviewer reviews, ISO 3166 code (repeatable)."
    ),
    email: str | None = typer.Option(None, help="Where invitations and password resets go."),
    language: str = typer.Option("en", help=LANGUAGE_HELP),
    db: str | None = DB_OPTION,
) -> None:
    """Add a user (a submitter needs --entity, a reviewer --country)."""
    from ictfootprint.store import Store

    user = Store.open(db).add_user(
        name,
        role,
        entities=tuple(entity or ()),
        countries=tuple(country or ()),
        email=email,
        language=language,
    )
    typer.echo(f"added {user.role.value} {user.name}{_scope(user.entities, user.countries)}")


@users_app.command("invite")
def invite_command(
    name: str = typer.Argument(..., help="User name: a-z 0-9 . _ - (at most 64)."),
    role: str = typer.Option(..., help=ROLE_HELP),
    email: str = typer.Option(..., help="The address the invitation is sent to."),
    language: str = typer.Option("en", help=LANGUAGE_HELP),
    entity: list[str] = typer.Option(
        None, "--entity", help="An entity the submitter reports for (repeatable)."
    ),
    country: list[str] = typer.Option(
        None, "--country", help="A country the reviewer reviews, ISO 3166 code (repeatable)."
    ),
    inviter: str = typer.Option(
        "ictfootprint", help="Who the message says invites (e.g. the custodian's name)."
    ),
    base_url: str = typer.Option(
        "http://127.0.0.1:8000",
        "--base-url",
        envvar="ICTFOOTPRINT_BASE_URL",
        help="Address of the dashboard that the personal link points to.",
    ),
    db: str | None = EXISTING_DB_OPTION,
) -> None:
    """Add a user and queue an e-mail invitation with a link to choose a password (valid 7
    days, once); `ictfootprint mail deliver` sends it."""
    from ictfootprint.accounts import service
    from ictfootprint.store import Store

    invited = service.invite(
        Store.open(db),
        name=name,
        role=role,
        email=email,
        language=language,
        entities=tuple(entity or ()),
        countries=tuple(country or ()),
        inviter=inviter,
        base_url=base_url,
    )
    user = invited.user
    typer.echo(
        f"invited {user.role.value} {user.name} <{user.email}> in {user.language}: link valid "
        f"until {invited.expires_at:%Y-%m-%d %H:%M} UTC, message queued"
    )


@users_app.command("set")
def set_command(
    name: str = typer.Argument(...),
    role: str | None = typer.Option(None, help=ROLE_HELP),
    entity: list[str] = typer.Option(
        None, "--entity", help="Replace the user's entities (repeatable)."
    ),
    country: list[str] = typer.Option(
        None, "--country", help="Replace the user's countries (repeatable)."
    ),
    db: str | None = EXISTING_DB_OPTION,
) -> None:
    """Change a user's role, entities or countries; what is not given is kept."""
    from ictfootprint.store import Store

    user = Store.open(db).set_user(
        name,
        role=role,
        entities=tuple(entity) if entity else None,
        countries=tuple(country) if country else None,
    )
    typer.echo(f"{user.name} is now {user.role.value}{_scope(user.entities, user.countries)}")


@users_app.command("disable")
def disable_command(name: str = typer.Argument(...), db: str | None = EXISTING_DB_OPTION) -> None:
    """Disable a user: kept on record, its tokens stop working at once."""
    from ictfootprint.store import Store

    user = Store.open(db).disable_user(name)
    typer.echo(f"disabled {user.name}: its API tokens no longer work")


@users_app.command("list")
def list_command(db: str | None = EXISTING_DB_OPTION, fmt: Format = FORMAT_OPTION) -> None:
    """List users."""
    from ictfootprint.store import Store

    rows = Store.open(db).users()
    if fmt is Format.json:
        print_json([u.model_dump(mode="json") for u in rows])
        return
    print_table(
        f"Users ({len(rows)})",
        ["name", "role", "entities", "countries", "disabled"],
        [
            [u.name, u.role.value, ", ".join(u.entities), ", ".join(u.countries), u.disabled]
            for u in rows
        ],
    )


@tokens_app.command("create")
def create_token_command(
    user: str = typer.Argument(..., help="User name."),
    label: str | None = typer.Option(None, help="What the token is for, to recognise it."),
    days: int | None = typer.Option(
        None, help="Lifetime in days (default and maximum: [api] in defaults.toml)."
    ),
    db: str | None = EXISTING_DB_OPTION,
) -> None:
    """Create a token: printed alone on stdout, this once; only its hash is stored."""
    from ictfootprint.store import Store

    issued = Store.open(db).create_token(user, label=label, days=days)
    typer.echo(
        f"token {issued.id} ({issued.prefix}...) for {issued.user}, expires "
        f"{issued.expires_at:%Y-%m-%d %H:%M} UTC: it is shown only this once, store it now",
        err=True,
    )
    typer.echo(issued.token)


@tokens_app.command("list")
def list_tokens_command(
    user: str | None = typer.Option(None, help="Only this user's tokens."),
    db: str | None = EXISTING_DB_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """List tokens by prefix (the tokens themselves are not stored)."""
    from ictfootprint.store import Store

    rows = Store.open(db).tokens(user)
    if fmt is Format.json:
        print_json([t.summary() for t in rows])
        return
    print_table(
        f"API tokens ({len(rows)})",
        ["id", "user", "prefix", "label", "created", "expires", "state"],
        [
            [
                t.id,
                t.user,
                t.prefix,
                t.label,
                f"{t.created_at:%Y-%m-%d}",
                f"{t.expires_at:%Y-%m-%d}",
                t.state,
            ]
            for t in rows
        ],
    )


@tokens_app.command("revoke")
def revoke_token_command(
    token_id: int = typer.Argument(..., metavar="ID", help="Token id (see tokens list)."),
    db: str | None = EXISTING_DB_OPTION,
) -> None:
    """Revoke a token: it stops working at once; the record of it is kept."""
    from ictfootprint.store import Store

    info = Store.open(db).revoke_token(token_id)
    typer.echo(f"revoked token {info.id} ({info.prefix}...) of {info.user}")


def _scope(entities: tuple[str, ...], countries: tuple[str, ...]) -> str:
    parts = [f"entities {', '.join(entities)}"] if entities else []
    parts += [f"countries {', '.join(countries)}"] if countries else []
    return f" ({'; '.join(parts)})" if parts else ""
