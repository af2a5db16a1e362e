"""A CSV list of endorsers, imported whole or not at all; every error names its row and column.

Columns (header on the first row, any order): ``id``, ``kind``, ``name``, ``country``,
``endorsed_on`` (YYYY-MM-DD), ``channel`` (letter, note verbale, e-mail), ``objectives``
(ids separated by ``;``, e.g. ``gda-1;gda-3``) and, optionally, ``entity`` and
``illustrative`` (true/false).

The file is untrusted: a cell that starts with ``=``, ``+``, ``-``, ``@`` (a spreadsheet would
run it as a formula when the register is exported and opened) is refused, as are files over
``MAX_BYTES`` or ``MAX_ROWS``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from ictfootprint.csvfile import parse_csv
from ictfootprint.errors import ConflictError, InputError, Location
from ictfootprint.portal import endorsement_checks as checks
from ictfootprint.portal import endorsements as register
from ictfootprint.store import Store

MAX_BYTES: Final = 2 * 1024 * 1024
MAX_ROWS: Final = 10_000
REQUIRED: Final = ("id", "kind", "name", "country", "endorsed_on", "channel", "objectives")
OPTIONAL: Final = ("entity", "illustrative")
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Imported:
    file: str
    added: list[str]


def read(content: bytes, file_name: str) -> list[tuple[int, str, dict[str, Any]]]:
    """Every row checked: (row number, id, fields) in file order; the first error, with its
    row."""
    if len(content) > MAX_BYTES:
        raise InputError(
            "file too large",
            Location(file=file_name),
            expected=f"at most {MAX_BYTES // (1024 * 1024)} MiB",
            found=f"{len(content)} bytes",
        )
    table = parse_csv(content, file_name, lower_header=True)
    missing = [c for c in REQUIRED if c not in table.header]
    unknown = [c for c in table.header if c not in REQUIRED + OPTIONAL]
    if missing or unknown:
        raise InputError(
            "wrong columns",
            Location(file=file_name, row=1),
            expected=", ".join(REQUIRED) + " (and optionally " + ", ".join(OPTIONAL) + ")",
            found=f"missing {missing}, unknown {unknown[:5]}",
        )
    rows: list[tuple[int, str, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    for row in table.rows():
        if len(rows) >= MAX_ROWS:
            raise InputError(
                "too many rows",
                Location(file=file_name, row=row.number),
                expected=f"at most {MAX_ROWS}",
            )
        for column, value in row.cells.items():
            if value.startswith(FORMULA_STARTS):
                raise InputError(
                    "a cell may not start with =, +, -, @ (it would run as a formula in a "
                    "spreadsheet)",
                    row.at(column),
                    found=value[:40],
                )
        try:
            endorsement_id = checks.check_id(row.cells["id"])
            fields = checks.checked_endorsement(
                kind=row.cells["kind"],
                name=row.cells["name"],
                country=row.cells["country"],
                endorsed_on=checks.parse_day(row.cells["endorsed_on"]),
                channel=row.cells["channel"],
                objectives=row.cells["objectives"].replace(",", ";").split(";"),
                entity_id=row.cells.get("entity") or None,
                illustrative=_flag(row.cells.get("illustrative", "")),
            )
        except InputError as error:
            raise _at(error, file_name, row.number) from None
        if endorsement_id in seen:
            raise InputError(
                "id given twice",
                row.at("id"),
                expected="one row per endorser",
                found=f"{endorsement_id} (also row {seen[endorsement_id]})",
            )
        seen[endorsement_id] = row.number
        rows.append((row.number, endorsement_id, fields))
    return rows


def _flag(value: str) -> bool:
    text = value.strip().lower()
    if text in ("", "false", "no", "0"):
        return False
    if text in ("true", "yes", "1"):
        return True
    raise InputError(
        "not a yes/no value",
        Location(field="illustrative"),
        expected="true or false",
        found=value[:20],
    )


def _at(error: InputError, file_name: str, row: int) -> InputError:
    """The same error, at the file's row and the error's field as the column."""
    column = error.location.field
    fixed = {"endorsed_on": "endorsed_on", "objectives": "objectives", "entity": "entity"}
    return InputError(
        error.message,
        Location(file=file_name, row=row, column=fixed.get(column or "", column), field=column),
        expected=error.expected,
        found=error.found,
    )


def import_file(store: Store, content: bytes, file_name: str) -> Imported:
    """Check every row, then store them all in one transaction (nothing on any error)."""
    rows = read(content, file_name)
    with store.transaction() as connection:
        for number, endorsement_id, fields in rows:
            try:
                register.store_endorsement(store, connection, endorsement_id, fields)
            except InputError as error:
                where = Location(file=file_name, row=number, field=error.location.field)
                kind = ConflictError if isinstance(error, ConflictError) else InputError
                raise kind(error.message, where, error.expected, error.found) from None
        store.audit(
            connection, "import", "endorsements", None, {"file": file_name, "rows": len(rows)}
        )
    return Imported(file_name, [endorsement_id for _, endorsement_id, _ in rows])
