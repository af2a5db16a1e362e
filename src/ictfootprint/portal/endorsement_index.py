"""Endorsements in the knowledge exchange's search (:mod:`ictfootprint.portal.search`): one
document per objective endorsed and per language (so that a search filtered by objective and
language finds it), dropped when the endorsement is withdrawn. Written in the transaction that
changes the endorsement, so the index never says more than the register."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from ictfootprint.portal import search
from ictfootprint.reference.catalogue import LANGUAGES
from ictfootprint.reference.countries import countries
from ictfootprint.reference.objectives import objectives

KIND = "endorsement"


def _ref(endorsement_id: str, objective_id: str) -> str:
    return f"{endorsement_id}/{objective_id}"


def drop(connection: Connection, endorsement_id: str) -> None:
    for oid in objectives():
        search.drop_document(connection, kind=KIND, ref=_ref(endorsement_id, oid))


def index(connection: Connection, endorsement_id: str, values: dict[str, Any]) -> None:
    """(Re-)index an endorsement in force from its revision's values."""
    drop(connection, endorsement_id)
    if values["state"] != "endorsed":
        return
    # a fictitious endorser of the demonstration says so wherever it is found
    title = f"{values['name']} (illustrative)" if values.get("illustrative") else values["name"]
    country = countries().get(values["country"])
    known = objectives()
    for oid in values["objectives"]:
        item = known[oid]
        for lang in LANGUAGES:
            place = country.name(lang) if country else values["country"]
            search.index_document(
                connection,
                kind=KIND,
                ref=_ref(endorsement_id, oid),
                lang=lang,
                title=title,
                text=" ".join(
                    part
                    for part in (
                        place,
                        values["kind"],
                        f"COP29 Green Digital Action {oid}",
                        item.title_in(lang),
                        item.summary_in(lang),
                    )
                    if part
                ),
                url=f"/{lang}/endorsements/{endorsement_id}",
                country=values["country"],
                objective=oid,
            )
