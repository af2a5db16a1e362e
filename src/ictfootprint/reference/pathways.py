"""Emission pathways (L.1470 sector trajectory, SBTi absolute contraction) read as data.

A pathway says what it was derived for (``applies_to``: world, region, country, subsector,
entity; ``subsectors`` when it is a sub-sector's own) and which gas it counts (``gas``: co2e,
or co2 for a CO2-only variant, ``variant_of`` the pathway it repeats). Applied anywhere else
it is *indicative*: :func:`applicability` says so, why, and which pathways would be the
place's own. A user's own pathway or national target comes from a file
(:mod:`.pathway_file`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import cache
from typing import Any, Final

from ictfootprint.errors import InputError, Location, ReferenceDataError
from ictfootprint.reference.loader import read_toml

LEVELS: Final = ("world", "region", "country", "subsector", "entity")
ENTITY_KINDS: Final = ("company", "facility", "organisation")
GASES: Final = ("co2e", "co2")
GAS_NAMES: Final = {"co2e": "CO2e", "co2": "CO2"}
KINDS: Final = ("points", "annual-linear")
# what a user's own file offers, among the alternatives to an indicative comparison
OWN_FILE: Final = {
    "id": "file",
    "name": "a national target or a pathway of your own from a file (--pathway-file: base "
    "year, target year, reduction, source)",
    "source": "your file",
}


@dataclass(frozen=True)
class Pathway:
    id: str
    name: str
    source: str
    applies_to: tuple[str, ...]
    scopes: tuple[str, ...]
    kind: str
    base_year: int | None = None
    points: tuple[tuple[int, float], ...] = ()
    annual_reduction: float | None = None
    subsectors: tuple[str, ...] = ()
    gas: str = "co2e"
    variant_of: str | None = None
    covers: str = ""
    #: the kinds of entity an entity pathway is meant for (empty: any)
    entity_kinds: tuple[str, ...] = ()

    def share(self, year: int, base_year: int | None = None) -> float:
        """Share of base-year emissions on the path in ``year``.

        >>> pathway("l1470-sector").share(2030)
        0.55
        """
        if self.kind == "annual-linear":
            start = base_year if base_year is not None else self.base_year
            if start is None or self.annual_reduction is None:
                raise InputError(
                    f"pathway {self.id} needs a base year", Location(field="base_year")
                )
            return max(0.0, 1.0 - self.annual_reduction * (year - start))
        if base_year is not None and base_year != self.base_year:
            raise InputError(
                f"pathway {self.id} is defined from {self.base_year}",
                Location(field="base_year"),
                expected=str(self.base_year),
                found=str(base_year),
            )
        (first_year, _), (last_year, last_share) = self.points[0], self.points[-1]
        if year < first_year:
            raise InputError(
                f"pathway {self.id} starts in {first_year}",
                Location(field="year"),
                expected=f">= {first_year}",
                found=str(year),
            )
        if year >= last_year:
            return last_share
        for (y0, s0), (y1, s1) in zip(self.points, self.points[1:], strict=False):
            if y0 <= year <= y1:
                return s0 + (s1 - s0) * (year - y0) / (y1 - y0)
        raise ReferenceDataError(f"pathway {self.id}: points do not cover {year}")

    def check_scope(self, scope: str) -> None:
        """Comparing data of a scope the pathway does not cover is an error."""
        if scope not in self.scopes:
            raise InputError(
                f"pathway {self.id} does not cover scope {scope}",
                Location(field="scope"),
                expected=" or ".join(self.scopes),
                found=scope,
            )


def _field(entry: dict[str, Any], name: str, kind: type | tuple[type, ...], where: Location) -> Any:
    """``entry[name]`` of type ``kind``, or an error naming the field."""
    if name not in entry:
        raise InputError(
            "missing field", Location(where.file, row=where.row, field=name), expected=name
        )
    value = entry[name]
    if not isinstance(value, kind) or isinstance(value, bool):
        names = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
        raise InputError(
            "wrong type",
            Location(where.file, row=where.row, field=name),
            expected=names,
            found=repr(value),
        )
    return value


def _texts(
    entry: dict[str, Any], name: str, where: Location, allowed: tuple[str, ...] | None = None
) -> tuple[str, ...]:
    value = entry.get(name, [])
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
        raise InputError(
            "expected a list of texts",
            Location(where.file, row=where.row, field=name),
            found=repr(value),
        )
    for item in items:
        if allowed is not None and item not in allowed:
            raise InputError(
                f"unknown {name} value",
                Location(where.file, row=where.row, field=name),
                expected=", ".join(allowed),
                found=item,
            )
    return tuple(items)


def pathway_from_dict(entry: dict[str, Any], where: Location | None = None) -> Pathway:
    """A pathway from one ``[[pathway]]`` table (the grammar of pathways.toml); a missing or
    wrong field is an :class:`InputError` naming it (and ``where``'s file)."""
    at = where or Location()
    identity = {name: _field(entry, name, str, at) for name in ("id", "name", "source")}
    kind = _field(entry, "kind", str, at)
    if kind not in KINDS:
        raise InputError(
            "unknown pathway kind",
            Location(at.file, row=at.row, field="kind"),
            ", ".join(KINDS),
            kind,
        )
    points: tuple[tuple[int, float], ...] = ()
    if kind == "points":
        raw = _field(entry, "points", list, at)
        try:
            points = tuple((int(y), float(v)) for y, v in raw)
        except (TypeError, ValueError):
            raise InputError(
                "points are [year, share] pairs",
                Location(at.file, row=at.row, field="points"),
                expected="[[2020, 1.0], [2030, 0.55]]",
                found=repr(raw)[:80],
            ) from None
        years = [y for y, _ in points]
        if len(points) < 2 or years != sorted(set(years)):
            raise InputError(
                "points need two years or more, in year order",
                Location(at.file, row=at.row, field="points"),
                found=repr(raw)[:80],
            )
        if any(not 0 <= v <= 10 for _, v in points):
            raise InputError(
                "a share of base-year emissions is out of range",
                Location(at.file, row=at.row, field="points"),
                expected="0 to 10",
                found=repr(raw)[:80],
            )
    annual = entry.get("annual_reduction")
    if kind == "annual-linear":
        annual = float(_field(entry, "annual_reduction", (int, float), at))
    gas = entry.get("gas", "co2e")
    if gas not in GASES:
        raise InputError(
            "unknown gas", Location(at.file, row=at.row, field="gas"), ", ".join(GASES), gas
        )
    base_year = entry.get("base_year")
    if base_year is not None or kind == "points":
        base_year = _field(entry, "base_year", int, at)
    return Pathway(
        **identity,
        applies_to=_texts(entry, "applies_to", at, LEVELS) or LEVELS,
        scopes=_texts(entry, "scopes", at) or ("1+2-location", "1+2-market"),
        kind=kind,
        base_year=base_year,
        points=points,
        annual_reduction=annual,
        subsectors=_texts(entry, "subsectors", at),
        gas=gas,
        variant_of=entry.get("variant_of"),
        covers=str(entry.get("covers", "")),
        entity_kinds=_texts(entry, "entity_kinds", at, ENTITY_KINDS),
    )


@cache
def pathways() -> dict[str, Pathway]:
    result = {}
    for entry in read_toml("pathways.toml")["pathway"]:
        try:
            path = pathway_from_dict(entry, Location(file="pathways.toml"))
        except InputError as exc:
            raise ReferenceDataError(exc.one_line()) from None
        if path.variant_of is not None and path.variant_of not in result:
            raise ReferenceDataError(f"pathways.toml: {path.id} varies an unknown pathway")
        result[path.id] = path
    return result


def pathway(pathway_id: str) -> Pathway:
    found = pathways().get(pathway_id)
    if found is None:
        raise InputError(
            "unknown pathway",
            Location(field="pathway"),
            expected=", ".join(pathways()),
            found=pathway_id,
        )
    return found


def for_gas(path: Pathway, gas: str) -> Pathway:
    """``path`` for a series of ``gas``: itself, or its shipped variant for that gas (the
    CO2-only variant of L.1470); none is an error, not a CO2e path laid on a CO2 series."""
    if gas not in GASES:
        raise InputError("unknown gas", Location(field="gas"), expected=", ".join(GASES), found=gas)
    if path.gas == gas:
        return path
    root = path.variant_of or path.id
    for other in pathways().values():
        if other.gas == gas and (other.variant_of or other.id) == root:
            return other
    raise InputError(
        f"pathway {path.id} counts {GAS_NAMES[path.gas]}: it has no {GAS_NAMES[gas]} variant",
        Location(field="gas"),
        expected=", ".join(p.id for p in pathways().values() if p.gas == gas) or "none shipped",
        found=path.id,
    )


@dataclass(frozen=True)
class Applicability:
    """Whether a comparison with a pathway is the place's own or indicative, and why."""

    indicative: bool
    # sector-pathway-on-a-part | another-level | another-subsector | another-kind
    reason: str | None
    note: str | None
    alternatives: tuple[dict[str, str], ...]

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["alternatives"] = list(self.alternatives)
        return data


def _own(
    path: Pathway, level: str, subsectors: tuple[str, ...], entity_kind: str | None = None
) -> bool:
    if level not in path.applies_to:
        return False
    if level == "entity" and path.entity_kinds and entity_kind not in path.entity_kinds:
        return False  # an organisation's pathway (the UN system's) is not a company's
    return not path.subsectors or bool(set(path.subsectors) & set(subsectors))


def applicability(
    path: Pathway,
    level: str,
    key: str,
    subsectors: tuple[str, ...] = (),
    entity_kind: str | None = None,
) -> Applicability:
    """Is ``path`` the own pathway of ``level``/``key`` (an entity of ``entity_kind`` or a
    sub-sector with ``subsectors``)? If not, the comparison is indicative: the note says why,
    and the alternatives are the shipped pathways that are its own, then a file of the
    user's own.

    >>> a = applicability(pathway("l1470-sector"), "country", "FRA")
    >>> a.indicative, a.reason, [x["id"] for x in a.alternatives]
    (True, 'sector-pathway-on-a-part', ['file'])
    """
    if _own(path, level, subsectors, entity_kind):
        return Applicability(False, None, None, ())
    place = f"{'the world' if level == 'world' else level + ' ' + key}"
    covers = path.covers or " and ".join(path.subsectors or path.applies_to)
    if path.applies_to == ("world",):
        reason = "sector-pathway-on-a-part"
        why = (
            "a global sector pathway applied to a part of the sector does not say how much "
            "that part must cut"
        )
    elif level in path.applies_to and path.entity_kinds and entity_kind not in path.entity_kinds:
        reason = "another-kind"
        why = (
            f"it is meant for an {' or '.join(path.entity_kinds)}, "
            f"not for {'a ' + entity_kind if entity_kind else 'an entity of another kind'}"
        )
    elif level in path.applies_to:
        reason = "another-subsector"
        why = f"its figures are for {' and '.join(path.subsectors)} only"
    else:
        reason = "another-level"
        why = f"it is meant for {' and '.join(path.applies_to)}, not for a {level}"
    alternatives = tuple(
        {"id": p.id, "name": p.name, "source": p.source}
        for p in pathways().values()
        if p.id != path.id and p.gas == path.gas and _own(p, level, subsectors, entity_kind)
    )
    return Applicability(
        True,
        reason,
        f"{path.name} is a pathway for {covers}; applied to {place} it is indicative: {why}",
        (*alternatives, OWN_FILE),
    )
