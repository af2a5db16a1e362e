"""A fictitious organisation's inventory stored as travel19 stores one (spec21.md, issue 19):
calculated observations of an ``organisation`` entity, the ``ghg_scope3_c06`` one with its
business-travel breakdown in the lineage. Totals S1 + S2 + S3: 3,500 t in 2010 (the UN
system's base year), 1,969 t in 2022 and 2,582 t in 2023 (+31 %), the figures of the ITU
implementation report; the breakdown adds up to the travel figure of each year."""

from __future__ import annotations

from typing import Any, Final

from ictfootprint.model import Entity, EntityKind, Method, Observation
from ictfootprint.store import Store

ORG: Final = "org-fixture"
SOURCE: Final = "ictfootprint business-travel calculation (fixture), DESNZ 2024 factors"
FACTOR_SOURCE: Final = (
    "UK Government GHG Conversion Factors for Company Reporting 2024 (DESNZ), "
    "Open Government Licence v3.0"
)
# year → (Scope 1, Scope 2 location-based, breakdown of Scope 3.6)
INVENTORY: Final[dict[int, tuple[float, float, list[dict[str, Any]]]]] = {
    2010: (
        400.0,
        900.0,
        [
            {"mode": "air", "haul": "long-haul", "cabin": "economy", "legs": 500,
             "passenger_km": 4_000_000.0, "tco2e": 2_000.0},
            {"mode": "hotel", "nights": 1_200, "tco2e": 200.0},
        ],
    ),
    2022: (
        120.0,
        249.0,
        [
            {"mode": "air", "haul": "short-haul", "cabin": "economy", "legs": 400,
             "passenger_km": 300_000.0, "tco2e": 50.0},
            {"mode": "air", "haul": "long-haul", "cabin": "economy", "legs": 300,
             "passenger_km": 2_400_000.0, "tco2e": 500.0},
            {"mode": "air", "haul": "long-haul", "cabin": "business", "legs": 150,
             "passenger_km": 1_200_000.0, "tco2e": 950.0},
            {"mode": "rail", "legs": 100, "passenger_km": 50_000.0, "tco2e": 2.0},
            {"mode": "hotel", "nights": 800, "tco2e": 98.0},
        ],
    ),
    2023: (
        115.0,
        247.0,
        [
            {"mode": "air", "haul": "short-haul", "cabin": "economy", "legs": 500,
             "passenger_km": 380_000.0, "tco2e": 63.0},
            {"mode": "air", "haul": "long-haul", "cabin": "economy", "legs": 420,
             "passenger_km": 3_300_000.0, "tco2e": 690.0},
            {"mode": "air", "haul": "long-haul", "cabin": "business", "legs": 200,
             "passenger_km": 1_600_000.0, "tco2e": 1_300.0},
            {"mode": "rail", "legs": 120, "passenger_km": 60_000.0, "tco2e": 2.5},
            {"mode": "hotel", "nights": 1_000, "tco2e": 164.5},
        ],
    ),
}  # fmt: skip


def observations(
    entity_id: str = ORG, years: tuple[int, ...] = (2010, 2022, 2023)
) -> list[Observation]:
    found = []
    for year in years:
        scope1, scope2, breakdown = INVENTORY[year]
        travel = sum(row["tco2e"] for row in breakdown)
        lineage = {
            "calculation": "business-travel",
            "factor_set": "desnz-2024",
            "factor_source": FACTOR_SOURCE,
            "radiative_forcing": True,
            "distance_uplift": 0.08,
            "breakdown": breakdown,
        }
        for indicator, value, extra in (
            ("ghg_scope1", scope1, {}),
            ("ghg_scope2_location", scope2, {}),
            ("ghg_scope3_c06", travel, lineage),
        ):
            found.append(
                Observation(
                    entity_id=entity_id,
                    indicator_id=indicator,
                    year=year,
                    value=value,
                    unit="tCO2e",
                    method=Method.CALCULATED,
                    source=SOURCE,
                    country="CHE",
                    lineage=extra,
                )
            )
    return found


def add_organisation(
    store: Store, entity_id: str = ORG, years: tuple[int, ...] = (2010, 2022, 2023)
) -> None:
    """The organisation and its inventory of ``years``, through the store's public API."""
    store.add_entity(
        Entity(
            id=entity_id,
            name="Fixture international organisation (illustrative data)",
            kind=EntityKind.ORGANISATION,
            country="CHE",
            illustrative=True,
        )
    )
    store.record_observations(observations(entity_id, years))
