"""What the data rules see of the store (:class:`.registry.Context`), read in a few queries:
the entity's accepted current values (every year: its history), the grid factors of every
country its electricity and Scope 2 are in, and its peers' totals.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, Final

from ictfootprint.collection.checked import Checked
from ictfootprint.collection.registry import Context, Key
from ictfootprint.model import Entity, EntityKind, ResolvedFactor, StoredObservation
from ictfootprint.reference.catalogue import catalogue
from ictfootprint.reference.loader import defaults
from ictfootprint.store import Store
from ictfootprint.store.observations import best_available


def rule_context(store: Store, entity: Entity, checked: list[Checked]) -> Context:
    """The context of a file's data rules: its values and what the store holds around them."""
    accepted = {
        (o.indicator_id, o.year, o.country, o.subsector): o
        for o in best_available(
            store.current_observations(
                entity_ids=[entity.id], methods=["reported", "statistical", "estimated"]
            )
        )
    }
    return Context(
        entity,
        checked,
        accepted,
        _factor_lookup(store, entity, checked, accepted.values()),
        peers=peer_figures(store, entity, checked),
    )


def _factor_lookup(
    store: Store, entity: Entity, checked: list[Checked], accepted: Iterable[StoredObservation]
) -> Any:
    """Grid factors for every (country, year) the Scope 2 rule may ask for, in one query: the
    countries of the file's and the accepted electricity and Scope 2, and the entity's own
    and operating countries, for the years of the file's (a missed pair is asked then)."""
    wanted = {"energy_electricity", "ghg_scope2_location"}
    mine = [c for c in checked if c.indicator_id in wanted]
    years = {c.year for c in mine}
    countries = {entity.country, *entity.countries_of_operation}
    countries |= {c.country for c in mine}
    countries |= {o.country for o in accepted if o.indicator_id in wanted and o.year in years}
    factors = store.resolve_grid_factors((a, y) for a in countries if a for y in years)

    def lookup(country: str, year: int) -> ResolvedFactor | None:
        if (country, year) not in factors:
            factors.update(store.resolve_grid_factors([(country, year)]))
        return factors[(country, year)]

    return lookup


def peer_figures(
    store: Store, entity: Entity, checked: list[Checked]
) -> dict[str, dict[Key, float]]:
    """The figures the intensity rule compares with: the totals (all countries and
    sub-sectors) of the entities sharing the entity's first sub-sector, for the years of the
    file's values of an intensity's indicators, as :func:`.sector_frame.entity_totals` gives
    them (reported, statistical or calculated; never estimated)."""
    if not entity.subsectors:
        return {}
    pairs = [str(r).partition("/") for r in defaults()["validation"]["intensity_ratios"]]
    known = catalogue()
    names = {n.strip() for n, _, d in pairs for n in (n, d) if n.strip() in known}
    wanted = sorted({i for n in names for i in (n, *known[n].components)})
    years = sorted({c.year for c in checked if c.indicator_id in wanted})
    if not years:
        return {}
    group = entity.subsectors[0]
    peers = {
        e.id
        for e in store.entities()
        if e.id != entity.id and group in e.subsectors and e.kind in _REPORTERS
    }
    if not peers:
        return {}
    # each peer's own total of all its countries and sub-sectors, a combined figure or the
    # sum of its components, read as the sector's totals read it (one query, vectorised)
    from ictfootprint.compute.quantities import Quantity
    from ictfootprint.compute.sector_frame import entity_totals

    quantities = [Quantity(n, "", known[n].unit or "", known[n].components) for n in sorted(names)]
    # one bound parameter a peer: SQLite takes 32,766 (a sample of the first, by id, beyond)
    named = sorted(peers)[:_MAX_PEERS]
    frame = entity_totals(store, quantities, named, years=years)
    found: dict[str, dict[Key, float]] = {}
    for row in frame[frame["status"] == "complete"].to_dict("records"):
        value = float(row["value"])
        if math.isfinite(value):
            key = (str(row["quantity"]), int(row["year"]), None, None)
            found.setdefault(str(row["entity_id"]), {})[key] = value
    return found


_REPORTERS: Final = (EntityKind.COMPANY, EntityKind.FACILITY, EntityKind.ORGANISATION)
_MAX_PEERS: Final = 30000
