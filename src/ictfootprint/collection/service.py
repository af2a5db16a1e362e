"""Submitting a file: read it, normalise and validate every value, store it with its report.

For example::

    result = submit(store, path.read_bytes(), "survey-2023.xlsx", "fr-op-1")
    result.status, result.exit_code            # ("validated", 0)

The submission (with the file as received) is stored in one transaction whether it validates
or not: nothing sent is lost. A validated submission waits for a reviewer
(:meth:`Store.accept_submission`); its values become current only then, all together.
"""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass
from typing import Any, Final

from ictfootprint.assess.coverage import respondent_for
from ictfootprint.collection.checked import check_values, number_format
from ictfootprint.collection.csvreader import read_csv
from ictfootprint.collection.findings import Completeness, Finding, Report, Severity
from ictfootprint.collection.jsonreader import read_json
from ictfootprint.collection.numbers import declared_format
from ictfootprint.collection.raw import RawFile
from ictfootprint.collection.rules import missing_by_year, run_data_rules
from ictfootprint.collection.seen import rule_context
from ictfootprint.errors import InputError, Location
from ictfootprint.model import Entity
from ictfootprint.reference.loader import defaults
from ictfootprint.reference.respondents import respondent as respondent_named
from ictfootprint.reference.respondents import respondents
from ictfootprint.store import Store
from ictfootprint.store.submissions import DuplicateSubmission

FORMATS: Final = ("csv", "xlsx", "json")
_OLE: Final = bytes.fromhex("d0cf11e0a1b11ae1")


@dataclass(frozen=True)
class SubmitResult:
    """What happened to a file: its submission, status and report, and the exit status.

    ``submission_id`` is the local id (the CLI's), ``public_id`` the one the API and the
    dashboard show. ``rereads`` names the earlier submission of the same bytes that this one
    reads again with other declared options."""

    submission_id: int
    status: str
    report: dict[str, Any]
    unusable: bool = False
    identical_to: int | None = None
    public_id: str = ""
    rereads: int | None = None
    rereads_public_id: str | None = None

    @property
    def exit_code(self) -> int:
        """0 accepted or validated, 1 rejected with errors, 2 unusable input."""
        if self.unusable:
            return 2
        return 0 if self.status in ("validated", "accepted") else 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "submission": self.submission_id,
            "public_id": self.public_id,
            "status": self.status,
            "identical_to": self.identical_to,
            "rereads": self.rereads,
            "report": self.report,
        }


@dataclass(frozen=True)
class Upload:
    """A received file, checked and identified but not read yet."""

    data: bytes
    name: str
    entity_id: str
    fmt: str
    sha256: str
    encoding: str | None
    locale: str | None
    respondent: str | None

    @property
    def read_as(self) -> str:
        """The declared reading options, canonical: part of the submission's identity."""
        options = (("encoding", _encoding_name(self.encoding)), ("locale", self.locale))
        declared = (*options, ("respondent", self.respondent))
        return ";".join(f"{k}={v}" for k, v in declared if v)


@dataclass(frozen=True)
class Examined:
    """What reading and validating an upload found: plain data, so that it can come back
    from a worker process."""

    report: dict[str, Any]
    payload: list[dict[str, Any]] | None
    respondent: str | None
    encoding: str | None
    unusable: bool = False

    @property
    def status(self) -> str:
        return "rejected" if self.report.get("errors") else "validated"


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
    upload = receive(
        store,
        data,
        name,
        entity_id,
        file_format=file_format,
        encoding=encoding,
        locale=locale,
        respondent=respondent,
    )
    if isinstance(upload, SubmitResult):
        return upload
    return record(store, upload, examine(store, upload))


def receive(
    store: Store,
    data: bytes,
    name: str,
    entity_id: str,
    *,
    file_format: str | None = None,
    encoding: str | None = None,
    locale: str | None = None,
    respondent: str | None = None,
) -> Upload | SubmitResult:
    """Check what comes with a file (entity, size, options) and identify it: the result of
    the earlier submission when the same file was already sent, read the same way."""
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
            found=f"{len(data) / 2**20:,.0f} MB",
        )
    if respondent is not None:
        respondent_named(respondent)
    if locale:
        declared_format(locale)
    upload = Upload(
        data,
        name,
        entity.id,
        _format(data, name, file_format),
        hashlib.sha256(data).hexdigest(),
        encoding,
        locale or None,
        respondent,
    )
    earlier = store.identical_submission(entity.id, upload.sha256, upload.fmt, upload.read_as)
    return upload if earlier is None else _identical(store, earlier)


def _identical(store: Store, earlier: int) -> SubmitResult:
    """The outcome of the earlier submission, told again (the same exit status)."""
    found = store.submission(earlier)
    return SubmitResult(
        earlier,
        found.status,
        found.report or {},
        unusable=found.unusable,
        identical_to=earlier,
        public_id=found.public_id,
        rereads=found.rereads,
        rereads_public_id=found.rereads_public_id,
    )


def examine(store: Store, upload: Upload) -> Examined:
    """Read and validate an upload (the long part; stores nothing)."""
    entity = store.entity(upload.entity_id)
    declared = declared_format(upload.locale) if upload.locale else None
    try:
        raw = _read(upload.data, upload.name, upload.fmt, upload.encoding)
    except InputError as error:
        report = Report(
            upload.name,
            upload.fmt,
            upload.sha256,
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
        return Examined(report.as_dict(), None, upload.respondent, upload.encoding, True)
    report, payload = validate(store, raw, entity, declared=declared, respondent=upload.respondent)
    kind = report.completeness.respondent if report.completeness else upload.respondent
    return Examined(report.as_dict(), payload if not report.errors else None, kind, raw.encoding)


def record(store: Store, upload: Upload, examined: Examined) -> SubmitResult:
    """Store the submission whatever its outcome (values only when it validated); a file
    already stored meanwhile (sent twice at once) gives the earlier one's result."""
    rereads = store.latest_reading(upload.entity_id, upload.sha256)
    status = examined.status
    try:
        submission_id = store.create_submission(
            entity_id=upload.entity_id,
            file_name=upload.name,
            fmt=upload.fmt,
            sha256=upload.sha256,
            content=upload.data,
            report=examined.report,
            payload=examined.payload if status == "validated" else None,
            respondent=examined.respondent,
            encoding=examined.encoding,
            locale=examined.report.get("locale"),
            status=status,
            read_as=upload.read_as,
            rereads=rereads,
            unusable=examined.unusable,
        )
    except DuplicateSubmission as same:  # the same file, sent twice at once
        return _identical(store, same.earlier)
    return SubmitResult(
        submission_id,
        status,
        examined.report,
        unusable=examined.unusable,
        public_id=store.public_id(submission_id),
        rereads=rereads,
        rereads_public_id=store.public_id(rereads) if rereads is not None else None,
    )


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
    context = rule_context(store, entity, checked)
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


def _encoding_name(encoding: str | None) -> str | None:
    """``UTF-8``, ``utf8`` and ``utf_8`` are one encoding (an unknown name stays as given)."""
    if not encoding:
        return None
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return encoding.lower()


def _read(data: bytes, name: str, fmt: str, encoding: str | None) -> RawFile:
    if fmt == "xlsx":
        from ictfootprint.collection.xlsx import read_xlsx

        return read_xlsx(data, name)
    if fmt == "json":
        return read_json(data, name)
    return read_csv(data, name, encoding=encoding)
