"""A few illustrative (fictitious) endorsements for the demonstration, labelled so on every
page and in the search: an operator of the illustrative dataset with a commitment whose
progress follows its illustrative figures, a ministry and an organisation. Loaded once."""

from __future__ import annotations

from datetime import date
from typing import Final

from ictfootprint.model import Target
from ictfootprint.portal import endorsements as register
from ictfootprint.store import Store

OPERATOR: Final = "illustrative-op-a"
SOURCE: Final = "Illustrative dataset shipped with ictfootprint (fictitious; not a real commitment)"


def load_illustrative_endorsements(store: Store) -> list[str]:
    """The demonstration's endorsements (none added twice); their ids."""
    wanted = [
        (
            "illustrative-op-a-gda",
            "company",
            "Illustrative Operator A (fictitious)",
            "FRA",
            "email",
            ["gda-1", "gda-3"],
            OPERATOR,
        ),
        (
            "illustrative-ministry-ken",
            "government",
            "Illustrative Ministry of ICT (fictitious)",
            "KEN",
            "note-verbale",
            ["gda-1", "gda-2"],
            None,
        ),
        (
            "illustrative-alliance",
            "organisation",
            "Illustrative Digital Alliance (fictitious)",
            "IND",
            "letter",
            ["gda-3"],
            None,
        ),
    ]
    have = {r.id for r in register.list_endorsements(store, state=None)}
    for eid, kind, name, country, channel, objectives, entity in wanted:
        if eid in have:
            continue
        if entity is not None and store.find_entity(entity) is None:
            continue
        register.add_endorsement(
            store,
            endorsement_id=eid,
            kind=kind,
            name=name,
            country=country,
            endorsed_on=date(2024, 11, 16),
            channel=channel,
            objectives=objectives,
            entity_id=entity,
            illustrative=True,
        )
        if entity is not None:
            target_id = store.add_target(
                Target(
                    entity_id=entity,
                    scope="1+2-location",
                    base_year=2020,
                    target_year=2030,
                    reduction_percent=45.0,
                    source=SOURCE,
                )
            )
            register.add_commitment(
                store,
                eid,
                objective_id="gda-3",
                # its target covers Scope 1 and 2 (location-based); the text is the endorser's
                description="Cut the operator's own greenhouse gases by 45 % from 2020 to "
                "2030, on the ITU-T L.1470 path",
                target_id=target_id,
            )
    return [w[0] for w in wanted]
