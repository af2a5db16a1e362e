"""The validation rule registry: every rule's id, severity, title and documentation.

Two kinds share it: *reading* rules (:mod:`.reading_rules`), raised while a file is read and its
values normalised, and *data* rules (:mod:`.rules`), functions over the normalised values
together. ``docs/reference/validation-rules.md`` is generated from ``RULES``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ictfootprint.collection.checked import Checked
from ictfootprint.collection.findings import Finding, FindingLog, Severity
from ictfootprint.model import Entity, ResolvedFactor, StoredObservation
from ictfootprint.reference.loader import defaults

Key = tuple[str, int, str | None, str | None]  # indicator, year, country, subsector


@dataclass
class Context:
    """What data rules see: the submission's values, and what the store already holds: the
    entity's accepted current values (every year: its history), grid factors, and its peers'
    totals for the years of the file."""

    entity: Entity
    items: list[Checked]
    accepted: dict[Key, StoredObservation]
    grid_factor: Callable[[str, int], ResolvedFactor | None]
    # the totals (all countries and sub-sectors, key country and sub-sector None) of the
    # entity's peers (entities of its first sub-sector), by peer: what the intensity rule
    # compares with (collection/seen.py)
    peers: dict[str, dict[Key, float]] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=lambda: dict(defaults()["validation"]))

    def __post_init__(self) -> None:
        self.by_key: dict[Key, Checked] = {item.key: item for item in self.items}


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    title: str
    doc: str
    stage: str  # "reading" or "data"
    check: Callable[[Context], Iterable[Finding]] | None = None


RULES: dict[str, Rule] = {}


def reading_rule(rule_id: str, severity: Severity, title: str, doc: str) -> None:
    RULES[rule_id] = Rule(rule_id, severity, title, doc, "reading")


def data_rule(
    rule_id: str, severity: Severity, title: str
) -> Callable[[Callable[[Context], Iterable[Finding]]], Callable[[Context], Iterable[Finding]]]:
    def register(
        check: Callable[[Context], Iterable[Finding]],
    ) -> Callable[[Context], Iterable[Finding]]:
        RULES[rule_id] = Rule(
            rule_id, severity, title, (check.__doc__ or "").strip(), "data", check
        )
        return check

    return register


def run_data_rules(context: Context) -> list[Finding]:
    """Every data rule's findings, bounded as a report bounds them (:class:`FindingLog`)."""
    findings = FindingLog()
    for rule in RULES.values():
        if rule.check is not None:
            findings.extend(rule.check(context))
    return findings.findings()
