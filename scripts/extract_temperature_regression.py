"""Regenerate src/ictfootprint/reference/data/temperature_regression.csv from the SBTi finance
tool (sbti-finance-tool on PyPI, MIT licence, (c) World Resources Institute; Science Based
Targets initiative), which ships the CDP-WWF Temperature Rating Methodology v1 regressions in
``SBTi/inputs/regression_model_summary.xlsx``. We keep regression model 4 (the tool's default)
for the two variables we map targets to. The package is never a dependency of ictfootprint.

    pip download --no-deps sbti-finance-tool
    python scripts/extract_temperature_regression.py sbti_finance_tool-1.3.1-py3-none-any.whl
"""

from __future__ import annotations

import csv
import io
import re
import sys
import zipfile
from pathlib import Path

from openpyxl import load_workbook

TARGET = Path(__file__).parents[1] / "src/ictfootprint/reference/data/temperature_regression.csv"
MEMBER = "SBTi/inputs/regression_model_summary.xlsx"
VARIABLES = {"Emissions|Kyoto Gases": "absolute", "INT.emKyoto_gdp": "intensity"}
MODEL = 4


def main(wheel: str) -> None:
    version = re.search(r"sbti_finance_tool-([\d.]+)-", Path(wheel).name)
    if version is None:
        sys.exit(f"{wheel}: not an sbti-finance-tool wheel file name")
    with zipfile.ZipFile(wheel) as archive:
        workbook = load_workbook(io.BytesIO(archive.read(MEMBER)), read_only=True)
    rows = []
    summary = workbook["Summary_models"]
    for sample, model, variable, slope, param, intercept, r2 in summary.iter_rows(
        min_row=2, values_only=True
    ):
        if model == MODEL and variable in VARIABLES and slope in ("slope5", "slope15", "slope30"):
            rows.append([VARIABLES[variable], variable, slope, param, intercept, r2, sample])
    source = (
        f"sbti-finance-tool {version.group(1)} {MEMBER}, Summary_models, model {MODEL} "
        "(MIT); CDP-WWF Temperature Rating Methodology v1 (2020)"
    )
    with TARGET.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(
            [
                "target_kind",
                "variable",
                "slope",
                "param",
                "intercept",
                "r2",
                "sample_size",
                "source",
            ]
        )
        for row in sorted(rows):
            writer.writerow([*row, source])


if __name__ == "__main__":
    main(sys.argv[1])
