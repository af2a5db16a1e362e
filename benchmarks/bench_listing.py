"""Benchmark: ``GET /api/v1/submissions`` after a submission with a huge validation report.

    .venv/bin/python benchmarks/bench_listing.py [--megabytes 300] [--repeat 20] [--db URL]

Stores one submission whose report holds about ``--megabytes`` MB of findings (as the 49 MB
CSV of 1.39M duplicate rows of issue 13 did: 317 MB), next to a few ordinary ones, then times
the list through the API (in process, ``TestClient``) for an admin, who sees every submission,
and for a submitter of another entity, who sees none. Prints p50 and max of ``--repeat``
requests each.

Issue 13: 7.5-9.4 s for every caller before (the list read and parsed every report), goal
under 100 ms. Lists now read summary columns only (counts stored at insert, migration 0005).
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from ictfootprint.api.app import create_app
from ictfootprint.api.settings import Settings
from ictfootprint.model import Entity, EntityKind
from ictfootprint.store import Store

FINDING_BYTES = 330  # about what one duplicate-row finding weighs in JSON


def huge_report(megabytes: int) -> dict[str, object]:
    count = megabytes * 2**20 // FINDING_BYTES
    findings = [
        {
            "rule": "duplicate-value",
            "severity": "error",
            "message": "the same indicator, year, country and subsector appears twice",
            "sheet": None,
            "row": n + 2,
            "column": "value",
            "cell": None,
            "indicator": "energy_electricity",
            "year": 2023,
            "expected": "one value per indicator, year, country and subsector",
            "found": f"also on row {n + 1}",
            "related": [],
        }
        for n in range(count)
    ]
    return {
        "file": "duplicates.csv",
        "format": "csv",
        "values": count,
        "errors": count,
        "warnings": 0,
        "findings": findings,
        "completeness": None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--db", default=None, help="an empty database (default: a SQLite file)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-listing-"))
    url = args.db or f"sqlite:///{folder / 'listing.db'}"
    store = Store.open(url, actor="bench")
    for entity_id, country in (("op-big", "FRA"), ("op-other", "KEN")):
        store.add_entity(
            Entity(id=entity_id, name=entity_id, kind=EntityKind.COMPANY, country=country)
        )
    store.add_user("admin", "admin")
    store.add_user("other", "submitter", entities=("op-other",))
    tokens = {n: store.create_token(n, label="bench").token for n in ("admin", "other")}

    def stored(n: int, report: dict[str, object]) -> None:
        content = f"file {n}".encode()
        store.create_submission(
            entity_id="op-big",
            file_name=f"f{n}.csv",
            fmt="csv",
            sha256=hashlib.sha256(content).hexdigest(),
            content=content,
            report=report,
            payload=None,
            respondent=None,
            encoding="utf-8",
            locale=None,
            status="rejected",
        )

    started = time.perf_counter()
    stored(0, huge_report(args.megabytes))
    for n in range(1, 5):
        stored(n, {"values": 1, "errors": 0, "warnings": 0, "findings": []})
    print(f"stored a {args.megabytes} MB report in {time.perf_counter() - started:.1f} s")

    client = TestClient(
        create_app(Settings.default(db=url, rate_limit_per_minute=0, request_timeout_seconds=600))
    )
    for who, token in tokens.items():
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            response = client.get(
                "/api/v1/submissions", headers={"Authorization": f"Bearer {token}"}
            )
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, response.text
        total = response.json()["total"]
        print(
            f"GET /api/v1/submissions as {who} ({total} visible): "
            f"p50 {statistics.median(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms"
        )


if __name__ == "__main__":
    main()
