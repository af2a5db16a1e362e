"""Keep the dashboard's vendored browser assets what VENDOR.toml says they are.

python scripts/vendor_web_assets.py --check  # exit 1 if a file's sha256 differs from the
                                             # manifest, a listed file is missing, or a file
                                             # lies in vendor/ unlisted
python scripts/vendor_web_assets.py          # re-create every file with `npm pack` at the
                                             # manifest's versions, and rewrite its sha256s

The manifest (src/ictfootprint/web/static/vendor/VENDOR.toml) is the source of truth: to move
to a new version, edit its `version`, run this without flags, then review the diff.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
from pathlib import Path
from typing import Any

VENDOR = Path(__file__).resolve().parents[1] / "src" / "ictfootprint" / "web" / "static" / "vendor"
MANIFEST_NAME = "VENDOR.toml"
REQUIRED = ("package", "version", "path", "licence", "sha256", "note")
_TABLE = re.compile(r'^\["(?P<name>[^"]+)"\]\s*$')
_SHA256 = re.compile(r'^sha256 = "[0-9a-f]*"\s*$')


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_manifest(vendor: Path = VENDOR) -> dict[str, dict[str, Any]]:
    """The manifest's tables, by the name of the file each describes."""
    with (vendor / MANIFEST_NAME).open("rb") as handle:
        return tomllib.load(handle)


def check(vendor: Path = VENDOR) -> list[str]:
    """Every way the files in ``vendor`` differ from its manifest, one message each."""
    manifest = load_manifest(vendor)
    where = vendor / MANIFEST_NAME
    problems = []
    for name, entry in manifest.items():
        missing = [key for key in REQUIRED if not entry.get(key)]
        if missing:
            problems.append(f"{where}: [{name!r}] lacks {', '.join(missing)}")
        for text in entry.get("licence_files", []):
            if text not in manifest:
                problems.append(f"{where}: [{name!r}] licence file {text!r} has no table")
        file = vendor / name
        if not file.is_file():
            problems.append(f"{file}: listed in {MANIFEST_NAME} but missing")
        elif (found := sha256(file)) != entry.get("sha256"):
            problems.append(
                f"{file}: sha256 {found}, but {MANIFEST_NAME} says {entry.get('sha256')} "
                "(re-create it with scripts/vendor_web_assets.py, or fix the manifest)"
            )
    for file in sorted(vendor.rglob("*")):
        name = file.relative_to(vendor).as_posix()
        if file.is_file() and name != MANIFEST_NAME and name not in manifest:
            problems.append(f"{file}: not listed in {MANIFEST_NAME} (add a table or remove it)")
    return problems


def refresh(vendor: Path = VENDOR) -> None:
    """Re-create every listed file from its npm package and rewrite the manifest's sha256s."""
    manifest = load_manifest(vendor)
    packages = sorted({(str(e["package"]), str(e["version"])) for e in manifest.values()})
    with tempfile.TemporaryDirectory() as scratch:
        unpacked = {}
        for package, version in packages:
            folder = Path(scratch) / f"{package.replace('/', '_')}-{version}"
            folder.mkdir()
            subprocess.run(
                ["npm", "pack", "--silent", f"{package}@{version}"],
                cwd=folder,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            (tarball,) = folder.glob("*.tgz")
            with tarfile.open(tarball) as archive:
                archive.extractall(folder, filter="data")
            unpacked[package, version] = folder / "package"
        for name, entry in manifest.items():
            source = unpacked[str(entry["package"]), str(entry["version"])] / str(entry["path"])
            shutil.copyfile(source, vendor / name)
    _rewrite_sha256s(vendor, {name: sha256(vendor / name) for name in manifest})


def _rewrite_sha256s(vendor: Path, digests: dict[str, str]) -> None:
    """Replace each table's sha256 line in place, keeping comments and order."""
    where = vendor / MANIFEST_NAME
    lines = where.read_text(encoding="utf-8").splitlines(keepends=True)
    table = None
    for number, line in enumerate(lines):
        if heading := _TABLE.match(line):
            table = heading["name"]
        elif table in digests and _SHA256.match(line):
            lines[number] = f'sha256 = "{digests[table]}"\n'
    where.write_text("".join(lines), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="verify only; change nothing")
    if not parser.parse_args().check:
        refresh()
    problems = check()
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    print(f"{VENDOR}: every file matches {MANIFEST_NAME}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
