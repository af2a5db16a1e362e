"""Benchmark: validate and store a 100,000-row long CSV and a 10,000-row xlsx submission.

    .venv/bin/python benchmarks/bench_collection.py [--rows 100000] [--xlsx-rows 10000]

Each scenario runs in a fresh child process on a fresh SQLite file, so its peak memory (max
RSS) is its own. Goal (issue 3): each at most 5 s, peak memory under 500 MB on 2 cores.
Timed: submit (read, normalise, validate, store the submission with its values) and accept
(write every value as a revision), separately and together.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

INDICATORS = [
    ("energy_electricity", "MWh"),
    ("energy_electricity_renewable", "MWh"),
    ("energy_diesel", "L"),
    ("energy_total", "GWh"),
    ("ghg_scope1", "tCO2e"),
    ("ghg_scope2_location", "tCO2e"),
    ("ghg_scope2_market", "kt CO2e"),
    ("ghg_scope3_total", "tCO2e"),
    ("resource_water_withdrawal", "m^3"),
    ("activity_mobile_lines", "count"),
    ("energy_mobile_network", "MWh"),
    ("energy_fixed_network", "MWh"),
    ("dc_electricity", "MWh"),
    ("resource_water_consumption", "m^3"),
    ("activity_fixed_broadband_lines", "count"),
    ("activity_traffic_total", "PB"),
]


def make_csv(rows: int, path: Path) -> None:
    """A plausible national collection: smooth yearly series, Scope 2 = electricity × grid."""
    from ictfootprint.reference.countries import countries
    from ictfootprint.reference.grid import default_factors

    grid = {f.area: f.value for f in default_factors()}
    codes = [c.iso3 for c in countries().values()]
    years = list(range(2000, 2025))
    lines = ["indicator,year,value,unit,country,method,source"]
    count = 0
    for number, code in enumerate(codes):
        base = 1000 + (number * 379) % 9000
        for year in years:
            electricity = round(base * 1.02 ** (year - 2000), 3)
            values = {
                "energy_electricity": electricity,
                "energy_electricity_renewable": round(electricity * 0.3, 3),
                "ghg_scope2_location": round(electricity * grid.get(code, 400) / 1000, 3),
            }
            for position, (indicator, unit) in enumerate(INDICATORS):
                if count == rows:
                    break
                value = values.get(
                    indicator, round(base * (position + 1) * 1.01 ** (year - 2000), 3)
                )
                lines.append(f"{indicator},{year},{value},{unit},{code},reported,bench")
                count += 1
    if count < rows:
        raise SystemExit(f"only {count} distinct series; ask for fewer rows")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def make_xlsx(rows: int, path: Path) -> None:
    from openpyxl import Workbook

    source = path.with_name(path.stem + "-source.csv")
    make_csv(rows, source)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("data")
    for number, line in enumerate(source.read_text().splitlines()):
        cells: list[object] = line.split(",")
        if number:
            cells[1], cells[2] = int(str(cells[1])), float(str(cells[2]))
        sheet.append(cells)
    workbook.save(path)


def child(kind: str, path: str, db: str) -> None:
    """Run one scenario in this process and print its figures as JSON."""
    from ictfootprint.collection.service import submit
    from ictfootprint.model import Entity, EntityKind
    from ictfootprint.store import Store

    store = Store.open(db)
    store.add_entity(
        Entity(
            id="bench",
            name="Bench",
            kind=EntityKind.COMPANY,
            country="FRA",
            subsectors=("mobile_network",),
        )
    )
    data = Path(path).read_bytes()
    start = time.perf_counter()
    result = submit(store, data, Path(path).name, "bench")
    submitted = time.perf_counter()
    written = (
        store.accept_submission(result.submission_id) if result.status == "validated" else None
    )
    accepted = time.perf_counter()
    print(
        json.dumps(
            {
                "kind": kind,
                "status": result.status,
                "values": result.report["values"],
                "findings": len(result.report["findings"]),
                "written": len(written.written) if written else 0,
                "submit_s": round(submitted - start, 2),
                "accept_s": round(accepted - submitted, 2),
                "total_s": round(accepted - start, 2),
                "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--xlsx-rows", type=int, default=10_000)
    parser.add_argument("--child", nargs=3, metavar=("KIND", "FILE", "DB"))
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory() as folder:
        csv_path, xlsx_path = Path(folder) / "bench.csv", Path(folder) / "bench.xlsx"
        make_csv(args.rows, csv_path)
        make_xlsx(args.xlsx_rows, xlsx_path)
        print(
            f"inputs: {args.rows:,} CSV rows ({csv_path.stat().st_size / 2**20:.1f} MB), "
            f"{args.xlsx_rows:,} xlsx rows ({xlsx_path.stat().st_size / 2**20:.1f} MB)"
        )
        for kind, path in (("csv", csv_path), ("xlsx", xlsx_path)):
            db = str(Path(folder) / f"{kind}.db")
            done = subprocess.run(
                [sys.executable, __file__, "--child", kind, str(path), db],
                capture_output=True,
                text=True,
                check=True,
            )
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            verdict = "ok" if figures["total_s"] <= 5 and figures["peak_mb"] < 500 else "OVER"

            print(
                f"{kind:5} {figures['values']:>7,} values  submit {figures['submit_s']:5.2f} s"
                f"  accept {figures['accept_s']:5.2f} s  total {figures['total_s']:5.2f} s"
                f"  peak {figures['peak_mb']:6.1f} MB  status {figures['status']}"
                f"  findings {figures['findings']}  [{verdict}: goal 5 s, 500 MB]"
            )


if __name__ == "__main__":
    main()
