"""Keyset paging of the published observations: an opaque cursor naming the last row of the
page before (its method and id, the page order) and that page's end position.

A page found by cursor is one index seek however deep it is, where ``offset`` reads and skips
every index entry before the page. The cursor is not secret (published data only, and any
position may be asked for by offset), so it is not signed; it is checked whole: anything but a
cursor this server wrote (garbled, cut, edited) is a 400 naming the ``cursor`` parameter.

    >>> decode(encode(("reported", 1042), 300))
    (('reported', 1042), 300)
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Annotated, Final

from fastapi import Query

from ictfootprint.errors import InputError, Location
from ictfootprint.model import Method
from ictfootprint.store.published import Position

VERSION: Final = "1"
#: version|method|id|position, each number at most 10 digits
_FORM: Final = re.compile(r"1\|([a-z]{1,20})\|([0-9]{1,10})\|([0-9]{1,10})")
_METHODS: Final = frozenset(m.value for m in Method)

Cursor = Annotated[
    str,
    Query(
        max_length=80,
        pattern=r"^[A-Za-z0-9_-]*$",
        description="Where the page starts: the cursor in the previous page's `next` link "
        "(keyset paging, as fast on the last page as on the first; `offset` is slower at "
        "depth). Empty: the first page.",
    ),
]


@dataclass(frozen=True)
class Start:
    """Where a page starts: after a row (keyset) or at a position (offset), and the position
    of its first row (the response's ``offset``)."""

    after: Position | None
    position: int


def wrapped(*parts: object) -> str:
    """An opaque cursor of ``parts`` joined by ``|`` (URL-safe base64, unpadded): what every
    keyset-paged list of the API writes (observations, forum topics, an aggregate's lists)."""
    text = "|".join(str(part) for part in parts)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def opened(cursor: str, form: re.Pattern[str]) -> re.Match[str]:
    """The text of ``cursor`` matched whole by ``form``; anything else (not base64, not
    ASCII, not of that form) is a 400 naming ``cursor``."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, ValueError):
        text = ""
    found = form.fullmatch(text)
    if found is None:
        raise _refused(cursor)
    return found


def _refused(cursor: str) -> InputError:
    return InputError(
        "not a cursor of this API",
        Location(field="cursor"),
        expected="the cursor of a `next` link, unchanged",
        found=cursor[:80],
    )


def encode(after: Position, position: int) -> str:
    return wrapped(VERSION, after[0], after[1], position)


def decode(cursor: str) -> tuple[Position, int]:
    """The row a cursor names and the position of the page it starts; 400 for anything else."""
    found = opened(cursor, _FORM)
    if found.group(1) not in _METHODS:
        raise _refused(cursor)
    return (found.group(1), int(found.group(2))), int(found.group(3))


def start(cursor: str, offset: int) -> Start:
    """The page's start from the request's ``cursor`` and ``offset`` (not both)."""
    if not cursor:
        return Start(None, offset)
    if offset:
        raise InputError(
            "cursor and offset together",
            Location(field="cursor"),
            expected="a cursor or an offset",
            found=f"offset={offset}",
        )
    after, position = decode(cursor)
    return Start(after, position)
