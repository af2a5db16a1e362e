"""The objectives of the COP29 Declaration on Green Digital Action (``gda-1`` … ``gda-8``),
read from ``gda_objectives.toml`` with the declaration's source.

An objective whose text could not be established from a citable source is kept with its id
(``established`` false, no title or summary): commitments and filters may name it, pages say
that its text is not yet recorded. Nothing here is invented to fill a gap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ictfootprint.errors import InputError, Location, ReferenceDataError
from ictfootprint.reference.loader import data_file, read_toml

FILE = "gda_objectives.toml"


@dataclass(frozen=True)
class Objective:
    id: str
    number: int
    established: bool
    title: str
    summary: str
    # the title and summary in the other UN languages (English above)
    titles: dict[str, str] = field(default_factory=dict)
    summaries: dict[str, str] = field(default_factory=dict)

    def title_in(self, lang: str) -> str:
        return self.titles.get(lang, self.title)

    def summary_in(self, lang: str) -> str:
        return self.summaries.get(lang, self.summary)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "number": self.number,
            "established": self.established,
            "title": self.title or None,
            "summary": self.summary or None,
        }


@cache
def objectives() -> dict[str, Objective]:
    """Every objective by id, in the declaration's order."""
    raw = read_toml(FILE)["objective"]
    found: dict[str, Objective] = {}
    for oid, entry in raw.items():
        item = Objective(
            id=oid,
            number=int(entry["number"]),
            established=bool(entry["established"]),
            title=str(entry["title"]),
            summary=str(entry["summary"]),
            titles={k: str(v) for k, v in entry.get("titles", {}).items()},
            summaries={k: str(v) for k, v in entry.get("summaries", {}).items()},
        )
        if oid != f"gda-{item.number}" or (item.established and not item.summary):
            raise ReferenceDataError(f"{FILE}: {oid}: id and number differ, or no summary")
        found[oid] = item
    return dict(sorted(found.items(), key=lambda kv: kv[1].number))


def declaration() -> dict[str, str]:
    """The declaration's title, event, date and source, and the file's provenance."""
    entry = dict(read_toml(FILE)["declaration"])
    entry["version"] = data_file(FILE).version
    return entry


def objective(oid: str, where: Location | None = None) -> Objective:
    found = objectives().get(oid.strip().lower())
    if found is None:
        raise InputError(
            "unknown objective",
            where or Location(field="objective"),
            expected=", ".join(objectives()),
            found=oid[:40],
        )
    return found
