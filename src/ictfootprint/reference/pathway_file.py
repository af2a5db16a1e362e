"""A user's own pathway from a file (``assess trajectory --pathway-file``).

Three forms, each read strictly (a bad file is a one-line error naming the field):

- TOML, one ``[[pathway]]`` table in the grammar of ``reference/data/pathways.toml``;
- TOML, a ``[target]`` table: a national (or company) target as it is usually published::

      [target]
      name = "National ICT target"        # optional
      base_year = 2020
      target_year = 2030
      reduction_percent = 30               # of base-year emissions, 0 to 100
      source = "Where the target is published"
      applies_to = "country"               # optional: what it was set for (default country)
      scopes = ["1+2-location"]            # optional (default 1+2-location, 1+2-market)
      gas = "co2e"                         # optional: co2e (default) or co2
      entity_kinds = ["organisation"]      # optional: for an entity pathway, which kinds

A base year may be any year (2010 for the UN system's goal), not only the first year with a
value: the series compared needs a value in it, or the error says which data to add.

- CSV with the same columns as the ``[target]`` table (a header row, one data row).

A target is the straight line from 1.0 in the base year to ``1 - reduction/100`` in the
target year, held after it.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Final

from ictfootprint.csvfile import parse_csv, read_bytes
from ictfootprint.errors import InputError, Location
from ictfootprint.reference.pathways import Pathway, pathway_from_dict

TARGET_FIELDS: Final = ("base_year", "target_year", "reduction_percent", "source")
OPTIONAL_FIELDS: Final = ("name", "applies_to", "scopes", "gas", "id", "entity_kinds")


def read_pathway_file(path: Path) -> Pathway:
    """The pathway in ``path`` (TOML or CSV, by extension)."""
    name = str(path)
    data = read_bytes(path)
    if path.suffix.lower() == ".csv":
        return _from_csv(data, name)
    try:
        document = tomllib.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(
            f"not a TOML file: {str(exc).splitlines()[0]}",
            Location(file=name),
            expected="a [target] or [[pathway]] table (TOML), or a CSV file",
        ) from None
    if "target" in document:
        target = document["target"]
        if not isinstance(target, dict):
            raise InputError("[target] is not a table", Location(file=name, field="target"))
        return target_pathway(target, Location(file=name))
    entries = document.get("pathway")
    if not isinstance(entries, list) or len(entries) != 1 or not isinstance(entries[0], dict):
        raise InputError(
            "expected one [target] table or one [[pathway]] table",
            Location(file=name, field="pathway"),
            found=", ".join(document) or "an empty file",
        )
    return pathway_from_dict(entries[0], Location(file=name))


def _from_csv(data: bytes, name: str) -> Pathway:
    table = parse_csv(data, name, lower_header=True)
    missing = [f for f in TARGET_FIELDS if f not in table.header]
    if missing:
        raise InputError(
            "missing column", Location(file=name, row=1, field=missing[0]), expected=missing[0]
        )
    rows = list(table.rows())
    if len(rows) != 1:
        raise InputError(
            "a target file has one data row", Location(file=name), found=f"{len(rows)} rows"
        )
    row = rows[0]
    entry: dict[str, Any] = {k: v for k, v in row.cells.items() if v != ""}
    for field in ("base_year", "target_year", "reduction_percent"):
        if field in entry:
            try:
                number = float(entry[field])
            except ValueError:
                raise InputError("not a number", row.at(field), found=entry[field]) from None
            entry[field] = int(number) if field != "reduction_percent" else number
    for listed in ("scopes", "entity_kinds"):
        if listed in entry:
            entry[listed] = [s.strip() for s in entry[listed].split(";") if s.strip()]
    return target_pathway(entry, row.where)


def _number(entry: dict[str, Any], field: str, where: Location, whole: bool) -> float:
    at = Location(where.file, row=where.row, field=field)
    if field not in entry:
        raise InputError("missing field", at, expected=field)
    value = entry[field]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError("not a number", at, found=repr(value))
    if whole and (value != int(value) or not 1990 <= value <= 2100):
        raise InputError("not a year", at, expected="1990 to 2100", found=repr(value))
    return float(value)


def target_pathway(entry: dict[str, Any], where: Location) -> Pathway:
    """A ``[target]`` (base year, target year, reduction, source) as a pathway of points."""
    unknown = sorted(set(entry) - set(TARGET_FIELDS) - set(OPTIONAL_FIELDS))
    if unknown:
        raise InputError(
            "unknown field",
            Location(where.file, row=where.row, field=unknown[0]),
            expected=", ".join(TARGET_FIELDS + OPTIONAL_FIELDS),
            found=unknown[0],
        )
    base = int(_number(entry, "base_year", where, whole=True))
    target = int(_number(entry, "target_year", where, whole=True))
    if target <= base:
        raise InputError(
            "the target year is not after the base year",
            Location(where.file, row=where.row, field="target_year"),
            expected=f"> {base}",
            found=str(target),
        )
    reduction = _number(entry, "reduction_percent", where, whole=False)
    if not 0 <= reduction <= 100:
        raise InputError(
            "a reduction is a percentage of base-year emissions",
            Location(where.file, row=where.row, field="reduction_percent"),
            expected="0 to 100",
            found=f"{reduction:g}",
        )
    source = entry.get("source")
    if not isinstance(source, str) or not source.strip():
        raise InputError(
            "a target says where it comes from",
            Location(where.file, row=where.row, field="source"),
            expected="a text naming the published target",
        )
    name = entry.get("name") or f"Target: -{reduction:g} % {base}-{target}"
    applies = entry.get("applies_to", ["country"])
    applies = [applies] if isinstance(applies, str) else applies
    table = {
        "id": entry.get("id", "own-target"),
        "name": str(name),
        "source": source.strip(),
        "applies_to": applies,
        "kind": "points",
        "base_year": base,
        "points": [[base, 1.0], [target, round(1 - reduction / 100, 12)]],
        "gas": entry.get("gas", "co2e"),
        "covers": "the " + " and ".join(map(str, applies)) + " it was set for",
    }
    for optional in ("scopes", "entity_kinds"):
        if optional in entry:
            table[optional] = entry[optional]
    return pathway_from_dict(table, Location(where.file, row=where.row))
