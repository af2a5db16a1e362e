"""``ictfootprint template``, ``submit`` and ``review``: a national data collection."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from ictfootprint.cli.options import (
    DB_OPTION,
    EXISTING_DB_OPTION,
    FORMAT_OPTION,
    LANG_OPTION,
    Format,
    Lang,
    command_group,
    output_file,
    print_json,
    print_table,
    write_output,
)

review_app = command_group("Review submissions: list, show, accept, reject.")


def template_command(
    respondent: str = typer.Option(..., help="Respondent type, e.g. telecom-operator."),
    lang: Lang = LANG_OPTION,
    file_format: str = typer.Option("xlsx", "--format", help="xlsx or csv."),
    years: str = typer.Option(
        "2020-2024", help="Years as columns: 2022 or 2020-2024 or 2021,2023."
    ),
    output: Path = typer.Option(..., "-o", "--output", help="File to write."),
) -> None:
    """Write a data-collection template for a respondent type, in one of six languages."""
    from ictfootprint.collection.template import template_bytes
    from ictfootprint.errors import InputError, Location
    from ictfootprint.reference.codes import respondent_code

    respondent = respondent_code(respondent)
    if file_format not in ("xlsx", "csv"):
        raise InputError(
            "unknown template format",
            Location(field="format"),
            expected="xlsx or csv",
            found=file_format,
        )
    output_file(output, "output")
    data = template_bytes(respondent, lang.value, _years(years), file_format)
    write_output(output, data, "output")
    typer.echo(f"wrote {output} ({respondent}, {lang.value}, {file_format})")


def _years(text: str) -> list[int]:
    from ictfootprint.errors import InputError, Location

    try:
        if "-" in text:
            start, end = (int(p) for p in text.split("-", 1))
            years = list(range(start, end + 1))
        else:
            years = [int(p) for p in text.split(",")]
    except ValueError:
        raise InputError(
            "unreadable years",
            Location(field="years"),
            expected="2022, 2020-2024 or 2021,2023",
            found=text,
        ) from None
    if not years or len(years) > 30 or min(years) < 1990:
        raise InputError(
            "years out of range",
            Location(field="years"),
            expected="1 to 30 years from 1990",
            found=text,
        )
    return years


def submit_command(
    file: Path = typer.Argument(..., help="Filled template (xlsx), long CSV or JSON."),
    entity: str = typer.Option(..., help="Entity the data is for."),
    fmt: Format = FORMAT_OPTION,
    file_format: str | None = typer.Option(
        None, "--file-format", help="csv, xlsx or json (detected when omitted)."
    ),
    encoding: str | None = typer.Option(None, help="CSV encoding (detected when omitted)."),
    locale: str | None = typer.Option(
        None, help="Number format of the file, e.g. fr (decimal comma) or en (detected)."
    ),
    respondent: str | None = typer.Option(None, help="Respondent type for completeness."),
    annotate: Path | None = typer.Option(
        None, help="Write an annotated copy of an xlsx submission with its findings."
    ),
    db: str | None = DB_OPTION,
) -> None:
    """Validate and store a submission; print its report. Exit 0 validated, 1 rejected with
    errors, 2 unusable input."""
    from ictfootprint.collection.service import max_bytes, submit
    from ictfootprint.errors import InputError, Location
    from ictfootprint.store import Store

    if annotate is not None:  # before anything is stored: a bad path is bad input, not a rejection
        output_file(annotate, "annotate")
    if respondent is not None:
        from ictfootprint.reference.codes import respondent_code

        respondent = respondent_code(respondent)
    try:
        size = file.stat().st_size
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", Location(file=str(file))) from exc
    if size > max_bytes():
        raise InputError(
            "file too large",
            Location(file=str(file)),
            expected=f"at most {max_bytes() // 2**20} MB",
            found=f"{size / 2**20:.0f} MB",
        )
    result = submit(
        Store.open(db),
        file.read_bytes(),
        str(file),
        entity,
        file_format=file_format,
        encoding=encoding,
        locale=locale,
        respondent=respondent,
    )
    if annotate is not None and result.report.get("format") == "xlsx":
        from ictfootprint.collection.annotate import annotate_xlsx
        from ictfootprint.collection.findings import Finding, Severity

        findings = [
            Finding(**{**f, "severity": Severity(f["severity"]), "related": tuple(f["related"])})
            for f in result.report["findings"]
        ]
        omitted = result.report.get("omitted") or {}
        write_output(
            annotate, annotate_xlsx(file.read_bytes(), findings, omitted=omitted), "annotate"
        )
    if fmt is Format.json:
        print_json(result.as_dict())
    else:
        _print_report(result.submission_id, result.status, result.report, result.identical_to)
    raise typer.Exit(result.exit_code)


def _where(f: dict[str, Any]) -> str:
    if f.get("sheet") and f.get("cell"):
        return f"{f['sheet']}!{f['cell']}"
    parts = [f"row {f['row']}" if f.get("row") else "", f.get("column") or ""]
    return " ".join(p for p in parts if p)


def _message(f: dict[str, Any]) -> str:
    """The finding's message with what was expected and found, as errors are written."""
    text = f["message"]
    if f.get("expected") is not None:
        text += f" (expected {f['expected']}"
        text += f", found {f['found']!r})" if f.get("found") is not None else ")"
    elif f.get("found") is not None:
        text += f" (found {f['found']!r})"
    return str(text)


def _print_report(
    submission_id: int, status: str, report: dict[str, Any], identical_to: int | None = None
) -> None:
    if identical_to is not None:
        typer.echo(f"identical to submission {identical_to} (same content): nothing stored again")
    typer.echo(
        f"submission {submission_id}: {status}: {report.get('values', 0)} values, "
        f"{report.get('errors', 0)} errors, {report.get('warnings', 0)} warnings "
        f"({report.get('file')}, {report.get('encoding') or report.get('format')}, "
        f"{report.get('locale') or ''})"
    )
    findings = report.get("findings", [])
    if findings:
        print_table(
            "Findings",
            ["severity", "where", "rule", "indicator", "year", "message"],
            [
                [
                    f["severity"],
                    _where(f),
                    f["rule"],
                    f.get("indicator"),
                    f.get("year"),
                    _message(f),
                ]
                for f in findings
            ],
        )
    for rule, count in (report.get("omitted") or {}).items():
        typer.echo(f"... and {count:,} more of rule {rule}")
    completeness = report.get("completeness")
    if completeness:
        missing = {y: ids for y, ids in completeness["missing"].items() if ids}
        years = ", ".join(map(str, completeness["years"]))
        typer.echo(
            f"completeness ({completeness['respondent']}): {completeness['percent']} % of "
            f"required indicators for {years}"
            if years
            else f"completeness ({completeness['respondent']}): no values, 0 %"
        )
        for year, ids in missing.items():
            typer.echo(f"  missing {year}: {', '.join(ids)}")


@review_app.command("list")
def review_list(
    status: str | None = typer.Option(None, help="received, validated, accepted, rejected."),
    entity: str | None = typer.Option(None, help="Only this entity's submissions."),
    db: str | None = EXISTING_DB_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """List submissions (the review queue: --status validated)."""
    from ictfootprint.store import Store

    rows = [r.summary() for r in Store.open(db).submissions(status=status, entity_id=entity)]
    if fmt is Format.json:
        print_json(rows)
        return
    print_table(
        f"Submissions ({len(rows)})",
        ["id", "entity", "file", "received", "status", "values", "errors", "warnings"],
        [
            [
                r["id"],
                r["entity"],
                r["file"],
                r["received_at"][:19],
                r["status"],
                r["values"],
                r["errors"],
                r["warnings"],
            ]
            for r in rows
        ],
    )


@review_app.command("show")
def review_show(
    submission: str = typer.Argument(
        ..., help="Submission id: the local number, or the public id the API and web show."
    ),
    db: str | None = EXISTING_DB_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Show a submission: its status history and its validation report."""
    from ictfootprint.store import Store

    record = Store.open(db).submission(int(submission) if submission.isdecimal() else submission)
    if fmt is Format.json:
        print_json({**record.summary(), "report": record.report})
        return
    for event in record.summary()["events"]:
        typer.echo(
            f"{event['at'][:19]}  {event['status']:<10} {event['by']}"
            + (f": {event['comment']}" if event["comment"] else "")
        )
    _print_report(record.id, record.status, record.report or {})


@review_app.command("accept")
def review_accept(
    submission: int = typer.Argument(..., help="Submission id."),
    comment: str | None = typer.Option(None, help="Reviewer's comment."),
    db: str | None = EXISTING_DB_OPTION,
) -> None:
    """Accept a validated submission: its values become current (new revisions), all or none."""
    from ictfootprint.store import Store

    result = Store.open(db).accept_submission(submission, comment)
    typer.echo(
        f"submission {submission} accepted: {result.written} values stored, "
        f"{result.unchanged} already current"
    )


@review_app.command("reject")
def review_reject(
    submission: int = typer.Argument(..., help="Submission id."),
    comment: str = typer.Option(..., help="Why (the submitter reads it)."),
    db: str | None = EXISTING_DB_OPTION,
) -> None:
    """Reject a validated submission; it is kept with its report and your reason."""
    from ictfootprint.store import Store

    Store.open(db).reject_submission(submission, comment)
    typer.echo(f"submission {submission} rejected")
