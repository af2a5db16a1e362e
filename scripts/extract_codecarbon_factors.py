"""Regenerate src/ictfootprint/reference/data/grid_factors_codecarbon.csv from codecarbon.

codecarbon (MIT licence) ships ``data/private_infra/global_energy_mix.json``: per country, the
latest year's carbon intensity of electricity generation (gCO2e/kWh), derived from Our World in
Data's energy dataset (Ember; Energy Institute; CC BY 4.0). We read only that file, from the
wheel, so codecarbon is never a dependency of ictfootprint.

    python scripts/extract_codecarbon_factors.py path/to/codecarbon-3.3.2-py3-none-any.whl
"""

from __future__ import annotations

import csv
import json
import re
import sys
import zipfile
from pathlib import Path

TARGET = Path(__file__).parents[1] / "src/ictfootprint/reference/data/grid_factors_codecarbon.csv"
MEMBER = "codecarbon/data/private_infra/global_energy_mix.json"


def main(wheel: str) -> None:
    version = re.search(r"codecarbon-([\d.]+)-", Path(wheel).name)
    if version is None:
        sys.exit(f"{wheel}: not a codecarbon wheel file name")
    with zipfile.ZipFile(wheel) as archive:
        mix = json.loads(archive.read(MEMBER))
    source = (
        f"codecarbon {version.group(1)} {MEMBER} (MIT, (c) codecarbon authors); derived from "
        "Our World in Data energy dataset (Ember; Energy Institute Statistical Review of World "
        "Energy; CC BY 4.0)"
    )
    with TARGET.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["iso3", "year", "value", "unit", "source"])
        for iso3, entry in sorted(mix.items()):
            if entry.get("carbon_intensity") is None:
                continue
            writer.writerow([iso3, entry["year"], entry["carbon_intensity"], "gCO2e/kWh", source])


if __name__ == "__main__":
    main(sys.argv[1])
