"""Targets: registry, progress, and the implied temperature rise (CDP-WWF v1) by hand."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ictfootprint.assess.targets import entity_temperature, progress, temperature, time_frame
from ictfootprint.errors import InputError
from ictfootprint.model import Entity, EntityKind, Target
from ictfootprint.store import Store


def _target(**changes: object) -> Target:
    fields: dict[str, object] = {
        "entity_id": "co",
        "scope": "1+2-market",
        "base_year": 2020,
        "target_year": 2030,
        "reduction_percent": 42.0,
        "source": "fixture",
    }
    fields.update(changes)
    return Target(**fields)  # type: ignore[arg-type]


def test_temperature_by_hand() -> None:
    # LAR = 42 % / 10 years = 4.2 %/yr
    # short term (2030 − 2026 = 4 years): −0.212692101951652 × 4.2 + 2.57430302122667
    assert temperature(_target(), 2026).celsius == pytest.approx(1.6809961930297)
    # mid term (6 years): −0.312328765130924 × 4.2 + 2.6972610131342
    assert temperature(_target(), 2024).celsius == pytest.approx(1.3854801995843)
    # an intensity target, mid term: −0.5338780872071 × 4.2 + 4.10737715123901
    assert temperature(_target(kind="intensity"), 2024).celsius == pytest.approx(1.8650891849)
    # beyond 30 years or already past: the default score
    assert temperature(_target(target_year=2070), 2024).celsius == 3.2
    assert [time_frame(2030, y) for y in (2026, 2025, 2015, 2001, 2031)] == [
        "short",
        "mid",
        "mid",
        "long",
        None,
    ]


def test_entity_temperature_defaults_where_there_is_no_target() -> None:
    scores = entity_temperature([_target()], 2024)
    assert scores["mid"]["celsius"] == pytest.approx(1.3854801995843)
    assert scores["short"] == {"celsius": 3.2, "targets": 0, "default": True}


def test_progress_against_a_straight_path() -> None:
    # 1,000 t in 2020, -42 % by 2030 → 580 t; path in 2024: 1,000 − 420 × 0.4 = 832 t
    result = progress(_target(base_value=1000.0), {2020: 1000.0, 2024: 850.0})
    assert (result.path_value, result.target_value, result.on_track) == (832.0, 580.0, False)
    assert result.achieved_percent == pytest.approx(15.0)


def test_bad_targets() -> None:
    with pytest.raises(InputError, match="not after base year"):
        temperature(_target(target_year=2020), 2024)
    with pytest.raises(InputError, match="unknown target kind"):
        temperature(_target(kind="relative"), 2024)


def test_registry_keeps_revisions_and_cli(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    store = Store.open(db)
    store.add_entity(Entity(id="co", name="Co", kind=EntityKind.COMPANY, country="FRA"))
    first = store.add_target(_target(reduction_percent=30))
    store.add_target(_target(), supersedes=first)
    assert [t.reduction_percent for _, t in store.targets("co")] == [42.0]
    with pytest.raises(InputError, match="unknown entity"):
        store.add_target(_target(entity_id="nobody"))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ictfootprint",
            "assess",
            "targets",
            "--entity",
            "co",
            "--year",
            "2024",
            "--db",
            db,
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["temperature"]["mid"]["celsius"] == pytest.approx(1.3854801995843)
