"""An organisation's report (issue 19): its inventory (:mod:`.inventory`) and its comparison
with the UN system's pathway (-45 % from 2010 by 2030), or what data the comparison still
needs. What the web page, the API and the CLI show; no figure is computed anywhere else."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from ictfootprint.assess.inventory import Inventory, read_inventory
from ictfootprint.assess.trajectories import Assessment, assess_trajectory
from ictfootprint.errors import InputError, NotFoundError
from ictfootprint.model import Entity, EntityKind
from ictfootprint.reference.pathways import pathway as pathway_named
from ictfootprint.store import Store

PATHWAY: Final = "un-system-2030"


@dataclass(frozen=True)
class Missing:
    """Why the pathway cannot be drawn: the base year without a complete inventory, and the
    indicators that would complete it (submit or import them)."""

    base_year: int
    indicators: tuple[str, ...]
    message: str


@dataclass(frozen=True)
class OrganisationReport:
    entity: Entity
    inventory: Inventory
    pathway_id: str
    scope: str
    assessment: Assessment | None
    missing: Missing | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "entity": self.entity.model_dump(mode="json"),
            "illustrative": self.entity.illustrative,
            "inventory": self.inventory.as_dict(),
            "pathway_id": self.pathway_id,
            "scope": self.scope,
            "trajectory": self.assessment.as_dict() if self.assessment else None,
            "missing": None
            if self.missing is None
            else {
                "base_year": self.missing.base_year,
                "indicators": list(self.missing.indicators),
                "message": self.missing.message,
            },
        }


def organisation_report(
    store: Store, entity_id: str, pathway_id: str = PATHWAY, basis: str = "location"
) -> OrganisationReport:
    """The report of the organisation ``entity_id`` (an entity of kind organisation)."""
    entity = store.find_entity(entity_id)
    if entity is None or entity.kind is not EntityKind.ORGANISATION:
        raise NotFoundError(f"no organisation {entity_id!r}")
    inventory = read_inventory(store, entity.id, basis)
    path = pathway_named(pathway_id)
    scope = f"1+2+3-{basis}"
    assessment: Assessment | None = None
    missing: Missing | None = None
    base_year = path.base_year or (min(inventory.totals) if inventory.totals else 0)
    if base_year in inventory.totals:
        assessment = assess_trajectory(
            store, level="entity", key=entity.id, scope=scope, pathway=path
        )
    else:
        scope2 = f"ghg_scope2_{basis}"
        needed = inventory.incomplete.get(base_year) or (
            "ghg_scope1",
            scope2,
            "ghg_scope3_total or a Scope 3 category",
        )
        try:  # the one wording of the error, as the CLI gives it
            assess_trajectory(store, level="entity", key=entity.id, scope=scope, pathway=path)
            message = ""
        except InputError as exc:
            message = exc.one_line()
        missing = Missing(base_year, tuple(needed), message)
    return OrganisationReport(entity, inventory, path.id, scope, assessment, missing)
