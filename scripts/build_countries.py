#!/usr/bin/env python3
"""Regenerate ``src/ictfootprint/reference/data/countries.csv``.

One row per ISO 3166-1 entry (taken from pycountry) plus the user-assigned
areas listed in ``scripts/countries_sources/user_assigned_areas.csv`` (Kosovo,
``XKX``). Everything that is not in pycountry comes from small hand-curated
tables beside this script, so that a reviewer can check each value against its
source:

``countries_sources/m49_overview.csv``
    UN M49 region / sub-region / intermediate-region codes and the LDC, LLDC
    and SIDS flags, transcribed from the UNSD "Standard country or area codes
    for statistical use (M49)" overview table (248 rows).
``countries_sources/m49_additions.csv``
    Areas the M49 overview does not list (TWN, XKX) and the M49 codes we give
    them, with the reason.
``countries_sources/itu_regions.csv``
    ITU-D (BDT) statistical region and ITU membership of every area.
``countries_sources/user_assigned_areas.csv``
    Codes and six-language names of areas that are not in ISO 3166-1.

Names are the ISO 3166-1 ``name`` in English and its pycountry gettext
translation (``iso3166-1`` domain) in fr, es, ru, zh_CN and ar. Where a
translation is missing, the English name is used and the case is reported.

The region codes used are checked against
``src/ictfootprint/reference/data/regions.csv`` (hand-curated, not generated).

Usage (pycountry must be installed; the package does not need it at run time)::

    python scripts/build_countries.py           # write countries.csv
    python scripts/build_countries.py --check   # exit 1 if the file is stale

Provenance and judgement calls: ``docs/reference/countries.md``.
"""

from __future__ import annotations

import argparse
import csv
import gettext
import io
import sys
from collections import Counter
from pathlib import Path

import pycountry

ROOT = Path(__file__).resolve().parent.parent
SOURCES = Path(__file__).resolve().parent / "countries_sources"
DATA = ROOT / "src" / "ictfootprint" / "reference" / "data"
OUTPUT = DATA / "countries.csv"
REGIONS = DATA / "regions.csv"

# The version the committed countries.csv was built with; another version may
# change names or translations, which --check will then show as a diff.
PYCOUNTRY_VERSION = "26.2.16"

COLUMNS = [
    "iso3",
    "iso2",
    "numeric",
    "m49_region_code",
    "m49_subregion_code",
    "m49_intermediate_region_code",
    "itu_region",
    "itu_member",
    "ldc",
    "lldc",
    "sids",
    "name_en",
    "name_fr",
    "name_es",
    "name_ru",
    "name_zh",
    "name_ar",
]
# project language -> pycountry locale directory
LOCALES = {"fr": "fr", "es": "es", "ru": "ru", "zh": "zh_CN", "ar": "ar"}
M49_CODE_COLUMNS = ("m49_region_code", "m49_subregion_code", "m49_intermediate_region_code")

# Expected totals: a change in a source table must be deliberate.
EXPECTED = {
    "rows": 250,
    "ldc": 44,
    "lldc": 32,
    "sids": 53,
    "itu_member": 193,
    "itu_members_by_region": {
        "ITU-AFR": 44,
        "ITU-AMS": 35,
        "ITU-ARB": 21,
        "ITU-ASP": 38,
        "ITU-CIS": 9,
        "ITU-EUR": 46,
    },
}


class BuildError(Exception):
    """A source table is inconsistent; the message names the file and the row."""


def read_table(path: Path, key: str = "iso3") -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    table: dict[str, dict[str, str]] = {}
    for line, row in enumerate(rows, start=2):
        if row[key] in table:
            raise BuildError(f"{path.name}: line {line}: duplicate {key} {row[key]!r}")
        table[row[key]] = row
    return table


def flag(value: str, where: str) -> str:
    """M49 marks membership with 'x'; we write true/false."""
    if value not in ("", "x"):
        raise BuildError(f"{where}: expected 'x' or empty, found {value!r}")
    return "true" if value == "x" else "false"


def translators() -> dict[str, gettext.NullTranslations]:
    return {
        lang: gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[loc])
        for lang, loc in LOCALES.items()
    }


def iso_names(
    name_en: str, tr: dict[str, gettext.NullTranslations], missing: list[str], iso3: str
) -> dict[str, str]:
    names = {"name_en": name_en}
    for lang, t in tr.items():
        catalog = getattr(t, "_catalog", {})
        if catalog.get(name_en):
            names[f"name_{lang}"] = t.gettext(name_en)
        else:  # no translation in pycountry: fall back to English, report it
            names[f"name_{lang}"] = name_en
            missing.append(f"{iso3} {lang}")
    return names


def build() -> tuple[list[dict[str, str]], list[str]]:
    m49 = read_table(SOURCES / "m49_overview.csv")
    additions = read_table(SOURCES / "m49_additions.csv")
    itu = read_table(SOURCES / "itu_regions.csv")
    extra = read_table(SOURCES / "user_assigned_areas.csv")
    regions = read_table(REGIONS, key="code")

    overlap = set(m49) & set(additions)
    if overlap:
        raise BuildError(f"m49_additions.csv: already in m49_overview.csv: {sorted(overlap)}")
    m49.update(additions)

    tr = translators()
    missing: list[str] = []
    rows: list[dict[str, str]] = []

    areas = [
        (c.alpha_3, c.alpha_2, c.numeric, iso_names(c.name, tr, missing, c.alpha_3))
        for c in pycountry.countries
    ]
    for iso3, row in extra.items():
        names = {f"name_{lang}": row[f"name_{lang}"] for lang in ("en", *LOCALES)}
        areas.append((iso3, row["iso2"], row["numeric"], names))

    for iso3, iso2, numeric, names in areas:
        if iso3 not in m49:
            raise BuildError(f"{iso3}: in neither m49_overview.csv nor m49_additions.csv")
        if iso3 not in itu:
            raise BuildError(f"{iso3}: missing from itu_regions.csv")
        m, i = m49[iso3], itu[iso3]
        where = f"M49 row {iso3}"
        rows.append(
            {
                "iso3": iso3,
                "iso2": iso2,
                "numeric": numeric.zfill(3),
                **{col: m[col] for col in M49_CODE_COLUMNS},
                "itu_region": i["itu_region"],
                "itu_member": i["itu_member"],
                "ldc": flag(m["ldc"], where),
                "lldc": flag(m["lldc"], where),
                "sids": flag(m["sids"], where),
                **names,
            }
        )

    unused = (set(m49) | set(itu)) - {r["iso3"] for r in rows}
    if unused:
        raise BuildError(f"source rows for unknown areas: {sorted(unused)}")
    rows.sort(key=lambda r: r["iso3"])
    validate(rows, regions)
    return rows, missing


def validate(rows: list[dict[str, str]], regions: dict[str, dict[str, str]]) -> None:
    problems: list[str] = []
    for col in ("iso3", "iso2", "numeric"):
        dup = [v for v, n in Counter(r[col] for r in rows).items() if n > 1]
        if dup:
            problems.append(f"duplicate {col}: {dup}")
    kinds = {
        "m49_region_code": "m49_region",
        "m49_subregion_code": "m49_subregion",
        "m49_intermediate_region_code": "m49_intermediate_region",
        "itu_region": "itu_region",
    }
    for r in rows:
        for col, kind in kinds.items():
            code = r[col]
            if code and regions.get(code, {}).get("kind") != kind:
                problems.append(f"{r['iso3']}: {col} {code!r} is not a {kind} in regions.csv")
        reg, sub, inter = (r[c] for c in M49_CODE_COLUMNS)
        if sub and regions.get(sub, {}).get("parent") != reg:
            problems.append(f"{r['iso3']}: sub-region {sub} is not in region {reg}")
        if inter and regions.get(inter, {}).get("parent") != sub:
            problems.append(f"{r['iso3']}: intermediate region {inter} is not in sub-region {sub}")
        if bool(reg) != bool(sub) or (not reg and r["iso3"] != "ATA"):
            problems.append(f"{r['iso3']}: incomplete M49 codes")
        if not r["itu_region"] and r["iso3"] != "ATA":
            problems.append(f"{r['iso3']}: no ITU region")
        if r["itu_member"] not in ("true", "false"):
            problems.append(f"{r['iso3']}: itu_member {r['itu_member']!r}")
        empty = [c for c in COLUMNS if c.startswith("name_") and not r[c]]
        if empty:
            problems.append(f"{r['iso3']}: empty {empty}")

    counts = {
        "rows": len(rows),
        **{f: sum(r[f] == "true" for r in rows) for f in ("ldc", "lldc", "sids", "itu_member")},
        "itu_members_by_region": dict(
            sorted(Counter(r["itu_region"] for r in rows if r["itu_member"] == "true").items())
        ),
    }
    for key, want in EXPECTED.items():
        if counts[key] != want:
            problems.append(f"{key}: expected {want}, found {counts[key]}")
    if problems:
        raise BuildError("countries.csv would be inconsistent:\n  " + "\n  ".join(problems))


def render(rows: list[dict[str, str]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="do not write; exit 1 if countries.csv differs from a fresh build",
    )
    args = parser.parse_args(argv)

    if pycountry.__version__ != PYCOUNTRY_VERSION:
        print(
            f"note: pycountry {pycountry.__version__}, countries.csv was built with "
            f"{PYCOUNTRY_VERSION}; names may differ",
            file=sys.stderr,
        )
    try:
        rows, missing = build()
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if missing:
        print("no pycountry translation, English used: " + ", ".join(missing), file=sys.stderr)

    text = render(rows)
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(
                f"{OUTPUT.relative_to(ROOT)} is stale: run scripts/build_countries.py",
                file=sys.stderr,
            )
            return 1
        print(f"{OUTPUT.relative_to(ROOT)} is up to date ({len(rows)} rows)")
        return 0
    OUTPUT.write_text(text, encoding="utf-8", newline="")
    print(f"wrote {OUTPUT.relative_to(ROOT)} ({len(rows)} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
