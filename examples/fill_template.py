"""How ``reponse-op1.xlsx`` was made: the French telecom-operator template for 2020-2023,
filled with ILLUSTRATIVE, FICTITIOUS figures for "Opérateur 1" (``fr-op-1``).

Run from the repository's root: ``python examples/fill_template.py``. The Scope 2
location-based figures are the electricity times France's grid factor of the year in
``grid_carbon_intensity.csv``, so the submission validates once those factors are imported.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook

from ictfootprint.collection.template import template_bytes

YEARS = (2020, 2021, 2022, 2023)
FRANCE_G_PER_KWH = (59.08, 59.7874, 78.5502, 55.2754)  # grid_carbon_intensity.csv, FRA
ELECTRICITY_MWH = (100_000, 97_000, 93_000, 88_000)
RENEWABLE_MWH = (20_000, 30_000, 40_000, 50_000)
SCOPE1_T = (2_500, 2_350, 2_200, 2_080)
SCOPE2_MARKET_T = (4_700, 4_100, 3_900, 2_100)
SCOPE3_T = (60_000, 58_000, 57_000, 55_000)


def figures() -> dict[str, tuple[float, ...]]:
    scope2_location = tuple(
        round(mwh * g / 1000, 1) for mwh, g in zip(ELECTRICITY_MWH, FRANCE_G_PER_KWH, strict=True)
    )
    diesel_l = (900_000, 850_000, 800_000, 760_000)
    diesel_mwh = tuple(litres * 10 / 1000 for litres in diesel_l)  # about 10 kWh a litre
    return {
        "energy_total": tuple(e + d for e, d in zip(ELECTRICITY_MWH, diesel_mwh, strict=True)),
        "energy_electricity": ELECTRICITY_MWH,
        "energy_electricity_renewable": RENEWABLE_MWH,
        "energy_diesel": diesel_l,
        "energy_mobile_network": (70_000, 68_000, 65_000, 61_000),
        "energy_fixed_network": (25_000, 24_000, 23_000, 22_000),
        "ghg_scope1": SCOPE1_T,
        "ghg_scope2_location": scope2_location,
        "ghg_scope2_market": SCOPE2_MARKET_T,
        "ghg_scope3_total": SCOPE3_T,
        "ghg_s1s2_location": tuple(
            round(a + b, 1) for a, b in zip(SCOPE1_T, scope2_location, strict=True)
        ),
        "ghg_s1s2_market": tuple(a + b for a, b in zip(SCOPE1_T, SCOPE2_MARKET_T, strict=True)),
        "ghg_s1s2s3_location": tuple(
            round(a + b + c, 1) for a, b, c in zip(SCOPE1_T, scope2_location, SCOPE3_T, strict=True)
        ),
        "ghg_s1s2s3_market": tuple(
            a + b + c for a, b, c in zip(SCOPE1_T, SCOPE2_MARKET_T, SCOPE3_T, strict=True)
        ),
        "activity_mobile_lines": (20_100_000, 20_400_000, 20_900_000, 21_300_000),
        "activity_fixed_broadband_lines": (7_900_000, 8_100_000, 8_300_000, 8_400_000),
        "activity_traffic_total": (9_000, 10_500, 12_000, 13_400),
    }


def main() -> None:
    workbook = load_workbook(BytesIO(template_bytes("telecom-operator", "fr", list(YEARS), "xlsx")))
    sheet = workbook.worksheets[1]
    header = [cell.value for cell in sheet[1]]
    source_column = len(YEARS) + 6  # id, name, required, unit, years..., method, source
    values = figures()
    for row in range(2, sheet.max_row + 1):
        indicator = sheet.cell(row=row, column=1).value
        if indicator in values:
            for offset, value in enumerate(values[indicator]):
                sheet.cell(row=row, column=header.index(YEARS[0]) + 1 + offset, value=value)
            sheet.cell(
                row=row, column=source_column, value="Rapport annuel 2023, fictif (illustratif)"
            )
    workbook.save(Path(__file__).with_name("reponse-op1.xlsx"))


if __name__ == "__main__":
    main()
