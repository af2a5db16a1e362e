"""The dashboard's vendored browser assets: exactly the files VENDOR.toml lists, each as its
sha256 says, each under a licence shipped with it; a world map whose ids are our countries'
ISO numeric codes; and scripts that fetch nothing from anywhere at load.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import shutil
import tomllib
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import pytest

from ictfootprint.reference.countries import countries

REPO = Path(__file__).resolve().parents[1]
VENDOR = REPO / "src" / "ictfootprint" / "web" / "static" / "vendor"
SCRIPT = REPO / "scripts" / "vendor_web_assets.py"
# hosts the minified scripts name in XML namespaces and licence comments, never to load from
NAMED_NOT_FETCHED = {"www.w3.org", "www.apache.org", "github.com"}
# a literal absolute URL handed to something that would load it
_LOADS_LITERAL_URL = re.compile(
    r"""(fetch|importScripts|import|\.open|new\s+(WebSocket|EventSource|Worker))\s*\("""
    r"""[^)]{0,40}?["'`](https?:)?//""",
)


@pytest.fixture(scope="module")
def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("vendor_web_assets", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def manifest() -> dict[str, dict[str, Any]]:
    with (VENDOR / "VENDOR.toml").open("rb") as handle:
        return tomllib.load(handle)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_shipped_file_matches_its_sha256(manifest: dict[str, dict[str, Any]]) -> None:
    assert {"echarts.min.js", "topojson-client.min.js", "countries-110m.json"} <= set(manifest)
    for name, entry in manifest.items():
        assert _sha256(VENDOR / name) == entry["sha256"], name


def test_nothing_lies_in_vendor_unlisted(script: ModuleType) -> None:
    assert script.check(VENDOR) == []


def test_check_names_a_changed_a_missing_and_an_unlisted_file(
    script: ModuleType, tmp_path: Path
) -> None:
    copy = tmp_path / "vendor"
    shutil.copytree(VENDOR, copy)
    (copy / "topojson-client.min.js").write_text("// changed\n")
    (copy / "echarts.NOTICE.txt").unlink()
    (copy / "leftover.js").write_text("")

    problems = "\n".join(script.check(copy))

    assert f"{copy / 'topojson-client.min.js'}: sha256 " in problems
    assert f"{copy / 'echarts.NOTICE.txt'}: listed in VENDOR.toml but missing" in problems
    assert f"{copy / 'leftover.js'}: not listed in VENDOR.toml" in problems


def test_every_vendored_file_has_a_licence(manifest: dict[str, dict[str, Any]]) -> None:
    spdx_term = re.compile(r"^[A-Za-z0-9.+-]+$")
    for name, entry in manifest.items():
        terms = entry["licence"].split(" AND ")
        assert all(spdx_term.match(term) for term in terms), (name, entry["licence"])
        assert entry["package"] and entry["version"] and entry["path"] and entry["note"], name
        if "licence_files" in entry:  # a shipped asset: its licence texts travel with it
            assert entry["licence_files"], name
            for text in entry["licence_files"]:
                assert text in manifest and (VENDOR / text).is_file(), (name, text)
        else:  # a licence text: some asset ships it
            assert any(name in other.get("licence_files", []) for other in manifest.values()), (
                f"{name}: a licence text no asset refers to"
            )
    assert "public domain" in manifest["countries-110m.json"]["note"]


def test_the_manifest_and_script_name_no_host(manifest: dict[str, dict[str, Any]]) -> None:
    """Provenance is `npm package name@version`; no registry or CDN address to go stale."""
    assert "://" not in (VENDOR / "VENDOR.toml").read_text()
    assert "://" not in SCRIPT.read_text()


def test_world_map_ids_are_our_countries_numeric_codes() -> None:
    topology = json.loads((VENDOR / "countries-110m.json").read_text())
    assert topology["type"] == "Topology"
    shapes = topology["objects"]["countries"]
    assert shapes["type"] == "GeometryCollection"
    ids = [shape["id"] for shape in shapes["geometries"] if "id" in shape]
    # Natural Earth gives N. Cyprus, Somaliland and Kosovo no ISO code; the map leaves them
    # unfilled rather than guess
    without = sorted(s["properties"]["name"] for s in shapes["geometries"] if "id" not in s)
    assert without == ["Kosovo", "N. Cyprus", "Somaliland"]
    assert all(isinstance(code, str) and re.fullmatch(r"\d{3}", code) for code in ids), ids
    assert len(ids) == len(set(ids))
    known = {country.numeric for country in countries().values()}
    assert len(set(ids) & known) >= 170, sorted(set(ids) - known)


@pytest.mark.parametrize("name", ["echarts.min.js", "topojson-client.min.js"])
def test_scripts_load_nothing_from_elsewhere(name: str) -> None:
    source = (VENDOR / name).read_text(encoding="utf-8")
    assert not _LOADS_LITERAL_URL.search(source)
    assert "XMLHttpRequest" not in source
    hosts = {urlsplit(url).hostname for url in re.findall(r"https?://[^\s\"'`)<>]+", source)}
    assert hosts <= NAMED_NOT_FETCHED, hosts - NAMED_NOT_FETCHED
