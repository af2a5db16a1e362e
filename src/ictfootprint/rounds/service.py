"""Rounds and custodians through the store: every write checked first, then stored with its
audit row in one transaction (a refusal stores nothing).

    store = Store.open("footprint.db")
    add_custodian(store, custodian_id="arcep", name="ARCEP", kind="regulator",
                  country_code="FRA", legal_basis="Loi n° 2021-1755 (REEN)",
                  scope="electronic communications, data centres", since=date(2021, 12, 23))
    created = create_round(store, custodian_id="arcep", name="Survey 2025", year=2024,
                           entity_ids=["orange-fr"], opens_on=date(2025, 3, 1),
                           deadline=date(2025, 5, 31))
    statuses(store, created.id, at=date(2025, 6, 3))
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Final

from sqlalchemy import Connection

from ictfootprint.assess.coverage import respondent_for
from ictfootprint.errors import ConflictError, InputError, Location, NotFoundError
from ictfootprint.model import Entity
from ictfootprint.reference.catalogue import LANGUAGES
from ictfootprint.reference.codes import respondent_code
from ictfootprint.rounds import rules
from ictfootprint.rounds.status import RespondentStatus, respondent_status
from ictfootprint.store import Store
from ictfootprint.store import custodians as _custodians
from ictfootprint.store import entities as _entities
from ictfootprint.store import observations as _observations
from ictfootprint.store import rounds as _rounds
from ictfootprint.store.custodians import EMAIL, Custodian
from ictfootprint.store.database import now
from ictfootprint.store.observations import best_available
from ictfootprint.store.rounds import Obligation, RoundEvent, RoundRecord

TEMPLATES: Final = ("xlsx", "csv")
YEARS: Final = (1990, 2100)
EMAIL_LIMIT: Final = 320


def check_day(day: date, field: str) -> date:
    """A date of a round (opening, deadline, extension, the day statuses are read for) within
    the years a round may concern: far dates are typing errors, and would overflow."""
    first, last = date(YEARS[0], 1, 1), date(YEARS[1], 12, 31)
    if not first <= day <= last:
        raise InputError(
            "date out of range",
            Location(field=field),
            expected=f"{first.isoformat()} to {last.isoformat()}",
            found=day.isoformat(),
        )
    return day


# custodians -----------------------------------------------------------------------------------
def add_custodian(store: Store, **fields: object) -> Custodian:
    with store.transaction() as connection:
        added = _custodians.add(connection, actor=store.actor, **fields)  # type: ignore[arg-type]
        store.audit(connection, "add", "custodian", added.id, added.summary(private=False))
    return added


def add_focal_point(
    store: Store, custodian_id: str, *, name: str, email: str, user: str | None = None
) -> Custodian:
    with store.transaction() as connection:
        point = _custodians.add_focal_point(
            connection, custodian_id, name=name, email=email, user=user, actor=store.actor
        )
        # the audit trail is read by admins, but keeps the address out all the same
        store.audit(
            connection,
            "add-focal-point",
            "custodian",
            custodian_id,
            {"name": point.name, "user": point.user},
        )
        return _custodians.get(connection, custodian_id)


def add_remit(store: Store, custodian_id: str, entity_ids: Sequence[str]) -> list[str]:
    with store.transaction() as connection:
        added = _custodians.add_remit(connection, custodian_id, entity_ids, actor=store.actor)
        store.audit(connection, "add-remit", "custodian", custodian_id, {"entities": added})
    return added


def custodian(store: Store, custodian_id: str) -> Custodian:
    with store.engine.connect() as connection:
        return _custodians.get(connection, custodian_id)


def custodians(store: Store) -> list[Custodian]:
    with store.engine.connect() as connection:
        return _custodians.all_custodians(connection)


# rounds ---------------------------------------------------------------------------------------
def create_round(
    store: Store,
    *,
    custodian_id: str,
    name: str,
    year: int,
    opens_on: date,
    deadline: date,
    entity_ids: Sequence[str] = (),
    rule: str | None = None,
    respondent_types: Sequence[str] = (),
    template: str = "xlsx",
    lang: str = "en",
    langs: Mapping[str, str] | None = None,
    contacts: Mapping[str, str] | None = None,
) -> RoundRecord:
    """Check everything, then store the round, its obligations and their remit at once."""
    if not name.strip() or len(name) > 200:
        raise InputError("round name is empty or too long", Location(field="name"))
    if not YEARS[0] <= year <= YEARS[1]:
        raise InputError(
            "reporting year out of range",
            Location(field="year"),
            expected=f"{YEARS[0]} to {YEARS[1]}",
            found=str(year),
        )
    check_day(opens_on, "opens_on")
    check_day(deadline, "deadline")
    if deadline <= opens_on:
        raise InputError(
            "the deadline is not after the opening date",
            Location(field="deadline"),
            expected=f"a date after {opens_on.isoformat()}",
            found=deadline.isoformat(),
        )
    if template not in TEMPLATES:
        raise InputError(
            "unknown template format",
            Location(field="template"),
            expected=" or ".join(TEMPLATES),
            found=template,
        )
    types = tuple(dict.fromkeys(respondent_code(t) for t in respondent_types))
    languages = {**{e: lang for e in entity_ids}, **(langs or {})}
    for code in (lang, *languages.values()):
        if code not in LANGUAGES:
            raise InputError(
                "unknown language",
                Location(field="lang"),
                expected=", ".join(LANGUAGES),
                found=code,
            )
    conditions = rules.parse(rule) if rule is not None else ()
    if not entity_ids and rule is None:
        raise InputError(
            "a round needs its obliged entities",
            Location(field="entity"),
            expected="entity ids, or a rule",
        )
    with store.transaction() as connection:
        try:
            held = _custodians.get(connection, custodian_id)
        except NotFoundError:
            raise InputError(
                "unknown custodian", Location(field="custodian"), found=custodian_id
            ) from None
        chosen: dict[str, tuple[Entity, str]] = {}
        for entity_id in entity_ids:
            entity = _entities.get(connection, entity_id, missing_ok=True)
            if entity is None:
                raise InputError("unknown entity", Location(field="entity"), found=entity_id)
            chosen[entity_id] = (entity, "list")
        if conditions:
            for entity in _by_rule(connection, conditions, year):
                chosen.setdefault(entity.id, (entity, "rule"))
            if not any(via == "rule" for _, via in chosen.values()) and not entity_ids:
                raise InputError("the rule matches no entity", Location(field="rule"), found=rule)
        obligations = [
            Obligation(
                entity.id,
                _respondent(entity, types),
                via,
                languages.get(entity.id, lang),
                _contact(contacts or {}, entity.id),
            )
            for entity, via in chosen.values()
        ]
        for entity_id in contacts or {}:
            if entity_id not in chosen:
                raise InputError(
                    "contact for an entity the round does not oblige",
                    Location(field="contact"),
                    found=entity_id,
                )
        all_types = types or tuple(dict.fromkeys(o.respondent for o in obligations))
        round_id = _rounds.create(
            connection,
            custodian_id=held.id,
            name=name.strip(),
            year=year,
            respondent_types=all_types,
            rule=rule.strip() if rule else None,
            opens_on=opens_on,
            deadline=deadline,
            template=template,
            obligations=obligations,
            actor=store.actor,
        )
        # obliging an entity to report to a custodian puts it in the custodian's remit
        _custodians.add_remit(connection, held.id, list(chosen), actor=store.actor)
        store.audit(
            connection,
            "create",
            "round",
            str(round_id),
            {
                "custodian": held.id,
                "year": year,
                "rule": rule,
                "entities": sorted(chosen),
                "opens_on": opens_on.isoformat(),
                "deadline": deadline.isoformat(),
            },
        )
        return _rounds.get(connection, round_id)


def get_round(store: Store, round_id: int) -> RoundRecord:
    with store.engine.connect() as connection:
        return _rounds.get(connection, round_id)


def list_rounds(store: Store, *, custodian_ids: Sequence[str] | None = None) -> list[RoundRecord]:
    with store.engine.connect() as connection:
        return _rounds.all_rounds(connection, custodian_ids=custodian_ids)


def statuses(
    store: Store, round_id: int, at: date, *, entity_ids: Sequence[str] | None = None
) -> tuple[RoundRecord, list[RespondentStatus]]:
    """Every respondent's status at ``at`` (a closed round: at most its closing day), or only
    those of ``entity_ids`` (a respondent sees its own and no other)."""
    check_day(at, "at")
    with store.engine.connect() as connection:
        record = _rounds.get(connection, round_id)
        closed = record.closed
        day = min(at, closed.at.date()) if closed is not None else at
        wanted = [o for o in record.obligations if entity_ids is None or o.entity_id in entity_ids]
        found = _rounds.submissions_for(connection, [o.entity_id for o in wanted], record.opens_on)
    result = []
    for obligation in wanted:
        own = [
            s
            for s, years in found
            if s.entity_id == obligation.entity_id and (not years or record.year in years)
        ]
        result.append(respondent_status(obligation, record.deadline, record.events, own, day))
    return record, result


def exempt(store: Store, round_id: int, entity_id: str, reason: str) -> RoundEvent:
    if not reason or not reason.strip():
        raise InputError(
            "an exemption needs a reason", Location(field="reason"), expected="a reason"
        )
    return _record(store, round_id, entity_id, "exempted", reason=reason.strip())


def extend(
    store: Store, round_id: int, entity_id: str, until: date, reason: str | None = None
) -> RoundEvent:
    """Give a respondent until ``until``, which must be after the deadline that applies."""
    check_day(until, "until")
    record, found = statuses(store, round_id, now().date(), entity_ids=[entity_id])
    if not found:
        raise InputError(
            "the round does not oblige this entity", Location(field="entity"), found=entity_id
        )
    if until <= found[0].deadline:
        raise InputError(
            "an extension must end after the deadline that applies",
            Location(field="until"),
            expected=f"a date after {found[0].deadline.isoformat()}",
            found=until.isoformat(),
        )
    return _record(store, record.id, entity_id, "extended", reason=reason, until=until)


def record_opened(store: Store, round_id: int, entity_id: str) -> bool:
    """The respondent opened the round (its page or its link): recorded the first time."""
    record = get_round(store, round_id)
    if any(e.entity_id == entity_id and e.status == "opened" for e in record.events):
        return False
    if record.closed is not None:
        return False
    _record(store, round_id, entity_id, "opened")
    return True


def close(store: Store, round_id: int, reason: str | None = None) -> RoundEvent:
    """Close a round: nothing is removed; statuses stay as they were on the closing day."""
    return _record(store, round_id, None, "closed", reason=reason)


def _record(
    store: Store,
    round_id: int,
    entity_id: str | None,
    status: str,
    *,
    reason: str | None = None,
    until: date | None = None,
) -> RoundEvent:
    with store.transaction() as connection:
        record = _rounds.get(connection, round_id)
        open_for_changes(record)
        if entity_id is not None and entity_id not in {o.entity_id for o in record.obligations}:
            raise InputError(
                "the round does not oblige this entity", Location(field="entity"), found=entity_id
            )
        event = RoundEvent(entity_id, status, now(), store.actor, reason, until)
        _rounds.add_event(connection, round_id, event)
        store.audit(
            connection,
            status,
            "round",
            str(round_id),
            {
                "entity": entity_id,
                "reason": reason,
                "until": until.isoformat() if until else None,
            },
        )
    return event


def open_for_changes(record: RoundRecord) -> None:
    closed = record.closed
    if closed is not None:
        raise ConflictError(
            f"round {record.id} was closed on {closed.at.date().isoformat()}: it is kept as it was",
            Location(field="round"),
        )


def _respondent(entity: Entity, types: tuple[str, ...]) -> str:
    inferred = respondent_for(entity)
    if not types or inferred in types:
        return inferred
    if len(types) == 1:
        return types[0]
    raise InputError(
        "entity matches none of the round's respondent types",
        Location(field="entity"),
        expected=", ".join(types),
        found=f"{entity.id} ({inferred})",
    )


def _contact(contacts: Mapping[str, str], entity_id: str) -> str | None:
    email = contacts.get(entity_id)
    if email is None:
        return None
    if len(email) > EMAIL_LIMIT or EMAIL.fullmatch(email.strip()) is None:
        raise InputError(
            "invalid e-mail address", Location(field="contact"), expected="name@domain", found=email
        )
    return email.strip()


def _by_rule(
    connection: Connection, conditions: Sequence[rules.Condition], year: int
) -> list[Entity]:
    """The entities that meet the rule, with the indicators' latest values up to ``year``
    (an entity's own total, else the sum of its splits by country or sub-sector)."""
    wanted = rules.indicators(conditions)
    values: dict[tuple[str, str], float] = {}
    if wanted:
        rows = [
            o
            for o in best_available(_observations.current(connection, indicator_ids=wanted))
            if o.year <= year and o.value is not None
        ]
        latest: dict[tuple[str, str], int] = {}
        for obs in rows:
            key = (obs.entity_id, obs.indicator_id)
            latest[key] = max(latest.get(key, obs.year), obs.year)
        totals: dict[tuple[str, str], float] = {}
        splits: dict[tuple[str, str], float] = {}
        for obs in rows:
            key = (obs.entity_id, obs.indicator_id)
            if latest[key] != obs.year:
                continue
            assert obs.value is not None
            if obs.country is None and obs.subsector is None:
                totals[key] = obs.value
            else:
                splits[key] = splits.get(key, 0.0) + obs.value
        values = {**splits, **totals}
    reporting = (e for e in _entities.all_entities(connection) if e.kind.value in _REPORTING)
    return [e for e in reporting if rules.matches(e, conditions, values)]


_REPORTING: Final = ("company", "facility", "organisation")
