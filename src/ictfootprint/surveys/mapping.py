"""A national survey's lines mapped onto the indicator catalogue, read from a TOML file.

The grammar is at the top of the shipped ``reference/data/survey_arcep.toml`` (and in
docs/national-statistics.md): a ``[survey]`` table (id, name, publisher, country, respondent,
source, url) and one ``[[line]]`` per line of the survey (its id, a label, the unit the survey
states, the catalogue indicator, optional sub-sector, respondent type, scope, basis, our
mapping choice, note). The file is checked whole: the first problem raises an
:class:`InputError` naming file, line and field (TOML keeps no line numbers, so the line of
each ``[[line]]`` entry and of its keys is found in the text).

For example::

    mapping = load_mapping("arcep")              # a shipped survey
    mapping = load_mapping(Path("my-survey.toml"))  # any other one
    mapping.line("op-energy").indicator          # 'energy_total'
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from ictfootprint.errors import InputError, Location
from ictfootprint.reference.catalogue import catalogue
from ictfootprint.reference.countries import country
from ictfootprint.reference.loader import manifest, read_text
from ictfootprint.reference.respondents import respondents
from ictfootprint.units import is_compatible, parse_unit

SURVEY_KEYS: Final = ("id", "name", "publisher", "country", "respondent", "source", "url")
LINE_KEYS: Final = (
    "id",
    "label",
    "unit",
    "indicator",
    "subsector",
    "respondent",
    "scope",
    "basis",
    "choice",
    "note",
)
BASES: Final = ("location", "market", "unspecified")
_ID: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_MAX_TEXT: Final = 2000
_MAX_BYTES: Final = 1_000_000


@dataclass(frozen=True)
class SurveyLine:
    """One line of a survey and the catalogue indicator it is compared with."""

    id: str
    label: str
    unit: str
    indicator: str | None  # None: the catalogue has no equivalent
    subsector: str | None
    respondent: str
    scope: str
    basis: str | None
    choice: str | None
    note: str | None
    file_line: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "unit": self.unit,
            "indicator": self.indicator,
            "subsector": self.subsector,
            "respondent": self.respondent,
            "scope": self.scope or None,
            "basis": self.basis,
            "our_choice": self.choice,
            "note": self.note,
        }


@dataclass(frozen=True)
class SurveyMapping:
    id: str
    name: str
    publisher: str
    country: str
    respondent: str
    source: str
    url: str | None
    lines: tuple[SurveyLine, ...]
    file: str

    def line(self, line_id: str, where: Location | None = None) -> SurveyLine:
        for item in self.lines:
            if item.id == line_id:
                return item
        raise InputError(
            f"survey {self.id} has no such line",
            where or Location(field="line"),
            expected=", ".join(i.id for i in self.lines[:8]) + ", ...",
            found=line_id,
        )

    @property
    def mapped(self) -> tuple[SurveyLine, ...]:
        return tuple(i for i in self.lines if i.indicator is not None)

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "publisher": self.publisher,
            "country": self.country,
            "respondent": self.respondent,
            "source": self.source,
            "url": self.url,
        }


def shipped_surveys() -> tuple[str, ...]:
    """Ids of the surveys shipped as ``survey_<id>.toml`` in the reference data."""
    return tuple(
        sorted(
            n.removeprefix("survey_").removesuffix(".toml")
            for n in manifest()
            if n.startswith("survey_") and n.endswith(".toml")
        )
    )


def load_mapping(source: str | Path) -> SurveyMapping:
    """A shipped survey by id, or a mapping file by path, checked whole."""
    if isinstance(source, str) and source in shipped_surveys():
        name = f"survey_{source}.toml"
        return parse_mapping(read_text(name), name)
    path = Path(source)
    if not path.is_file():
        raise InputError(
            "no such survey",
            Location(field="survey"),
            expected="a shipped survey (" + ", ".join(shipped_surveys()) + ") or a mapping file",
            found=str(source),
        )
    data = path.read_bytes()
    if len(data) > _MAX_BYTES:
        raise InputError(
            "mapping file too large", Location(file=path.name), expected="at most 1 MB"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(
            "mapping file is not UTF-8 text", Location(file=path.name), expected="UTF-8 TOML"
        ) from None
    return parse_mapping(text, path.name)


def parse_mapping(text: str, file: str) -> SurveyMapping:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        at_line = re.search(r"line (\d+)", str(exc))
        raise InputError(
            "not valid TOML: " + str(exc).split(" (at")[0],
            Location(file=file, row=int(at_line.group(1)) if at_line else None),
        ) from None
    lines_at = _entry_lines(text)
    survey = raw.get("survey")
    if not isinstance(survey, dict):
        raise InputError(
            "no [survey] table", Location(file=file, field="survey"), expected="[survey] id = ..."
        )
    survey_at = _table_line(text, "survey")
    _unknown_keys(survey, SURVEY_KEYS, file, survey_at, text)
    where = _Where(file, text, survey_at)
    sid = _text(survey, "id", where, pattern=True)
    country_code = _text(survey, "country", where)
    try:
        country_code = country(country_code).iso3
    except InputError:
        raise InputError(
            "unknown country", where.at("country"), expected="an ISO 3166 code", found=country_code
        ) from None
    default_respondent = _respondent(_text(survey, "respondent", where), where.at("respondent"))
    entries = raw.get("line")
    if not isinstance(entries, list) or not entries:
        raise InputError(
            "no [[line]] entries", Location(file=file, field="line"), expected="[[line]] tables"
        )
    known = catalogue()
    lines: list[SurveyLine] = []
    seen: dict[str, int] = {}
    targets: dict[tuple[str, str | None], str] = {}
    for number, entry in enumerate(entries):
        start = lines_at[number] if number < len(lines_at) else None
        _unknown_keys(entry, LINE_KEYS, file, start, text)
        where = _Where(file, text, start)
        line_id = _text(entry, "id", where, pattern=True)
        if line_id in seen:
            raise InputError(
                f"line id used twice (first on line {seen[line_id]})",
                where.at("id"),
                expected="each survey line once",
                found=line_id,
            )
        seen[line_id] = start or 0
        unit = _text(entry, "unit", where)
        parse_unit(unit, where.at("unit"))
        indicator_id = _text(entry, "indicator", where, required=False) or None
        subsector = _text(entry, "subsector", where, required=False) or None
        if indicator_id is not None:
            found = known.get(indicator_id)
            if found is None:
                raise InputError(
                    "unknown indicator",
                    where.at("indicator"),
                    expected='an indicator id of the catalogue (ictfootprint catalogue), or ""',
                    found=indicator_id,
                )
            if found.value_type != "quantity" or not is_compatible(unit, found.unit):
                raise InputError(
                    f"unit does not convert to {indicator_id}'s unit",
                    where.at("unit"),
                    expected=f"a unit of {found.unit or found.value_type}'s kind",
                    found=unit,
                )
            if subsector is not None and subsector not in found.subsectors:
                raise InputError(
                    f"not a sub-sector of {indicator_id}",
                    where.at("subsector"),
                    expected=", ".join(found.subsectors),
                    found=subsector,
                )
            target = (indicator_id, subsector)
            if target in targets:
                raise InputError(
                    f"two lines map onto {indicator_id}"
                    + (f" ({subsector})" if subsector else "")
                    + f": {targets[target]} and {line_id} would be counted twice",
                    where.at("indicator"),
                    expected="one survey line per indicator and sub-sector",
                    found=indicator_id,
                )
            targets[target] = line_id
        elif subsector is not None:
            raise InputError(
                "a sub-sector without an indicator", where.at("subsector"), found=subsector
            )
        basis = _text(entry, "basis", where, required=False) or None
        if basis is not None and basis not in BASES:
            raise InputError(
                "unknown basis", where.at("basis"), expected=", ".join(BASES), found=basis
            )
        respondent_id = _text(entry, "respondent", where, required=False)
        lines.append(
            SurveyLine(
                id=line_id,
                label=_text(entry, "label", where),
                unit=unit,
                indicator=indicator_id,
                subsector=subsector,
                respondent=_respondent(respondent_id, where.at("respondent"))
                if respondent_id
                else default_respondent,
                scope=_text(entry, "scope", where, required=False),
                basis=basis,
                choice=_text(entry, "choice", where, required=False) or None,
                note=_text(entry, "note", where, required=False) or None,
                file_line=start or 0,
            )
        )
    where = _Where(file, text, survey_at)
    return SurveyMapping(
        id=sid,
        name=_text(survey, "name", where),
        publisher=_text(survey, "publisher", where),
        country=country_code,
        respondent=default_respondent,
        source=_text(survey, "source", where),
        url=_text(survey, "url", where, required=False) or None,
        lines=tuple(lines),
        file=file,
    )


@dataclass(frozen=True)
class _Where:
    """Where an entry starts in the text, to name the line of each of its keys."""

    file: str
    text: str
    start: int | None

    def at(self, key: str) -> Location:
        return Location(file=self.file, row=_key_line(self.text, self.start, key), field=key)


def _entry_lines(text: str) -> list[int]:
    return [
        number
        for number, line in enumerate(text.splitlines(), start=1)
        if re.match(r"^\s*\[\[\s*line\s*\]\]", line)
    ]


def _table_line(text: str, name: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"^\s*\[\s*{name}\s*\]", line):
            return number
    return None


def _key_line(text: str, start: int | None, key: str) -> int | None:
    if start is None:
        return None
    lines = text.splitlines()
    for number in range(start, len(lines)):
        line = lines[number]
        if re.match(r"^\s*\[", line):
            break
        if re.match(rf"^\s*{re.escape(key)}\s*=", line):
            return number + 1
    return start


def _unknown_keys(
    entry: Any, allowed: tuple[str, ...], file: str, start: int | None, text: str
) -> None:
    if not isinstance(entry, dict):
        raise InputError("not a table", Location(file=file, row=start))
    for key in entry:
        if key not in allowed:
            raise InputError(
                "unknown field",
                Location(file=file, row=_key_line(text, start, key), field=key),
                expected=", ".join(allowed),
                found=key,
            )


def _text(
    entry: dict[str, Any], key: str, where: _Where, *, required: bool = True, pattern: bool = False
) -> str:
    value = entry.get(key, "")
    if not isinstance(value, str):
        raise InputError(
            "not text", where.at(key), expected="a quoted string", found=str(value)[:40]
        )
    value = value.strip()
    if required and not value:
        raise InputError("missing", where.at(key), expected=f'{key} = "..."')
    if len(value) > _MAX_TEXT or any(ord(c) < 32 and c not in "\t" for c in value):
        raise InputError(
            "text too long or with control characters",
            where.at(key),
            expected=f"at most {_MAX_TEXT} printable characters",
            found=value[:40],
        )
    if pattern and not _ID.match(value):
        raise InputError(
            "not an id",
            where.at(key),
            expected="letters, digits, '.', '_' or '-', at most 64",
            found=value[:40],
        )
    return value


def _respondent(rid: str, where: Location) -> str:
    if rid not in respondents():
        raise InputError(
            "unknown respondent type", where, expected=", ".join(respondents()), found=rid
        )
    return rid
