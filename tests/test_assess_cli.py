"""The assess commands for net impact and the benchmark, as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCENARIO = (
    Path(__file__).resolve().parents[1]
    / "src"
    / "ictfootprint"
    / "examples"
    / "scenarios"
    / "video_conferencing.toml"
)
HEADER = (
    "entity_id,name,year,scope3_categories_reported,target,verified,"
    "disclosure_completeness_percent,s1s2_market,s1s2_market_base,base_year,"
    "renewable_share_percent,net_zero_year\n"
)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ictfootprint", "assess", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_net_impact_is_the_same_for_the_same_seed() -> None:
    first = json.loads(run("net-impact", str(SCENARIO), "--format", "json").stdout)
    again = json.loads(run("net-impact", str(SCENARIO), "--format", "json").stdout)
    assert first == again and first["public_claims_allowed"] is False
    other = json.loads(run("net-impact", str(SCENARIO), "--seed", "7", "--format", "json").stdout)
    assert other["median"] != first["median"]


def test_benchmark_from_a_csv(tmp_path: Path) -> None:
    path = tmp_path / "companies.csv"
    # op-a: the helper's hand-computed 95.5; op-b: 53.4 (tests/test_benchmark.py)
    path.write_text(
        HEADER + "op-b,B,2025,6,set,limited,60,895,1000,2020,50,\n"
        "op-a,A,2025,15,validated,reasonable,90,790,1000,2020,80,2040\n"
    )
    ranked = json.loads(run("benchmark", str(path), "--format", "json").stdout)
    assert [(r["rank"], r["entity_id"], r["score"]) for r in ranked] == [
        (1, "op-a", 95.5),
        (2, "op-b", 53.4),
    ]


def test_benchmark_bad_cell_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("entity_id,name,year\nx,X,abc\n")
    done = run("benchmark", str(path))
    assert done.returncode == 2
    assert done.stderr.strip() == f"error: {path}, row 2, field 'year': not a number (found 'abc')"
