"""The world view of national monitoring arrangements (issue 16, item 7): who has a mandate
for what, by country and ITU region, with counts; public, from the accepted answers of the
national focal points (``surveys/arrangements.py``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from ictfootprint.api.reads import store_of
from ictfootprint.reference.catalogue import catalogue
from ictfootprint.surveys.arrangements import COLLECTS, questions, world_arrangements
from ictfootprint.web.pages import Lang, names, public_page

router = APIRouter(include_in_schema=False)


@router.get("/{lang:lang}/arrangements")
async def arrangements_page(
    request: Request,
    lang: Lang,
    region: Annotated[str | None, Query(pattern="^ITU-[A-Z]{3}$")] = None,
) -> Response:
    def build() -> dict[str, Any]:
        world = world_arrangements(store_of(request), region=region)
        known = catalogue()
        return {
            **names(lang),
            "world": world,
            "counts": world.counts(),
            "by_region": world.by_region(),
            "questions": [q for q in questions() if known[q].categories],
            "collects": COLLECTS,
            "region": region,
        }

    return await public_page(request, lang, "arrangements.html", build)
