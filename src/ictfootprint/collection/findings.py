"""Findings of validation and the report a submitter and a reviewer read."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ictfootprint.collection.raw import Cell


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

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "format": self.format,
            "sha256": self.sha256,
            "entity": self.entity_id,
            "encoding": self.encoding,
            "locale": self.locale,
            "values": self.values,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "findings": [f.as_dict() for f in self.findings],
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
