"""The computation backend: Ibis on DuckDB in process by default, or on Spark.

Pipelines are written once against Ibis tables; the engine is a setting (``--engine``) and
nothing else changes. Spark needs the ``spark`` extra (``pip install ictfootprint[spark]``)
and Java 17; it runs ``local[N]`` unless ``ICTFOOTPRINT_SPARK_MASTER`` names a cluster.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from functools import cache
from pathlib import Path
from typing import Any, Final

import ibis
import pandas as pd

from ictfootprint.errors import InputError, Location

ENGINES: Final = ("duckdb", "spark")


def connect(engine: str = "duckdb", *, memory_limit: str | None = None) -> Any:
    """An Ibis backend for ``engine``; DuckDB spills to disk past ``memory_limit``."""
    if engine == "duckdb":
        config = {"memory_limit": memory_limit} if memory_limit else {}
        return ibis.duckdb.connect(**config)
    if engine == "spark":
        return ibis.pyspark.connect(spark_session())
    raise InputError(
        "unknown engine", Location(field="engine"), expected=" or ".join(ENGINES), found=engine
    )


def spark_session() -> Any:
    """A Spark session: local[2] by default, bound to loopback, UTC, quiet."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise InputError(
            "the Spark engine needs the spark extra",
            Location(field="engine"),
            expected="pip install 'ictfootprint[spark]' (and Java 17)",
        ) from None
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    master = os.environ.get("ICTFOOTPRINT_SPARK_MASTER", "local[2]")
    session = (
        SparkSession.builder.master(master)
        .appName("ictfootprint")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config(
            "spark.sql.shuffle.partitions", os.environ.get("ICTFOOTPRINT_SPARK_PARTITIONS", "4")
        )
        .config("spark.sql.ansi.enabled", "false")
        .config("spark.sql.warehouse.dir", _warehouse())
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


@cache
def _warehouse() -> str:
    """One temporary Spark warehouse folder per process, removed when the process ends
    (nothing is meant to be kept there: frames are registered in memory)."""
    folder = tempfile.mkdtemp(prefix="ictfootprint-spark-")
    atexit.register(shutil.rmtree, folder, True)
    return folder


def table(backend: Any, frame: pd.DataFrame, name: str) -> Any:
    """A pandas frame as an in-memory Ibis table, registered with whichever engine runs it.

    (A managed table would be written to Spark's warehouse folder and outlive the run.)
    """
    del backend, name  # the engine that executes the expression registers it
    return ibis.memtable(frame)


def read_table(backend: Any, path: Path, name: str) -> Any:
    """A Parquet or CSV file (or a folder of Parquet files) as an Ibis table."""
    text = str(path)
    if path.is_dir() or path.suffix == ".parquet":
        return backend.read_parquet(text, table_name=name)
    if path.suffix == ".csv":
        return backend.read_csv(text, table_name=name)
    raise InputError(
        "unknown activity file type",
        Location(file=text),
        expected=".parquet or .csv",
        found=path.suffix,
    )
