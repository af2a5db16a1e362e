"""What an entity's series will hold once a submission is accepted: the file's value where the
file brings one, else the accepted current value. The cross-submission rules
(:mod:`.crosschecks`) compare these, so that electricity accepted last year and Scope 2 sent
today are checked together, and a restated component is checked against the totals it feeds.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ictfootprint.collection.checked import Checked
from ictfootprint.collection.consistency import shown
from ictfootprint.collection.registry import Context, Key
from ictfootprint.model import StoredObservation
from ictfootprint.reference.catalogue import catalogue


@dataclass(frozen=True)
class Held:
    """One value of a series after acceptance, and where it comes from."""

    indicator_id: str
    value: float
    method: str
    item: Checked | None = None  # the file's value, when the file brings it
    before: StoredObservation | None = None  # the accepted value (restated when item is set)

    @property
    def where(self) -> str:
        if self.item is not None:
            text = self.item.raw.where.describe()
            if self.before is not None and self.before.value not in (None, self.value):
                assert self.before.value is not None
                text += f", restating {shown(self.before.value)} (revision {self.before.revision})"
            return text
        assert self.before is not None
        return f"accepted, revision {self.before.revision}"


def current_values(
    context: Context, indicators: Iterable[str], *, estimates: bool = True
) -> dict[Key, Held]:
    """The finite values of ``indicators`` after acceptance, by key (file over store)."""
    wanted = set(indicators)
    held: dict[Key, Held] = {}
    for key, obs in context.accepted.items():
        if key[0] in wanted and _usable(obs.value) and (estimates or obs.method != "estimated"):
            assert obs.value is not None
            held[key] = Held(key[0], obs.value, obs.method.value, before=obs)
    for key, item in context.by_key.items():
        if key[0] in wanted and _usable(item.value) and (estimates or item.method != "estimated"):
            assert item.value is not None
            held[key] = Held(key[0], item.value, item.method, item, context.accepted.get(key))
    return held


@dataclass(frozen=True)
class Figure:
    """A quantity's value for a year: the indicator itself, or the sum of its components."""

    value: float
    sources: tuple[Held, ...]

    @property
    def from_file(self) -> bool:
        return any(s.item is not None for s in self.sources)

    def where(self) -> str:
        """Where the figure comes from; for a sum, each component's indicator and place."""
        if len(self.sources) == 1:
            return self.sources[0].where
        return "; ".join(f"{s.indicator_id} {s.where}" for s in self.sources)


def figure(
    values: Mapping[Key, Held], indicator: str, year: int, country: str | None, sub: str | None
) -> Figure | None:
    """``indicator`` as held, else the sum of its catalogue components when all are held."""
    own = values.get((indicator, year, country, sub))
    if own is not None:
        return Figure(own.value, (own,))
    parts = catalogue()[indicator].components
    found = [values.get((p, year, country, sub)) for p in parts]
    if not parts or any(f is None for f in found):
        return None
    held = tuple(f for f in found if f is not None)
    return Figure(math.fsum(h.value for h in held), held)


def plain_figure(
    values: Mapping[Key, float], indicator: str, year: int, country: str | None, sub: str | None
) -> float | None:
    """:func:`figure` for plain values (a peer's)."""
    own = values.get((indicator, year, country, sub))
    if own is not None:
        return own
    parts = catalogue()[indicator].components
    found = [values.get((p, year, country, sub)) for p in parts]
    if not parts or any(f is None for f in found):
        return None
    return math.fsum(f for f in found if f is not None)


def _usable(value: float | None) -> bool:
    return value is not None and math.isfinite(value)
