"""What the data explorer's filters offer: the regions by scheme, and the entities with a
published value, kept between requests as columns (:class:`Labels`) and made into labels only
for those a page lists."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, Final

from ictfootprint.api.filters import ObservationFilters
from ictfootprint.model import EntityKind
from ictfootprint.reference.countries import countries, region_members, regions
from ictfootprint.store import Store
from ictfootprint.store.published import EntityLabel

_AREA_KINDS: Final = (EntityKind.COUNTRY, EntityKind.REGION, EntityKind.WORLD)
REGION_GROUPS: Final = (
    ("UN M49", ("world", "m49_region", "m49_subregion", "m49_intermediate_region")),
    ("ITU regions", ("itu_region",)),
    ("Other groups", ("group",)),
)


def region_groups() -> list[tuple[str, list[Any]]]:
    """The explorer's regions by scheme (M49 and ITU both have an "Africa"), in the reference
    data's order (a region, then its sub-regions)."""
    found = list(regions().values())
    return [(label, [r for r in found if r.kind in kinds]) for label, kinds in REGION_GROUPS]


# The most entities the explorer's entity list offers at once: a national store has a few
# dozen, a global one ten thousand (a list of 10,000 options is 700 kB of page and useless on a
# phone). Beyond it, the list holds the entities of the chosen countries, and an entity id can
# be typed.
ENTITY_CHOICES_MAX: Final = 300


@dataclass(frozen=True)
class Labels:
    """The published entities as columns (what is kept): a label is made only for an entity
    a page lists. Reading back 10,200 labels took 35 ms of the explorer at 4.4 M values."""

    ids: list[str]
    names: list[str]
    kinds: list[str]
    countries: list[str | None]

    @classmethod
    def of(cls, labels: list[EntityLabel]) -> Labels:
        return cls(
            [e.id for e in labels],
            [e.name for e in labels],
            [e.kind.value for e in labels],
            [e.country for e in labels],
        )

    def __len__(self) -> int:
        return len(self.ids)

    def areas(self) -> list[str]:
        """The countries with an entity (an area entity counts as its own)."""
        known = countries()
        return sorted(
            {c or i for i, c in zip(self.ids, self.countries, strict=True)} & known.keys()
        )

    def labels(self, chosen: set[str] | None = None, limit: int | None = None) -> list[EntityLabel]:
        """The entities (in ``chosen`` countries, or named in it, when given), the first
        ``limit``."""
        found: list[EntityLabel] = []
        for i, entity in enumerate(self.ids):
            if limit is not None and len(found) >= limit:
                break
            area = self.countries[i] or entity
            if chosen is None or area in chosen or entity in chosen:
                kind = _KINDS[self.kinds[i]]
                found.append(EntityLabel(entity, self.names[i], kind, self.countries[i]))
        return found


_KINDS: Final = {k.value: k for k in EntityKind}


def published_labels(store: Store) -> Labels:
    """:meth:`Store.published_entity_labels`, kept between requests while the data holds
    (:mod:`ictfootprint.compute.kept_answers`): 10,200 entities with a published value at
    4.4 M values took 70 ms of the explorer's 110 ms on PostgreSQL."""
    from ictfootprint.compute.kept_answers import answer

    return answer(
        store,
        "entity_labels",
        {"form": "columns"},
        lambda: Labels.of(store.published_entity_labels()),
        asdict,
        lambda kept: Labels(**kept),
        shared=True,  # frozen, and only read: one decoded copy a process (3 ms a page)
    )


def filter_choices(
    store: Store, filters: ObservationFilters, area_name: Callable[[str], str]
) -> dict[str, Any]:
    """What the explorer's selects offer: published entities (by name, ``area_name`` in the
    page's language for countries and regions; all of them, or those of the chosen countries
    when there are more than ``ENTITY_CHOICES_MAX``) and the countries they are in."""
    entities = published_labels(store)
    areas = entities.areas()
    if len(entities) > ENTITY_CHOICES_MAX:
        chosen = set(filters.countries or ()) | set(filters.entity or ())
        listed = entities.labels(chosen, ENTITY_CHOICES_MAX)
    else:
        listed = entities.labels()
    return {
        "entities": listed,
        "entities_capped": len(listed) < len(entities),
        "entity_names": {
            e.id: area_name(e.id) if e.kind in _AREA_KINDS else e.name for e in listed
        },
        "countries": areas,
        "selected_countries": sorted(filters.countries or ()),
        "region_members": region_members,
    }
