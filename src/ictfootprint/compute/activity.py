"""Activity data → Scope 1, Scope 2 (location and market) and embodied impacts, in the store.

``ictfootprint compute --activity DIR`` reads the files below (CSV or Parquet, by name; each
optional except that Scope 2 needs ``electricity``), checks them, computes with the chosen
engine and writes every figure back as a ``calculated`` observation per entity, country and
year, with its lineage: the input files' SHA-256, the factor datasets, the GWP set and each GWP
value used with its IPCC table ("GWP100 AR6: CH4 27.9 (IPCC AR6 WG1 Table 7.SM.7), ...").
Fuel combustion converts its CH4 and N2O with the set's single CH4 and N2O values; a gas in
``refrigerants`` may be any IPCC species, e.g. ``CH4_fossil`` for a leak of natural gas.

=================  =========================================================================
file               columns
=================  =========================================================================
electricity        entity_id, site_id, country, timestamp (hour start, UTC) or year, kwh
hourly_factors     country, timestamp, g_per_kwh   (hourly grid intensity, optional)
instruments        entity_id, country, year, mwh, instrument, g_per_kwh (PPAs, GOs, RECs)
residual_mix       country, year, g_per_kwh
fuels              entity_id, country, year, fuel, quantity, unit
refrigerants       entity_id, country, year, gas, kg
equipment          entity_id, country, type, count, year, lifetime_years, embodied_kgco2e
                   [, adp_kgsbeq, water_m3]   (per unit; year = year acquired)
=================  =========================================================================
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pandas as pd

from ictfootprint import __version__
from ictfootprint.compute import embodied, market, scope1
from ictfootprint.compute.engine import connect, read_table, table
from ictfootprint.compute.scope2 import location_based_by_site, location_based_hourly_by_site
from ictfootprint.errors import InputError, Location
from ictfootprint.model import Method, Observation, ResolvedFactor
from ictfootprint.reference.countries import countries
from ictfootprint.reference.gwp import gwp_set, gwp_set_name
from ictfootprint.store import Store
from ictfootprint.units import convert

SCHEMAS: Final = {
    "electricity": ("entity_id", "site_id", "country", "kwh"),
    "hourly_factors": ("country", "timestamp", "g_per_kwh"),
    "instruments": ("entity_id", "country", "year", "mwh", "instrument", "g_per_kwh"),
    "residual_mix": ("country", "year", "g_per_kwh"),
    "fuels": ("entity_id", "country", "year", "fuel", "quantity", "unit"),
    "refrigerants": ("entity_id", "country", "year", "gas", "kg"),
    "equipment": (
        "entity_id",
        "country",
        "type",
        "count",
        "year",
        "lifetime_years",
        "embodied_kgco2e",
    ),
}
_NON_NEGATIVE: Final = {
    "electricity": "kwh",
    "instruments": "mwh",
    "fuels": "quantity",
    "refrigerants": "kg",
    "equipment": "count",
}
KEYS: Final = ["entity_id", "country", "year"]
#: The gases stationary combustion converts to CO2e besides CO2 (IPCC 2006 factors per TJ).
COMBUSTION_GASES: Final = ("CH4", "N2O")


@dataclass
class ActivityRun:
    """What a compute run found and wrote."""

    engine: str
    files: dict[str, str]  # name → sha256
    rows: list[dict[str, Any]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    written: int = 0
    unchanged: int = 0
    gwp: str | None = None  # the GWP values used, with their tables (None: no gas converted)


def find_files(folder: Path) -> dict[str, Path]:
    if not folder.is_dir():
        raise InputError("not a folder", Location(file=str(folder)))
    found: dict[str, Path] = {}
    for name in SCHEMAS:
        for suffix in (".parquet", ".csv"):
            path = folder / f"{name}{suffix}"
            if path.exists():
                found[name] = path
    if not found:
        raise InputError(
            "no activity file in the folder",
            Location(file=str(folder)),
            expected=", ".join(f"{n}.csv|.parquet" for n in SCHEMAS),
        )
    return found


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check(name: str, path: Path, t: Any, entities: set[str]) -> None:
    """Columns present; entities, countries known; quantities not negative. Raises, naming
    the file, the field, how many rows and the first of them."""
    where = Location(file=str(path))
    for column in SCHEMAS[name]:
        if column not in t.columns:
            raise InputError(
                f"missing column {column!r}",
                Location(str(path), field=column),
                expected=", ".join(SCHEMAS[name]),
            )
    if name == "electricity" and "timestamp" not in t.columns and "year" not in t.columns:
        raise InputError(
            "electricity needs a timestamp or a year column", Location(str(path), field="timestamp")
        )
    checks: list[tuple[str, Any, str]] = []
    if "country" in t.columns:
        known = pd.DataFrame({"iso3": list(countries())})
        checks.append(("country", t.country.notin(list(known.iso3)), "unknown country"))
    if "entity_id" in t.columns:
        checks.append(
            (
                "entity_id",
                t.entity_id.notin(sorted(entities)),
                "unknown entity (add it first: ictfootprint entities add)",
            )
        )
    quantity = _NON_NEGATIVE.get(name)
    if quantity:
        checks.append((quantity, t[quantity] < 0, "negative value"))
    for field_name, bad, message in checks:
        offending = t.filter(bad)
        count = int(offending.count().execute())
        if count:
            first = offending.limit(1).to_pandas().iloc[0].to_dict()
            raise InputError(
                f"{message} in {count} row(s); first: "
                + ", ".join(f"{k}={v}" for k, v in first.items()),
                Location(where.file, field=field_name),
                found=str(first[field_name]),
            )


def compute_activity(
    store: Store,
    folder: Path,
    *,
    engine: str = "duckdb",
    gwp: str | None = None,
    write: bool = True,
) -> ActivityRun:
    """Compute everything the activity folder allows; write it back (see module docstring)."""
    files = find_files(folder)
    backend = connect(engine)
    tables = {name: read_table(backend, path, name) for name, path in files.items()}
    entities = {e.id for e in store.entities()}
    for name, t in tables.items():
        _check(name, files[name], t, entities)
    run = ActivityRun(engine, {name: _sha256(path) for name, path in files.items()})
    set_name = gwp_set_name(gwp)
    parts: list[pd.DataFrame] = []
    grid_used: dict[tuple[str, int], ResolvedFactor] = {}
    gases: dict[tuple[str, str, int], set[str]] = {}  # entity, country, year → gases converted
    if "electricity" in tables:
        parts.append(_electricity(store, backend, tables, run, grid_used))
    if "fuels" in tables:
        pairs = tables["fuels"].select("fuel", "unit").distinct().to_pandas()
        try:
            factors = scope1.combustion_factors(pairs.itertuples(index=False, name=None), set_name)
        except InputError as error:
            raise error.at(file=str(files["fuels"])) from None
        parts.append(
            scope1.combustion(
                tables["fuels"], table(backend, factors[["fuel", "unit", "factor"]], "fuel_factors")
            ).to_pandas()
        )
        _note_gases(gases, tables["fuels"], COMBUSTION_GASES)
    if "refrigerants" in tables:
        names = tables["refrigerants"].select("gas").distinct().to_pandas().gas
        try:
            factors = scope1.refrigerant_factors(names, set_name)
        except InputError as error:
            raise error.at(file=str(files["refrigerants"])) from None
        parts.append(
            scope1.fugitive(
                tables["refrigerants"], table(backend, factors[["gas", "factor"]], "gas_factors")
            ).to_pandas()
        )
        _note_gases(gases, tables["refrigerants"], None)
    if "equipment" in tables:
        years = sorted({int(y) for p in parts for y in p.year}) or _equipment_years(tables)
        parts.append(embodied.annualised(tables["equipment"], years).to_pandas())
    combined = _combine(parts)
    run.rows = [{str(k): v for k, v in r.items()} for r in combined.to_dict(orient="records")]
    if gases:
        run.gwp = gwp_set(set_name).describe(set().union(*gases.values()))
    if write:
        _write(store, run, combined, grid_used, set_name, gases)
    return run


def _note_gases(
    gases: dict[tuple[str, str, int], set[str]], rows: Any, fixed: tuple[str, ...] | None
) -> None:
    """Remember which gases each entity-country-year converts: ``fixed`` ones for every row,
    else the row's ``gas`` column."""
    columns = [*KEYS] if fixed else [*KEYS, "gas"]
    for row in rows.select(*columns).distinct().to_pandas().itertuples(index=False):
        key = (str(row.entity_id), str(row.country), int(row.year))
        gases.setdefault(key, set()).update(fixed or (str(row.gas),))


def _equipment_years(tables: dict[str, Any]) -> list[int]:
    frame = tables["equipment"].select("year", "lifetime_years").to_pandas()
    return list(range(int(frame.year.min()), int((frame.year + frame.lifetime_years).max())))


def _electricity(
    store: Store,
    backend: Any,
    tables: dict[str, Any],
    run: ActivityRun,
    grid_used: dict[tuple[str, int], ResolvedFactor],
) -> pd.DataFrame:
    readings = tables["electricity"]
    year = readings.timestamp.year() if "timestamp" in readings.columns else readings.year
    pairs = readings.select(country=readings.country, year=year.cast("int32")).distinct()
    needed = [(c, int(y)) for c, y in pairs.to_pandas().itertuples(index=False, name=None)]
    resolved = store.resolve_grid_factors(needed)
    missing = sorted(c for (c, _y), f in resolved.items() if f is None)
    if missing:
        raise InputError(
            "no grid factor for this country in any dataset",
            Location(field="country"),
            found=missing[0],
            expected="import one: ictfootprint factors import",
        )
    grid_used.update({k: f for k, f in resolved.items() if f is not None})
    grid = table(
        backend,
        pd.DataFrame(
            [{"country": c, "year": y, "factor": f.value} for (c, y), f in grid_used.items()]
        ),
        "grid",
    )
    if "hourly_factors" in tables and "timestamp" in readings.columns:
        hourly = tables["hourly_factors"].rename(factor="g_per_kwh")
        sites = location_based_hourly_by_site(readings, hourly, grid)
    else:
        sites = location_based_by_site(readings, grid)
    per_site = sites.to_pandas()
    if "fallback_hours" in per_site and per_site.fallback_hours.sum():
        run.flags.append(f"hourly-factor-fallback:{int(per_site.fallback_hours.sum())} hours")
    location = per_site.groupby(KEYS, as_index=False).agg(
        kwh=("kwh", "sum"), scope2_location=("tco2e", "sum")
    )
    location["mwh"] = location.kwh.map(lambda v: convert(v, "kWh", "MWh").value)
    electricity = table(backend, location[[*KEYS, "mwh"]], "electricity_mwh")
    empty = pd.DataFrame(
        {
            "entity_id": pd.Series(dtype="str"),
            "country": pd.Series(dtype="str"),
            "year": pd.Series(dtype="int64"),
            "mwh": pd.Series(dtype="float64"),
            "factor": pd.Series(dtype="float64"),
        }
    )
    instruments = (
        tables["instruments"]
        .rename(factor="g_per_kwh")
        .select("entity_id", "country", "year", "mwh", "factor")
        if "instruments" in tables
        else table(backend, empty, "no_instruments")
    )
    residual = (
        tables["residual_mix"].rename(factor="g_per_kwh").select("country", "year", "factor")
        if "residual_mix" in tables
        else table(backend, empty[["country", "year", "factor"]], "no_residual")
    )
    mb = market.market_based(electricity, instruments, residual, grid).to_pandas()
    merged: pd.DataFrame = location.drop(columns=["kwh"]).merge(
        mb[[*KEYS, "scope2_market", "residual_fallback", "instruments_capped"]], on=KEYS, how="left"
    )
    return merged


def _combine(parts: list[pd.DataFrame]) -> pd.DataFrame:
    combined: pd.DataFrame | None = None
    for part in parts:
        part = part.assign(year=part.year.astype("int64"))
        combined = part if combined is None else combined.merge(part, on=KEYS, how="outer")
    assert combined is not None
    if {"scope1_combustion", "scope1_fugitive"} & set(combined.columns):
        s1 = [c for c in ("scope1_combustion", "scope1_fugitive") if c in combined.columns]
        combined["scope1"] = combined[s1].sum(axis=1, min_count=1).round(6)
    return combined.sort_values(KEYS).reset_index(drop=True)


#: result column → (indicator, unit)
OUTPUTS: Final = {
    "mwh": ("energy_electricity", "MWh"),
    "scope2_location": ("ghg_scope2_location", "tCO2e"),
    "scope2_market": ("ghg_scope2_market", "tCO2e"),
    "scope1": ("ghg_scope1", "tCO2e"),
    "scope1_fugitive": ("ghg_refrigerant_emissions", "tCO2e"),
    "refrigerant_kg": ("ghg_refrigerant_leakage", "kg"),
    "embodied_tco2e": ("ghg_embodied_annualised", "tCO2e"),
    "adp_kgsbeq": ("resource_abiotic_depletion", "kg Sbeq"),
    "water_m3": ("resource_water_embodied_annualised", "m^3"),
}


def _write(
    store: Store,
    run: ActivityRun,
    combined: pd.DataFrame,
    grid_used: dict[tuple[str, int], ResolvedFactor],
    set_name: str,
    gases: dict[tuple[str, str, int], set[str]],
) -> None:
    # the engine goes in the lineage, not the source: the same inputs give the same figures
    # on DuckDB and Spark, and a re-run on the other engine writes nothing new
    tool = f"ictfootprint {__version__} compute"
    batch: list[Observation] = []
    for row in combined.to_dict(orient="records"):
        factor = grid_used.get((row["country"], int(row["year"])))
        for column, (indicator, unit) in OUTPUTS.items():
            value = row.get(column)
            if value is None or pd.isna(value):
                continue
            flags: list[str] = []
            lineage: dict[str, Any] = {"inputs": run.files, "tool": tool, "engine": run.engine}
            if column.startswith("scope2") and factor is not None:
                flags += list(factor.flags)
                lineage["grid_factor"] = {
                    "id": factor.factor_id,
                    "dataset": factor.dataset,
                    "version": factor.dataset_version,
                }
            if column == "scope2_market":
                if row.get("residual_fallback"):
                    flags.append("residual-mix-missing:grid-factor-used")
                if row.get("instruments_capped"):
                    flags.append("instruments-exceed-consumption:capped")
            if column.startswith("scope1"):
                lineage["gwp_set"] = set_name
                used = gases.get((row["entity_id"], row["country"], int(row["year"])))
                if used:
                    lineage["gwp"] = gwp_set(set_name).describe(used)
            batch.append(
                Observation(
                    entity_id=row["entity_id"],
                    indicator_id=indicator,
                    year=int(row["year"]),
                    country=row["country"],
                    value=float(value),
                    unit=unit,
                    method=Method.CALCULATED,
                    source=f"{tool} from activity data",
                    quality_flags=tuple(flags),
                    lineage=lineage,
                    gwp_set=set_name if column in ("scope1", "scope1_fugitive") else None,
                )
            )
    result = store.record_observations(batch, action="compute")
    run.written, run.unchanged = len(result.written), result.unchanged
