"""ictfootprint: the environmental footprint of the ICT sector, from one company to the world.

The public library API (see ``docs/architecture.md`` for the layers behind it)::

    from ictfootprint import Store, compute_footprint, catalogue, convert

Names are imported on first use, so that ``import ictfootprint`` (and the command line's
``--help``) does not pay for the database and dataframe engines.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "FootprintRun": "ictfootprint.footprint",
    "compute_footprint": "ictfootprint.footprint",
    "IctFootprintError": "ictfootprint.errors",
    "InputError": "ictfootprint.errors",
    "Location": "ictfootprint.errors",
    "UnitError": "ictfootprint.errors",
    "Store": "ictfootprint.store",
    "catalogue": "ictfootprint.reference.catalogue",
    "indicator": "ictfootprint.reference.catalogue",
    "countries": "ictfootprint.reference.countries",
    "country": "ictfootprint.reference.countries",
    "regions": "ictfootprint.reference.countries",
    "pathway": "ictfootprint.reference.pathways",
    "pathways": "ictfootprint.reference.pathways",
    "co2e": "ictfootprint.units",
    "convert": "ictfootprint.units",
    "parse_unit": "ictfootprint.units",
}

if TYPE_CHECKING:
    from ictfootprint.errors import IctFootprintError, InputError, Location, UnitError
    from ictfootprint.footprint import FootprintRun, compute_footprint
    from ictfootprint.reference.catalogue import catalogue, indicator
    from ictfootprint.reference.countries import countries, country, regions
    from ictfootprint.reference.pathways import pathway, pathways
    from ictfootprint.store import Store
    from ictfootprint.units import co2e, convert, parse_unit


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'ictfootprint' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = [
    "FootprintRun",
    "IctFootprintError",
    "InputError",
    "Location",
    "Store",
    "UnitError",
    "__version__",
    "catalogue",
    "co2e",
    "compute_footprint",
    "convert",
    "countries",
    "country",
    "indicator",
    "parse_unit",
    "pathway",
    "pathways",
    "regions",
]
