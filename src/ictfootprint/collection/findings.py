"""Findings of validation and the report a submitter and a reviewer read.

A report is bounded, whatever the file: it lists the first ``findings_per_rule`` findings of
each rule in full (``[collection]`` in ``defaults.toml``) and only counts the rest, so that a
file of a million duplicate rows gives a report of a few kilobytes, not hundreds of megabytes.
:class:`FindingLog` applies the bound as findings are made, so they are never all held.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ictfootprint.collection.raw import Cell
from ictfootprint.reference.loader import defaults


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One problem, and exactly where: the JSON report's row."""

    rule: str
    severity: Severity
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    cell: str | None = None
    indicator: str | None = None
    year: int | None = None
    expected: str | None = None
    found: str | None = None
    related: tuple[str, ...] = ()  # other cells involved, e.g. the components of a total
    # > 0: not a finding but a stand-in for this many further findings of the rule, left out
    omitted: int = 0

    @classmethod
    def at(
        cls,
        rule: str,
        severity: Severity,
        message: str,
        where: Cell | None,
        **fields: Any,
    ) -> Finding:
        if where is None:
            return cls(rule, severity, message, **fields)
        loc = where.location
        return cls(
            rule,
            severity,
            message,
            sheet=loc.sheet,
            row=loc.row,
            column=loc.column or loc.field,
            cell=where.ref,
            **fields,
        )

    def as_dict(self) -> dict[str, Any]:
        # by hand: dataclasses.asdict deep-copies and costs seconds on large reports
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "cell": self.cell,
            "indicator": self.indicator,
            "year": self.year,
            "expected": self.expected,
            "found": self.found,
            "related": list(self.related),
        }


def findings_per_rule() -> int:
    """How many findings of one rule a report lists in full (the rest are counted)."""
    return int(defaults()["collection"]["findings_per_rule"])


class FindingLog:
    """Findings as a report keeps them: the first ``limit`` of each rule, then counts.

    For example::

        log = FindingLog(limit=2)
        log.extend(three_duplicate_findings)
        log.kept      # the first two
        log.omitted   # {("duplicate-in-file", Severity.ERROR): 1}
    """

    def __init__(self, limit: int | None = None) -> None:
        self.limit = findings_per_rule() if limit is None else limit
        self.kept: list[Finding] = []
        self.omitted: dict[tuple[str, Severity], int] = {}
        self._seen: Counter[str] = Counter()

    def add(self, finding: Finding) -> None:
        if finding.omitted:  # a stand-in made by another log: its count carries over
            self._leave_out(finding.rule, finding.severity, finding.omitted)
            return
        self._seen[finding.rule] += 1
        if self._seen[finding.rule] <= self.limit:
            self.kept.append(finding)
        else:
            self._leave_out(finding.rule, finding.severity, 1)

    def extend(self, findings: Iterable[Finding]) -> None:
        for finding in findings:
            self.add(finding)

    def _leave_out(self, rule: str, severity: Severity, count: int) -> None:
        self.omitted[rule, severity] = self.omitted.get((rule, severity), 0) + count

    def findings(self) -> list[Finding]:
        """The findings kept, then one stand-in (``omitted`` > 0) per rule and severity for
        those left out: a plain list that another log, or :class:`Report`, counts back."""
        return self.kept + [
            Finding(rule, severity, f"... and {count:,} more", omitted=count)
            for (rule, severity), count in self.omitted.items()
        ]


@dataclass
class Completeness:
    """Which indicators the respondent type should report, and which are missing."""

    respondent: str
    years: list[int]
    required: list[str]
    missing: dict[int, list[str]]  # year → indicator ids

    @property
    def percent(self) -> float:
        """Share of the required indicator-years present; 0 for a file with no value at all
        (nothing is complete about it), 100 when nothing is required."""
        if not self.years:
            return 0.0
        expected = len(self.required) * len(self.years)
        absent = sum(len(v) for v in self.missing.values())
        return round(100.0 * (expected - absent) / expected, 1) if expected else 100.0


@dataclass
class Report:
    """The validation report of one file."""

    file: str
    format: str
    sha256: str
    entity_id: str
    values: int = 0
    findings: list[Finding] = field(default_factory=list)
    completeness: Completeness | None = None
    encoding: str | None = None
    locale: str | None = None
    # findings counted but not listed, by rule and severity (see FindingLog)
    omitted: dict[tuple[str, Severity], int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        log = FindingLog()
        log.extend(self.findings)
        for (rule, severity), count in self.omitted.items():
            log.add(Finding(rule, severity, "", omitted=count))
        self.findings, self.omitted = log.kept, log.omitted

    @property
    def errors(self) -> list[Finding]:
        """The errors listed (see :meth:`count` for all of them)."""
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        """The warnings listed (see :meth:`count` for all of them)."""
        return [f for f in self.findings if f.severity is Severity.WARNING]

    def count(self, severity: Severity) -> int:
        """Findings of this severity, listed or left out."""
        listed = sum(1 for f in self.findings if f.severity is severity)
        return listed + sum(n for (_, s), n in self.omitted.items() if s is severity)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "format": self.format,
            "sha256": self.sha256,
            "entity": self.entity_id,
            "encoding": self.encoding,
            "locale": self.locale,
            "values": self.values,
            "errors": self.count(Severity.ERROR),
            "warnings": self.count(Severity.WARNING),
            "findings": [f.as_dict() for f in self.findings],
            "omitted": omitted_by_rule(self.omitted),
            "completeness": None
            if self.completeness is None
            else {
                "respondent": self.completeness.respondent,
                "years": self.completeness.years,
                "required": self.completeness.required,
                "missing": {str(y): ids for y, ids in self.completeness.missing.items()},
                "percent": self.completeness.percent,
            },
        }


def omitted_by_rule(omitted: dict[tuple[str, Severity], int]) -> dict[str, int]:
    """Rule → how many of its findings a report counts but does not list."""
    by_rule: Counter[str] = Counter()
    for (rule, _), count in omitted.items():
        by_rule[rule] += count
    return dict(by_rule)
