"""Submitting a file: read it, normalise and validate every value, store it with its report.

For example::

    result = submit(store, path.read_bytes(), "survey-2023.xlsx", "fr-op-1")
    result.status, result.exit_code            # ("validated", 0)

The submission (with the file as received) is stored in one transaction whether it validates
or not: nothing sent is lost. A validated submission waits for a reviewer
(:meth:`Store.accept_submission`); its values become current only then, all together.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Final

from ictfootprint.assess.coverage import respondent_for
from ictfootprint.collection.checked import Checked, check_values, number_format
from ictfootprint.collection.csvreader import read_csv
from ictfootprint.collection.findings import Completeness, Finding, Report, Severity
from ictfootprint.collection.jsonreader import read_json
from ictfootprint.collection.numbers import declared_format
from ictfootprint.collection.raw import RawFile
from ictfootprint.collection.rules import Context, missing_by_year, run_data_rules
from ictfootprint.errors import InputError, Location
from ictfootprint.model import Entity
from ictfootprint.reference.loader import defaults
from ictfootprint.reference.respondents import respondent as respondent_named
from ictfootprint.reference.respondents import respondents
from ictfootprint.store import Store
from ictfootprint.store.observations import best_available
from ictfootprint.store.submissions import DuplicateSubmission

FORMATS: Final = ("csv", "xlsx", "json")
_OLE: Final = bytes.fromhex("d0cf11e0a1b11ae1")


@dataclass(frozen=True)
class SubmitResult:
    """What happened to a file: its submission, status and report, and the exit status."""

    submission_id: int
    status: str
    report: dict[str, Any]
    unusable: bool = False
    identical_to: int | None = None

    @property
    def exit_code(self) -> int:
        """0 accepted or validated, 1 rejected with errors, 2 unusable input."""
        if self.unusable:
            return 2
        return 0 if self.status in ("validated", "accepted") else 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "submission": self.submission_id,
            "status": self.status,
            "identical_to": self.identical_to,
            "report": self.report,
        }


def max_bytes() -> int:
    return int(defaults()["collection"]["max_file_megabytes"]) * 1024 * 1024


def submit(
    store: Store,
    data: bytes,
    name: str,
    entity_id: str,
    *,
    file_format: str | None = None,
    encoding: str | None = None,
    locale: str | None = None,
    respondent: str | None = None,
) -> SubmitResult:
    """Validate and store one file for one entity (see the module docstring)."""
    entity = store.find_entity(entity_id)
    if entity is None:
        raise InputError(
            "unknown entity (add it first: ictfootprint entities add)",
            Location(field="entity"),
            found=entity_id,
        )
    if len(data) > max_bytes():
        raise InputError(
            "file too large",
            Location(file=name),
            expected=f"at most {max_bytes() // 2**20} MB",
            found=f"{len(data) / 2**20:.0f} MB",
        )
    if respondent is not None:
        respondent_named(respondent)
    fmt = _format(data, name, file_format)
    declared = declared_format(locale) if locale else None
    sha256 = hashlib.sha256(data).hexdigest()
    earlier = store.identical_submission(entity.id, sha256)
    if earlier is not None:
        record = store.submission(earlier)
        return SubmitResult(earlier, record.status, record.report or {}, identical_to=earlier)
    try:
        raw = _read(data, name, fmt, encoding)
    except InputError as error:
        report = Report(
            name,
            fmt,
            sha256,
            entity.id,
            findings=[
                Finding(
                    "unusable-file",
                    Severity.ERROR,
                    error.message,
                    sheet=error.location.sheet,
                    row=error.location.row,
                    column=error.location.column or error.location.field,
                    expected=error.expected,
                    found=error.found,
                )
            ],
        )
        return _stored(store, report, data, None, respondent, encoding, unusable=True)
    report, payload = validate(store, raw, entity, declared=declared, respondent=respondent)
    kind = report.completeness.respondent if report.completeness else respondent
    return _stored(store, report, data, payload, kind, raw.encoding)


def _stored(
    store: Store,
    report: Report,
    data: bytes,
    payload: list[dict[str, Any]] | None,
    respondent: str | None,
    encoding: str | None,
    *,
    unusable: bool = False,
) -> SubmitResult:
    """Store the submission whatever its outcome (values only when it validated)."""
    status = "rejected" if report.errors else "validated"
    report_dict = report.as_dict()
    try:
        submission_id = store.create_submission(
            entity_id=report.entity_id,
            file_name=report.file,
            fmt=report.format,
            sha256=report.sha256,
            content=data,
            report=report_dict,
            payload=payload if status == "validated" else None,
            respondent=respondent,
            encoding=encoding,
            locale=report.locale,
            status=status,
        )
    except DuplicateSubmission as same:  # the same file, sent twice at once
        record = store.submission(same.earlier)
        return SubmitResult(
            same.earlier, record.status, record.report or {}, identical_to=same.earlier
        )
    return SubmitResult(submission_id, status, report_dict, unusable=unusable)


def validate(
    store: Store,
    raw: RawFile,
    entity: Entity,
    *,
    declared: Any = None,
    respondent: str | None = None,
) -> tuple[Report, list[dict[str, Any]]]:
    """The report of a read file, and its values ready to store (JSON-able dicts)."""
    fmt, mixed = number_format(raw.values, declared)
    source = f"submission {raw.name} (sha256 {raw.sha256[:12]})"
    checked, findings = check_values(
        raw.values, entity_id=entity.id, source=source, fmt=fmt, mixed=mixed
    )
    notices = [
        Finding.at(
            n.rule, Severity(n.severity), n.message, n.cell, expected=n.expected, found=n.found
        )
        for n in raw.notices
    ]
    accepted = {
        (o.indicator_id, o.year, o.country, o.subsector): o
        for o in best_available(
            store.current_observations(
                entity_ids=[entity.id], methods=["reported", "statistical", "estimated"]
            )
        )
    }
    context = Context(entity, checked, accepted, _factor_lookup(store, entity, checked))
    findings = notices + findings + run_data_rules(context)
    if not checked and not any(f.severity is Severity.ERROR for f in findings):
        findings.append(
            Finding(
                "no-values",
                Severity.ERROR,
                "the file holds no values",
                expected="at least one filled value",
            )
        )
    kind = respondent or raw.respondent or respondent_for(entity)
    years = sorted({c.year for c in checked})
    wanted = respondents()[kind].required
    completeness = Completeness(kind, years, list(wanted), missing_by_year(checked, wanted, years))
    report = Report(
        raw.name,
        raw.format,
        raw.sha256,
        entity.id,
        values=len(checked),
        findings=findings,
        completeness=completeness,
        encoding=raw.encoding,
        locale=fmt.locale_label,
    )
    payload = [c.payload() for c in checked]
    return report, payload


def _factor_lookup(store: Store, entity: Entity, checked: list[Checked]) -> Any:
    """Grid factors for every (country, year) the Scope 2 rule will ask for, in one query."""
    pairs = {
        (c.country or entity.country, c.year)
        for c in checked
        if c.indicator_id == "ghg_scope2_location"
    }
    factors = store.resolve_grid_factors((a, y) for a, y in pairs if a is not None)
    return lambda country, year: factors.get((country, year))


def _format(data: bytes, name: str, declared: str | None) -> str:
    if declared is not None:
        if declared not in FORMATS:
            raise InputError(
                "unknown format",
                Location(field="format"),
                expected=", ".join(FORMATS),
                found=declared,
            )
        return declared
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    if data[:2] == b"PK" or data[:8] == _OLE or suffix in ("xlsx", "xlsm", "xls"):
        return "xlsx"
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if suffix == "json" or head[:1] in (b"{", b"["):
        return "json"
    return "csv"


def _read(data: bytes, name: str, fmt: str, encoding: str | None) -> RawFile:
    if fmt == "xlsx":
        from ictfootprint.collection.xlsx import read_xlsx

        return read_xlsx(data, name)
    if fmt == "json":
        return read_json(data, name)
    return read_csv(data, name, encoding=encoding)
