"""Data rules: checks on a submission's normalised values together (duplicates, ranges,
totals against their components, renewable within total, year-on-year jumps, restatements of
accepted values); the checks across submissions (Scope 2 against the grid, intensities, S1+S2
against a restated total) are in :mod:`.crosschecks`. Importing this module also registers the
reading rules (:mod:`.reading_rules`), so ``RULES`` here is the whole registry
(:mod:`.registry`) from which ``docs/reference/validation-rules.md`` is generated.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from ictfootprint.collection import reading_rules  # noqa: F401  (registers the reading rules)
from ictfootprint.collection.checked import Checked
from ictfootprint.collection.findings import Finding, Severity, findings_per_rule
from ictfootprint.collection.registry import RULES, Context, Key, Rule, data_rule, run_data_rules
from ictfootprint.reference.catalogue import catalogue
from ictfootprint.units import figure_text

E, W = Severity.ERROR, Severity.WARNING


def _finding(rule: str, item: Checked, message: str, **fields: Any) -> Finding:
    obs = item
    return Finding.at(
        rule,
        RULES[rule].severity,
        message,
        item.raw.where,
        indicator=obs.indicator_id,
        year=obs.year,
        **fields,
    )


def _cell(item: Checked) -> str:
    return item.raw.where.describe()


def _percent(change: float) -> str:
    """A relative change in percent, signed, to three significant digits: "+1.26 %"."""
    return f"{'+' if change > 0 else ''}{figure_text(float(f'{change:.3g}'))} %"


@data_rule("duplicate-in-file", E, "Same value twice in one file")
def duplicates(context: Context) -> Iterable[Finding]:
    """The same indicator, year, country and sub-sector may appear only once in a file."""
    if len(context.by_key) == len(context.items):
        return  # every key once: nothing to look for
    # by_key holds each key's last value, so a value that is not its key's last has a
    # duplicate after it: only those keys are remembered (not one entry per value)
    repeated = {item.key for item in context.items if context.by_key[item.key] is not item}
    first: dict[Key, Checked] = {}
    listed, omitted, limit = 0, 0, findings_per_rule()
    for item in context.items:
        key = item.key
        if key not in repeated:
            continue
        if key not in first:
            first[key] = item
        elif listed < limit:
            listed += 1
            where = _cell(first[key])
            yield _finding("duplicate-in-file", item, f"duplicate of {where}", related=(where,))
        else:  # counted, not made: a file of a million copies makes a hundred findings
            omitted += 1
    if omitted:
        yield Finding("duplicate-in-file", E, f"... and {omitted:,} more", omitted=omitted)


@data_rule("range-non-negative", E, "Negative quantity")
def non_negative(context: Context) -> Iterable[Finding]:
    """Energy, emissions, water, masses and counts cannot be negative (only the indicators
    listed in `may_be_negative` can)."""
    allowed = set(context.settings["may_be_negative"])
    for item in context.items:
        obs = item
        if obs.value is not None and obs.value < 0 and obs.indicator_id not in allowed:
            yield _finding(
                "range-non-negative",
                item,
                "negative value",
                expected=">= 0",
                found=obs.value_received,
            )


@data_rule("range-share", E, "Share outside 0-100 %")
def shares(context: Context) -> Iterable[Finding]:
    """Indicators in percent are shares: between 0 and 100 %."""
    for item in context.items:
        obs = item
        if obs.unit == "percent" and obs.value is not None and not 0 <= obs.value <= 100:
            yield _finding(
                "range-share",
                item,
                "share outside 0-100 %",
                expected="0 to 100",
                found=f"{figure_text(obs.value)} %",
            )


@data_rule("range-pue", E, "PUE below 1")
def pue(context: Context) -> Iterable[Finding]:
    """Power usage effectiveness is total facility energy over IT energy: at least 1 by
    definition. A value above `pue_unusual_above` gets a warning instead."""
    low, high = context.settings["pue_minimum"], context.settings["pue_unusual_above"]
    for item in context.items:
        obs = item
        if obs.indicator_id != "dc_pue" or obs.value is None:
            continue
        if obs.value < low:
            yield _finding(
                "range-pue",
                item,
                "PUE below 1",
                expected=f">= {figure_text(low)}",
                found=figure_text(obs.value),
            )
        elif obs.value > high:
            yield Finding.at(
                "range-pue",
                Severity.WARNING,
                "unusually high PUE",
                item.raw.where,
                indicator=obs.indicator_id,
                year=obs.year,
                expected=f"<= {figure_text(high)}",
                found=figure_text(obs.value),
            )


@data_rule("total-components", W, "Total differs from the sum of its components")
def totals(context: Context) -> Iterable[Finding]:
    """A total (S1+S2, S1+S2+S3, Scope 3 against its 15 categories, ...) is compared with the
    sum of its components when all are present, and flagged when they differ by more than
    `total_tolerance_percent` (0.1 %): below that the difference is rounding. When only some
    components are present, their sum may not exceed the total by more than the tolerance."""
    tolerance = float(context.settings["total_tolerance_percent"]) / 100
    for key, total in context.by_key.items():
        entry = catalogue()[key[0]]
        if not entry.components or total.value is None:
            continue
        parts = [context.by_key.get((c, *key[1:])) for c in entry.components]
        present = [p for p in parts if p is not None and p.value is not None]
        if not present:
            continue
        summed = sum(p.value or 0.0 for p in present)
        reported = total.value
        scale = max(abs(reported), abs(summed), 1e-12)
        cells = tuple(_cell(p) for p in present)
        unit = entry.unit
        if len(present) == len(parts):
            if abs(reported - summed) / scale > tolerance:
                yield _finding(
                    "total-components",
                    total,
                    f"{key[0]} at {_cell(total)} = {figure_text(reported)} {unit} differs "
                    f"from the sum of its components ({', '.join(cells)}) = "
                    f"{figure_text(summed)} {unit} by {figure_text(abs(reported - summed))} "
                    f"{unit} ({100 * abs(reported - summed) / scale:.2f} %)",
                    expected=figure_text(summed),
                    found=figure_text(reported),
                    related=cells,
                )
        elif summed > reported * (1 + tolerance):
            yield _finding(
                "total-components",
                total,
                f"the components present ({', '.join(cells)}) add up to {figure_text(summed)} "
                f"{unit}, more than the total at {_cell(total)} = {figure_text(reported)} {unit}",
                expected=f">= {figure_text(summed)}",
                found=figure_text(reported),
                related=cells,
            )


@data_rule("renewable-within-total", E, "Renewable electricity above total electricity")
def renewable(context: Context) -> Iterable[Finding]:
    """Renewable electricity cannot exceed the electricity consumed (same year and country)."""
    for key, item in context.by_key.items():
        if key[0] != "energy_electricity_renewable":
            continue
        total = context.by_key.get(("energy_electricity", *key[1:]))
        if total is None:
            continue
        ren, tot = item.value or 0.0, total.value or 0.0
        if ren > tot * (1 + 1e-9):
            yield _finding(
                "renewable-within-total",
                item,
                f"renewable electricity {figure_text(ren)} {item.unit} above total electricity "
                f"{figure_text(tot)} {total.unit} at {_cell(total)}",
                expected=f"<= {figure_text(tot)}",
                found=figure_text(ren),
                related=(_cell(total),),
            )


@data_rule("year-on-year", W, "Large change from the previous year")
def year_on_year(context: Context) -> Iterable[Finding]:
    """A value that changes by more than `year_on_year_percent` from the previous year (in the
    same file, or the accepted value in the store) is flagged for a look: often a unit slip."""
    limit = float(context.settings["year_on_year_percent"]) / 100
    for key, item in context.by_key.items():
        value = item.value
        if value is None:
            continue
        previous_key = (key[0], key[1] - 1, key[2], key[3])
        before = context.by_key.get(previous_key)
        prior: float | None
        if before is not None:
            prior, unit, where = before.value, before.unit, _cell(before)
        elif previous_key in context.accepted:
            accepted = context.accepted[previous_key]
            prior, unit, where = accepted.value, accepted.unit, "the accepted value"
        else:
            continue
        if prior is None or prior == 0:
            continue
        change = (value - prior) / abs(prior)
        if abs(change) > limit:
            yield _finding(
                "year-on-year",
                item,
                f"{_percent(change * 100)} from {key[1] - 1} ({where}: "
                f"{_shown(prior, unit, None)})",
                expected=f"within ±{figure_text(limit * 100)} %",
                found=_shown(value, item.unit, None),
            )


@data_rule("restatement", W, "Restates an accepted value")
def restatement(context: Context) -> Iterable[Finding]:
    """A value different from the one already accepted for the same entity, indicator, year,
    country and sub-sector restates it: on acceptance it becomes a new revision and the old one
    stays in the history. The finding names the accepted value and the new one with their unit
    (and the unit as received) and the change in percent. The reason belongs in the comment
    column; without one this says so."""
    for key, item in context.by_key.items():
        accepted = context.accepted.get(key)
        obs = item
        if accepted is None or (
            accepted.value == obs.value and accepted.value_text == obs.value_text
        ):
            continue
        reason = obs.comment or "no reason given: add one in the comment column"
        old, new = (
            _shown(accepted.value, accepted.unit, accepted.value_text),
            _shown(obs.value, obs.unit, obs.value_text),
        )
        received = f"{obs.value_received or ''} {obs.unit_received or ''}".strip()
        if obs.value is not None and obs.unit_received and obs.unit_received != obs.unit:
            new = f"{new} (as received: {received})"
        if accepted.value and obs.value is not None:
            new = f"{new}, {_percent(100 * (obs.value / accepted.value - 1))}"
        yield _finding(
            "restatement",
            item,
            f"restates the accepted value {old} (revision {accepted.revision}) with {new}; "
            f"reason: {reason}",
            expected=old,
            found=received or new,
        )


def _shown(value: float | None, unit: str | None, text: str | None) -> str:
    """A value as a message names it: the figure and its unit, or the text of a category."""
    if value is None:
        return repr(text)
    if unit in (None, "", "dimensionless"):
        return figure_text(value)
    return f"{figure_text(value)} {'%' if unit == 'percent' else unit}"


# registered after the rules above: the checks across submissions come last in the report
from ictfootprint.collection import crosschecks  # noqa: E402, F401


def missing_by_year(
    items: Iterable[Checked], required: Iterable[str], years: Iterable[int]
) -> dict[int, list[str]]:
    present: dict[int, set[str]] = defaultdict(set)
    for item in items:
        present[item.year].add(item.indicator_id)
    return {y: [i for i in required if i not in present[y]] for y in sorted(years)}


__all__ = ["RULES", "Context", "Key", "Rule", "missing_by_year", "run_data_rules"]
