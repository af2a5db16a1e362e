"""The one place that reads the reference data files shipped inside the package.

Every file under ``reference/data`` is listed in ``MANIFEST.toml`` with its version, source and
licence; a file that is not listed cannot be loaded, so nothing enters the program without its
provenance. Readers return plain rows; the typed views live in the sibling modules
(:mod:`.catalogue`, :mod:`.countries`, :mod:`.gwp`, :mod:`.grid`, :mod:`.pathways`).
"""

from __future__ import annotations

import csv
import io
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from ictfootprint.errors import ReferenceDataError

_PACKAGE = "ictfootprint.reference"


@dataclass(frozen=True)
class DataFile:
    """One shipped reference file and where its content comes from."""

    name: str
    version: str
    title: str
    source: str
    licence: str
    notes: str = ""


@cache
def manifest() -> dict[str, DataFile]:
    text = resources.files(_PACKAGE).joinpath("data", "MANIFEST.toml").read_text("utf-8")
    raw = tomllib.loads(text)
    files: dict[str, DataFile] = {}
    for name, entry in raw["file"].items():
        files[name] = DataFile(name=name, **entry)
    return files


def data_file(name: str) -> DataFile:
    try:
        return manifest()[name]
    except KeyError:
        raise ReferenceDataError(
            f"reference file {name!r} is not listed in reference/data/MANIFEST.toml"
        ) from None


def read_text(name: str) -> str:
    data_file(name)  # refuse files without provenance
    return resources.files(_PACKAGE).joinpath("data", name).read_text("utf-8")


@cache
def read_csv(name: str) -> tuple[dict[str, str], ...]:
    """Rows of a shipped CSV file as dictionaries of strings (cached, read once)."""
    reader = csv.DictReader(io.StringIO(read_text(name), newline=""))
    rows = tuple(reader)
    for number, row in enumerate(rows, start=2):
        if None in row or any(value is None for value in row.values()):
            raise ReferenceDataError(f"{name}, row {number}: wrong number of columns")
    return rows


@cache
def read_toml(name: str) -> dict[str, Any]:
    return tomllib.loads(read_text(name))


def defaults() -> dict[str, Any]:
    """Program-wide defaults that are reference choices (GWP set, factor dataset, ...)."""
    return read_toml("defaults.toml")
