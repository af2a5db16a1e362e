"""Reference commands: the indicator catalogue, countries, pathways, unit conversion."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from ictfootprint.reference.pathways import Pathway

from ictfootprint.cli.options import (
    FORMAT_OPTION,
    LANG_OPTION,
    Format,
    Lang,
    print_json,
    print_table,
)
from ictfootprint.reference.catalogue import LEVELS, SUBSECTORS, catalogue
from ictfootprint.reference.countries import countries, regions
from ictfootprint.reference.pathways import pathways
from ictfootprint.units import convert


def catalogue_command(
    lang: Lang = LANG_OPTION,
    fmt: Format = FORMAT_OPTION,
    level: str | None = typer.Option(
        None, help=f"Only indicators of a level: {', '.join(LEVELS)}."
    ),
    subsector: str | None = typer.Option(
        None, help=f"Only indicators of a sub-sector: {', '.join(SUBSECTORS)}."
    ),
) -> None:
    """List the indicator catalogue: id, name, unit, levels, sub-sectors, scope, standard."""
    from ictfootprint.reference.codes import subsector_code

    if subsector is not None:
        subsector = subsector_code(subsector)
    selected = [
        i
        for i in catalogue().values()
        if (level is None or level in i.levels) and (subsector is None or subsector in i.subsectors)
    ]
    if fmt is Format.json:
        print_json([i.as_row(lang.value) for i in selected])
        return
    print_table(
        f"Indicator catalogue ({len(selected)} indicators, {lang.value})",
        ["id", "name", "unit", "levels", "scope", "standard"],
        [
            [i.id, i.name(lang.value), i.unit, ";".join(i.levels), i.scope, ";".join(i.standard)]
            for i in selected
        ],
    )


def countries_command(lang: Lang = LANG_OPTION, fmt: Format = FORMAT_OPTION) -> None:
    """List countries with ISO codes, UN M49 and ITU regions and LDC/LLDC/SIDS flags."""
    region_names = regions()
    rows = [
        {
            "iso3": c.iso3,
            "iso2": c.iso2,
            "numeric": c.numeric,
            "name": c.name(lang.value),
            "m49_region": c.m49_region,
            "m49_subregion": c.m49_subregion,
            "itu_region": c.itu_region,
            "itu_region_name": region_names[c.itu_region].name(lang.value)
            if c.itu_region
            else None,
            "itu_member": c.itu_member,
            "ldc": c.ldc,
            "lldc": c.lldc,
            "sids": c.sids,
        }
        for c in countries().values()
    ]
    if fmt is Format.json:
        print_json(rows)
        return
    print_table(
        f"Countries and areas ({len(rows)})",
        ["iso3", "name", "M49 region", "ITU region", "LDC", "LLDC", "SIDS"],
        [
            [
                r["iso3"],
                r["name"],
                r["m49_region"],
                r["itu_region_name"],
                r["ldc"],
                r["lldc"],
                r["sids"],
            ]
            for r in rows
        ],
    )


def pathways_command(fmt: Format = FORMAT_OPTION) -> None:
    """List the emission pathways (L.1470, SBTi) with what each applies to (elsewhere a
    comparison is indicative), the gas it counts and the scopes it covers."""
    if fmt is Format.json:
        print_json(
            [
                {
                    "id": p.id,
                    "name": p.name,
                    "kind": p.kind,
                    "base_year": p.base_year,
                    "points": [list(pt) for pt in p.points],
                    "annual_reduction": p.annual_reduction,
                    "scopes": list(p.scopes),
                    "applies_to": list(p.applies_to),
                    "subsectors": list(p.subsectors),
                    "entity_kinds": list(p.entity_kinds),
                    "gas": p.gas,
                    "variant_of": p.variant_of,
                    "source": p.source,
                }
                for p in pathways().values()
            ]
        )
        return
    print_table(
        "Emission pathways",
        ["id", "name", "applies to", "gas", "scopes"],
        [[p.id, p.name, _applies_to(p), p.gas, ", ".join(p.scopes)] for p in pathways().values()],
    )


def _applies_to(p: Pathway) -> str:
    """What a pathway applies to, narrowed to kinds of entity (the UN system's: organisation)."""
    kinds = f" ({', '.join(p.entity_kinds)})" if p.entity_kinds else ""
    return ", ".join(p.applies_to) + kinds


def convert_command(
    value: float = typer.Argument(..., help="The number to convert."),
    from_unit: str = typer.Argument(..., metavar="FROM", help="Unit of the value, e.g. 'kt CO2e'."),
    to_unit: str = typer.Argument(..., metavar="TO", help="Target unit, e.g. MtCO2e."),
    gwp: str | None = typer.Option(None, help="GWP100 set for a change of gas: AR4, AR5, AR6."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Convert a value between units with the program's unit registry."""
    result = convert(value, from_unit, to_unit, gwp=gwp)
    if fmt is Format.json:
        print_json(
            {
                "value": result.value,
                "unit": result.unit,
                "gwp_set": result.gwp_set,
                "gwp": result.gwp,
            }
        )
        return
    suffix = f"  ({result.gwp})" if result.gwp else ""
    typer.echo(f"{result.value:.12g} {result.unit}{suffix}")
