"""The public pages of the register of endorsements of the COP29 Declaration on Green Digital
Action: the list (filters by kind, region, objective; counts per ITU and M49 region and per
objective, with the commitments' progress) and one endorser (objectives, commitments with
their live progress, history). Cached while the data holds: a newly accepted value changes
the data version, so the progress shown is never stale."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from ictfootprint.api.endorsements import ID
from ictfootprint.api.reads import store_of
from ictfootprint.errors import NotFoundError
from ictfootprint.portal import endorsements as register
from ictfootprint.portal.commitment_progress import commitment_progress, objective_progress
from ictfootprint.reference.catalogue import catalogue
from ictfootprint.reference.countries import regions
from ictfootprint.reference.objectives import declaration, objectives
from ictfootprint.web import endorsement_forms
from ictfootprint.web.pages import Lang, names, public_page

router = APIRouter(include_in_schema=False)
# the editors' desk first: its /endorsements/new must not be read as an endorsement's id
router.include_router(endorsement_forms.router)
Choice = Annotated[str, Query(max_length=20, pattern="^[A-Za-z0-9-]*$")]


def _regions(lang: str) -> dict[str, list[tuple[str, str]]]:
    known = regions()
    return {
        kind: [(code, r.name(lang)) for code, r in known.items() if r.kind == kind]
        for kind in ("itu_region", "m49_region")
    }


@router.get("/{lang:lang}/endorsements")
async def endorsements_page(
    request: Request, lang: Lang, kind: Choice = "", region: Choice = "", objective: Choice = ""
) -> Response:
    if kind and kind not in register.KINDS:
        raise NotFoundError(f"no kind of endorser {kind!r}")
    if objective and objective not in objectives():
        raise NotFoundError(f"no objective {objective!r}")
    if region and region not in regions():
        raise NotFoundError(f"no region {region!r}")

    def build() -> dict[str, Any]:
        store = store_of(request)
        found = register.list_endorsements(
            store, kind=kind or None, region=region or None, objective_id=objective or None
        )
        every = register.list_endorsements(store)
        progress = objective_progress(
            [commitment_progress(store, c) for c in register.commitments(store)]
        )
        return {
            **names(lang),
            "rows": found,
            "counts": register.counts(every),
            "progress": progress,
            "objectives": objectives(),
            "declaration": declaration(),
            "region_choices": _regions(lang),
            "region_names": {code: r.name(lang) for code, r in regions().items()},
            "chosen": {"kind": kind, "region": region, "objective": objective},
            "kinds": register.KINDS,
        }

    return await public_page(request, lang, "endorsements.html", build)


@router.get("/{lang:lang}/endorsements/{endorsement_id}")
async def endorsement_page(
    request: Request,
    lang: Lang,
    endorsement_id: Annotated[str, Path(min_length=1, max_length=64, pattern=ID)],
) -> Response:
    def build() -> dict[str, Any]:
        store = store_of(request)
        record = register.get_endorsement(store, endorsement_id)
        ids = {record.current.entity_id} | {c.entity_id for c in record.commitments}
        linked = [i for i in ids if i]
        published = {i for i in linked if store.is_published(i)}
        entity_names = {e.id: e.name for e in store.entities(linked)}
        return {
            **names(lang),
            "record": record,
            "current": record.current,
            "commitments": [(c, commitment_progress(store, c)) for c in record.commitments],
            "objectives": objectives(),
            "catalogue": catalogue(),
            "published": published,
            "entity_names": entity_names,
            "declaration": declaration(),
        }

    return await public_page(request, lang, "endorsement.html", build)
