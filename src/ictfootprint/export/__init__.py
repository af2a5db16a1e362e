"""Open-data exports of observations: CSV, XLSX, Parquet, JSON and SDMX-CSV with its DSD.

The API and the CLI call these; each returns bytes, so where they go is the caller's business.

>>> from ictfootprint.export import FORMATS, EXTENSIONS
>>> FORMATS
('csv', 'xlsx', 'parquet', 'json', 'sdmx-csv')
>>> EXTENSIONS["sdmx-csv"]
'.sdmx.csv'
"""

from __future__ import annotations

from ictfootprint.export.sdmx import STRUCTURE_ID, sdmx_structure
from ictfootprint.export.tables import COLUMNS, observation_table
from ictfootprint.export.writers import (
    BINARY_FORMATS,
    EXTENSIONS,
    FORMATS,
    MEDIA_TYPES,
    export_observations,
    write_observations,
)

#: Media type of :func:`sdmx_structure`'s message.
STRUCTURE_MEDIA_TYPE = "application/vnd.sdmx.structure+xml; version=2.1"

__all__ = [
    "BINARY_FORMATS",
    "COLUMNS",
    "EXTENSIONS",
    "FORMATS",
    "MEDIA_TYPES",
    "STRUCTURE_ID",
    "STRUCTURE_MEDIA_TYPE",
    "export_observations",
    "observation_table",
    "sdmx_structure",
    "write_observations",
]
