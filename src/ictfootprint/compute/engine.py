"""The computation backend: Ibis on DuckDB in process by default.

Pipelines are written once against Ibis tables; the backend is a setting. Only DuckDB is wired
in this release; the Spark backend (``ictfootprint[spark]``) comes with the scale-out work.
"""

from __future__ import annotations

from typing import Any, Final

import ibis
import pandas as pd

ENGINES: Final = ("duckdb",)


def connect(engine: str = "duckdb") -> Any:
    """An Ibis backend connection for ``engine``."""
    if engine != "duckdb":
        from ictfootprint.errors import InputError, Location

        raise InputError(
            "unknown engine", Location(field="engine"), expected=" or ".join(ENGINES), found=engine
        )
    return ibis.duckdb.connect()


def table(backend: Any, frame: pd.DataFrame, name: str) -> Any:
    """Register a pandas frame as an Ibis table of ``backend``."""
    return backend.create_table(name, frame, overwrite=True)
