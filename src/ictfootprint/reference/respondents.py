"""Respondent types of a data collection (telecom operator, data-centre operator, ...) and the
indicators each is asked for, read from ``respondents.toml``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ictfootprint.errors import InputError, Location, ReferenceDataError
from ictfootprint.reference.catalogue import LANGUAGES, catalogue, language
from ictfootprint.reference.loader import read_toml


@dataclass(frozen=True)
class Respondent:
    id: str
    names: dict[str, str]
    subsectors: tuple[str, ...]
    required: tuple[str, ...]
    optional: tuple[str, ...]

    def name(self, lang: str = "en") -> str:
        return self.names[language(lang)]

    @property
    def indicators(self) -> tuple[str, ...]:
        """Required then optional, in catalogue order within each group."""
        order = list(catalogue())
        return tuple(sorted(self.required, key=order.index)) + tuple(
            sorted(self.optional, key=order.index)
        )


@cache
def respondents() -> dict[str, Respondent]:
    result = {}
    known = catalogue()
    for rid, entry in read_toml("respondents.toml")["respondent"].items():
        item = Respondent(
            id=rid,
            names=dict(entry["names"]),
            subsectors=tuple(entry["subsectors"]),
            required=tuple(entry["required"]),
            optional=tuple(entry["optional"]),
        )
        missing = [i for i in item.required + item.optional if i not in known]
        twice = set(item.required) & set(item.optional)
        if missing or twice or set(LANGUAGES) - set(item.names):
            raise ReferenceDataError(
                f"respondents.toml: {rid}: unknown {missing}, in both lists {sorted(twice)}, "
                f"or a language missing"
            )
        result[rid] = item
    return result


def respondent(rid: str) -> Respondent:
    found = respondents().get(rid)
    if found is None:
        raise InputError(
            "unknown respondent type",
            Location(field="respondent"),
            expected=", ".join(respondents()),
            found=rid,
        )
    return found
