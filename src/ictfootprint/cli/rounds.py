"""``ictfootprint custodians`` and ``ictfootprint rounds``: national authorities and their
collection rounds, from the regulator's desk (docs/collection-rounds.md)."""

from __future__ import annotations

from datetime import date
from typing import Any

import typer

from ictfootprint.cli.options import (
    DB_OPTION,
    EXISTING_DB_OPTION,
    FORMAT_OPTION,
    Format,
    command_group,
    print_json,
    print_table,
    year_option,
)

custodians_app = command_group(
    "National custodians (regulator, statistics office, ministry): add one with its mandate, "
    "a focal-point, its remit of entities; list, show. A focal point who is a reviewer "
    "reviews the remit and runs the custodian's rounds."
)
rounds_app = command_group(
    "Collection rounds: create (who must report which year by when), list, show (each "
    "respondent's status at a date), invite and remind by e-mail, exempt, extend, close, "
    "report (statuses and the feasibility matrix)."
)


def register(app: typer.Typer) -> None:
    """Add the ``custodians`` and ``rounds`` groups to the ``ictfootprint`` command."""
    app.add_typer(custodians_app, name="custodians")
    app.add_typer(rounds_app, name="rounds")


AT_HELP = "The day the statuses are computed for, YYYY-MM-DD (default: today, UTC)."
BASE_URL_OPTION = typer.Option(
    "http://127.0.0.1:8000",
    "--base-url",
    envvar="ICTFOOTPRINT_BASE_URL",
    help="Address of the dashboard that the personal links in the messages point to.",
)


def _day(text: str | None, option: str) -> date:
    from ictfootprint.errors import InputError, Location
    from ictfootprint.store.database import now

    if text is None:
        return now().date()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(
            "unreadable date", Location(field=option), expected="YYYY-MM-DD", found=text
        ) from None


def _pairs(items: list[str] | None, option: str) -> dict[str, str]:
    """``ENTITY=VALUE`` options as a mapping."""
    from ictfootprint.errors import InputError, Location

    found: dict[str, str] = {}
    for item in items or ():
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise InputError(
                "unreadable option", Location(field=option), expected="ENTITY=VALUE", found=item
            )
        found[key.strip()] = value.strip()
    return found


def _store(db: str | None) -> Any:
    from ictfootprint.store import Store

    return Store.open(db)


# custodians -----------------------------------------------------------------------------------
@custodians_app.command("add")
def custodian_add(
    custodian_id: str = typer.Argument(..., metavar="ID", help="Short id (a-z 0-9 . _ -)."),
    name: str = typer.Option(..., help="The authority's name."),
    kind: str = typer.Option(..., help="regulator, statistics-office or ministry."),
    country: str = typer.Option(..., help="Its country, ISO 3166 code."),
    legal_basis: str = typer.Option(..., help="The mandate's legal basis (act, article)."),
    scope: str = typer.Option(..., help="What the mandate covers."),
    since: str = typer.Option(..., help="Since when, YYYY-MM-DD."),
    db: str | None = DB_OPTION,
) -> None:
    """Register a national custodian and its mandate."""
    from ictfootprint.rounds import service

    added = service.add_custodian(
        _store(db),
        custodian_id=custodian_id,
        name=name,
        kind=kind,
        country_code=country,
        legal_basis=legal_basis,
        scope=scope,
        since=_day(since, "since"),
    )
    typer.echo(f"added custodian {added.id} ({added.kind}, {added.country})")


@custodians_app.command("focal-point")
def custodian_focal_point(
    custodian_id: str = typer.Argument(..., metavar="ID"),
    name: str = typer.Option(..., help="The person's name."),
    email: str = typer.Option(..., help="Address for messages (never shown to respondents)."),
    user: str | None = typer.Option(
        None, help="The user (a reviewer) who reviews the custodian's remit."
    ),
    db: str | None = EXISTING_DB_OPTION,
) -> None:
    """Add a focal point to a custodian."""
    from ictfootprint.rounds import service

    service.add_focal_point(_store(db), custodian_id, name=name, email=email, user=user)
    typer.echo(f"added focal point {name} to {custodian_id}" + (f" (user {user})" if user else ""))


@custodians_app.command("remit")
def custodian_remit(
    custodian_id: str = typer.Argument(..., metavar="ID"),
    entity: list[str] = typer.Option(..., "--entity", help="An entity in its remit (repeatable)."),
    db: str | None = EXISTING_DB_OPTION,
) -> None:
    """Put entities in a custodian's remit."""
    from ictfootprint.rounds import service

    added = service.add_remit(_store(db), custodian_id, entity)
    typer.echo(f"{custodian_id}: {len(added)} entities added to the remit")


@custodians_app.command("list")
def custodian_list(db: str | None = EXISTING_DB_OPTION, fmt: Format = FORMAT_OPTION) -> None:
    """List custodians."""
    from ictfootprint.rounds import service

    rows = service.custodians(_store(db))
    if fmt is Format.json:
        print_json([c.summary() for c in rows])
        return
    print_table(
        f"Custodians ({len(rows)})",
        ["id", "name", "kind", "country", "since", "focal points", "remit"],
        [
            [
                c.id,
                c.name,
                c.kind,
                c.country,
                c.since.isoformat(),
                len(c.focal_points),
                len(c.remit),
            ]
            for c in rows
        ],
    )


@custodians_app.command("show")
def custodian_show(
    custodian_id: str = typer.Argument(..., metavar="ID"),
    db: str | None = EXISTING_DB_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """A custodian's mandate, focal points and remit."""
    from ictfootprint.rounds import service

    held = service.custodian(_store(db), custodian_id)
    if fmt is Format.json:
        print_json(held.summary())
        return
    typer.echo(f"{held.name} ({held.id}): {held.kind}, {held.country}")
    typer.echo(f"mandate: {held.legal_basis}; {held.scope}; since {held.since.isoformat()}")
    for point in held.focal_points:
        typer.echo(
            f"focal point: {point.name} <{point.email}>"
            + (f" user {point.user}" if point.user else "")
        )
    typer.echo(f"remit: {', '.join(held.remit) or '(none)'}")


# rounds ---------------------------------------------------------------------------------------
@rounds_app.command("create")
def round_create(
    custodian: str = typer.Option(..., help="The custodian running the round."),
    name: str = typer.Option(..., help="The round's name."),
    year: int = year_option("The reporting year."),
    opens: str = typer.Option(..., help="Opening date, YYYY-MM-DD."),
    deadline: str = typer.Option(..., help="Deadline, YYYY-MM-DD (after the opening date)."),
    entity: list[str] = typer.Option(None, "--entity", help="An obliged entity (repeatable)."),
    rule: str | None = typer.Option(
        None,
        help="Oblige the entities that meet a rule, e.g. 'subsector = data_centre and "
        "dc_it_capacity >= 500 kW and country = FRA'.",
    ),
    respondent: list[str] = typer.Option(
        None, "--respondent", help="Respondent type (repeatable; default: from the entities)."
    ),
    template: str = typer.Option("xlsx", help="Template format sent: xlsx or csv."),
    lang: str = typer.Option("en", help="Respondents' language (six UN languages)."),
    entity_lang: list[str] = typer.Option(
        None, "--entity-lang", help="ENTITY=LANG: one respondent's own language (repeatable)."
    ),
    contact: list[str] = typer.Option(
        None, "--contact", help="ENTITY=EMAIL: where its messages go (repeatable)."
    ),
    db: str | None = EXISTING_DB_OPTION,
) -> None:
    """Create a round: its obliged entities by list or by rule, its dates and template."""
    from ictfootprint.rounds import service

    record = service.create_round(
        _store(db),
        custodian_id=custodian,
        name=name,
        year=year,
        opens_on=_day(opens, "opens"),
        deadline=_day(deadline, "deadline"),
        entity_ids=tuple(entity or ()),
        rule=rule,
        respondent_types=tuple(respondent or ()),
        template=template,
        lang=lang,
        langs=_pairs(entity_lang, "entity-lang"),
        contacts=_pairs(contact, "contact"),
    )
    typer.echo(
        f"created round {record.id}: {len(record.obligations)} obliged entities, year "
        f"{record.year}, due {record.deadline.isoformat()}"
    )


@rounds_app.command("list")
def round_list(
    custodian: str | None = typer.Option(None, help="Only this custodian's rounds."),
    db: str | None = EXISTING_DB_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """List rounds, newest first."""
    from ictfootprint.rounds import service
    from ictfootprint.rounds.report import round_summary

    rows = service.list_rounds(_store(db), custodian_ids=[custodian] if custodian else None)
    if fmt is Format.json:
        print_json([round_summary(r) for r in rows])
        return
    print_table(
        f"Rounds ({len(rows)})",
        ["id", "custodian", "name", "year", "opens", "deadline", "closed"],
        [
            [
                r.id,
                r.custodian_id,
                r.name,
                r.year,
                r.opens_on.isoformat(),
                r.deadline.isoformat(),
                f"{r.closed.at:%Y-%m-%d}" if r.closed else "",
            ]
            for r in rows
        ],
    )


@rounds_app.command("show")
def round_show(
    round_id: int = typer.Argument(..., metavar="ROUND"),
    at: str | None = typer.Option(None, help=AT_HELP),
    db: str | None = EXISTING_DB_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """A round and each respondent's status at a date, with its history."""
    from ictfootprint.rounds import service
    from ictfootprint.rounds.report import round_summary

    record, found = service.statuses(_store(db), round_id, _day(at, "at"))
    if fmt is Format.json:
        print_json({"round": round_summary(record), "respondents": [s.as_dict() for s in found]})
        return
    typer.echo(f"round {record.id} {record.name} ({record.custodian_id}, {record.year})")
    if record.rule:
        typer.echo(f"rule: {record.rule}")
    print_table(
        f"Respondents ({len(found)})",
        ["entity", "respondent", "status", "deadline", "history"],
        [
            [
                s.entity_id,
                s.respondent,
                s.status + (f" ({s.reason})" if s.reason else ""),
                s.deadline.isoformat(),
                " > ".join(f"{t.status} {t.at:%Y-%m-%d}" for t in s.timeline),
            ]
            for s in found
        ],
    )


def _print_sent(sent: list[Any], fmt: Format, title: str) -> None:
    if fmt is Format.json:
        print_json([s.as_dict() for s in sent])
        return
    print_table(
        f"{title} ({sum(1 for s in sent if s.queued)} queued)",
        ["entity", "message", "language", "key", "queued", "note"],
        [
            [s.notice.entity_id, s.notice.kind, s.notice.lang, s.notice.key, s.queued, s.note]
            for s in sent
        ],
    )


@rounds_app.command("invite")
def round_invite(
    round_id: int = typer.Argument(..., metavar="ROUND"),
    base_url: str = BASE_URL_OPTION,
    db: str | None = EXISTING_DB_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Queue the invitations (none twice); `ictfootprint mail deliver` sends them."""
    from ictfootprint.rounds import notices

    _print_sent(notices.invite(_store(db), round_id, base_url=base_url), fmt, "Invitations")


@rounds_app.command("remind")
def round_remind(
    round_id: int = typer.Argument(..., metavar="ROUND"),
    at: str | None = typer.Option(None, help=AT_HELP),
    days_before: list[int] = typer.Option(
        None,
        "--days-before",
        help="Remind this many days before the deadline (repeatable; default 7 and 1).",
    ),
    base_url: str = BASE_URL_OPTION,
    db: str | None = EXISTING_DB_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Queue the reminders due (and to the overdue), none twice."""
    from ictfootprint.rounds import notices

    sent = notices.remind(
        _store(db),
        round_id,
        base_url=base_url,
        at=_day(at, "at"),
        days_before=tuple(days_before) if days_before else notices.DEFAULT_DAYS_BEFORE,
    )
    _print_sent(sent, fmt, "Reminders")


@rounds_app.command("exempt")
def round_exempt(
    round_id: int = typer.Argument(..., metavar="ROUND"),
    entity: str = typer.Argument(...),
    reason: str = typer.Option(..., help="Why the entity need not report."),
    db: str | None = EXISTING_DB_OPTION,
) -> None:
    """Exempt a respondent from the round (with a reason)."""
    from ictfootprint.rounds import service

    service.exempt(_store(db), round_id, entity, reason)
    typer.echo(f"round {round_id}: {entity} exempted")


@rounds_app.command("extend")
def round_extend(
    round_id: int = typer.Argument(..., metavar="ROUND"),
    entity: str = typer.Argument(...),
    until: str = typer.Option(..., help="New deadline, YYYY-MM-DD (after the one that applies)."),
    reason: str | None = typer.Option(None, help="Why."),
    db: str | None = EXISTING_DB_OPTION,
) -> None:
    """Give a respondent more time."""
    from ictfootprint.rounds import service

    service.extend(_store(db), round_id, entity, _day(until, "until"), reason)
    typer.echo(f"round {round_id}: {entity} has until {until}")


@rounds_app.command("close")
def round_close(
    round_id: int = typer.Argument(..., metavar="ROUND"),
    reason: str | None = typer.Option(None, help="Why, if before its time."),
    db: str | None = EXISTING_DB_OPTION,
) -> None:
    """Close a round: everything is kept; statuses stay as on the closing day."""
    from ictfootprint.rounds import service

    event = service.close(_store(db), round_id, reason)
    typer.echo(f"closed round {round_id} on {event.at:%Y-%m-%d}")


@rounds_app.command("report")
def round_report_command(
    round_id: int = typer.Argument(..., metavar="ROUND"),
    at: str | None = typer.Option(None, help=AT_HELP),
    db: str | None = EXISTING_DB_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """The round report: statuses, counts, feasibility matrix and each respondent's gaps."""
    from ictfootprint.rounds.report import round_report

    report = round_report(_store(db), round_id, _day(at, "at"))
    if fmt is Format.json:
        print_json(report.as_dict())
        return
    record = report.round
    typer.echo(
        f"round {record.id} {record.name}: {report.custodian.name} ({report.custodian.country}), "
        f"year {record.year}, at {report.at.isoformat()}"
    )
    typer.echo("counts: " + ", ".join(f"{n} {status}" for status, n in report.counts.items()))
    kinds = list(report.feasibility.respondent_types)
    print_table(
        "Feasibility: share of respondents that reported each indicator (* required)",
        ["indicator", *kinds],
        [
            [
                ("! " if row.never_reported_required else "") + row.indicator,
                *(_share(row.cells.get(kind)) for kind in kinds),
            ]
            for row in report.feasibility.rows
        ],
    )
    print_table(
        "Respondents: what is missing",
        ["entity", "respondent", "status", "reported", "missing (required)"],
        [
            [g.entity_id, g.respondent, g.status, g.reported, ", ".join(g.missing)]
            for g in report.feasibility.gaps
        ],
    )


def _share(cell: Any) -> str:
    if cell is None:
        return ""
    mark = "*" if cell.required else ""
    return f"{cell.reported}/{cell.respondents}{mark}"
