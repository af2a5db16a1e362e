"""Checks of an endorsement's fields as typed (CLI, API, forms, a CSV row): each refusal
names its field, what was expected and what was found."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date
from typing import Any, Final

from ictfootprint.errors import InputError, Location
from ictfootprint.reference.countries import countries
from ictfootprint.reference.objectives import objective
from ictfootprint.store.database import now

KINDS: Final = ("government", "company", "organisation")
CHANNELS: Final = ("letter", "note-verbale", "email")
STATES: Final = ("endorsed", "withdrawn")
ID_PATTERN: Final = "^[a-z0-9][a-z0-9._-]*$"
FIRST_DAY: Final = date(2024, 1, 1)  # the declaration was circulated in 2024
_CHANNEL_SPELLINGS: Final = {
    "letter": "letter",
    "note verbale": "note-verbale",
    "note-verbale": "note-verbale",
    "email": "email",
    "e-mail": "email",
}
TEXT_LIMIT: Final = 2000


def clean_text(value: str, field: str, limit: int, *, required: bool = True) -> str:
    """Text as typed, trimmed; no control characters; within ``limit``."""
    text = unicodedata.normalize("NFC", value.strip())
    if required and not text:
        raise InputError(f"{field} is empty", Location(field=field), expected="a text")
    if len(text) > limit:
        raise InputError(
            f"{field} too long", Location(field=field), expected=f"at most {limit} characters"
        )
    if any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in text):
        raise InputError(
            f"{field} holds control characters", Location(field=field), found=repr(text[:40])
        )
    return text


def check_id(value: str) -> str:
    if not re.fullmatch(ID_PATTERN, value) or len(value) > 64:
        raise InputError(
            "invalid endorsement id",
            Location(field="id"),
            expected="lower-case letters, digits, '.', '_' or '-', at most 64",
            found=value[:64],
        )
    return value


def check_kind(value: str) -> str:
    kind = value.strip().lower()
    if kind not in KINDS:
        raise InputError(
            "unknown kind of endorser",
            Location(field="kind"),
            expected=", ".join(KINDS),
            found=value[:40],
        )
    return kind


def check_channel(value: str) -> str:
    channel = _CHANNEL_SPELLINGS.get(" ".join(value.strip().lower().split()))
    if channel is None:
        raise InputError(
            "unknown channel",
            Location(field="channel"),
            expected="letter, note verbale or e-mail",
            found=value[:40],
        )
    return channel


def check_country(value: str) -> str:
    code = value.strip().upper()
    if code not in countries():
        raise InputError(
            "unknown country",
            Location(field="country"),
            expected="an ISO 3166-1 alpha-3 code",
            found=value[:40],
        )
    return code


def check_day(value: date, today: date | None = None) -> date:
    last = today or now().date()
    if not FIRST_DAY <= value <= last:
        raise InputError(
            "date of endorsement out of range",
            Location(field="endorsed_on"),
            expected=f"{FIRST_DAY.isoformat()} to {last.isoformat()}",
            found=value.isoformat(),
        )
    return value


def parse_day(value: str, where: Location | None = None) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(
            "unreadable date",
            where or Location(field="endorsed_on"),
            expected="YYYY-MM-DD",
            found=value[:40],
        ) from None


def check_objectives(values: Sequence[str]) -> list[str]:
    found = sorted({objective(v).id for v in values if v.strip()}, key=lambda o: int(o[4:]))
    if not found:
        raise InputError(
            "no objective", Location(field="objectives"), expected="at least one of gda-1 … gda-8"
        )
    return found


def checked_endorsement(
    *,
    kind: str,
    name: str,
    country: str,
    endorsed_on: date,
    channel: str,
    objectives: Sequence[str],
    entity_id: str | None = None,
    illustrative: bool = False,
) -> dict[str, Any]:
    """The fields of an endorsement's revision, checked (entity existence is checked in the
    transaction that stores it)."""
    return {
        "state": "endorsed",
        "kind": check_kind(kind),
        "name": clean_text(name, "name", 200),
        "country": check_country(country),
        "endorsed_on": check_day(endorsed_on),
        "channel": check_channel(channel),
        "objectives": check_objectives(objectives),
        "entity_id": entity_id.strip() if entity_id and entity_id.strip() else None,
        "illustrative": illustrative,
        "document_id": None,
    }
