"""``ictfootprint guide``: the guide for a national collection as one document."""

from __future__ import annotations

from pathlib import Path

import typer

from ictfootprint.cli.options import LANG_OPTION, Lang


def guide_command(
    lang: Lang = LANG_OPTION,
    output: Path = typer.Option(
        ..., "-o", "--output", help="File to write: .html (one document) or .pdf."
    ),
) -> None:
    """Write the guide for a national statistics office or regulator (docs/guide), in one of
    six languages, as one HTML document or a PDF."""
    from ictfootprint.cli.options import output_file, write_output
    from ictfootprint.errors import InputError, Location
    from ictfootprint.web.guide_book import book_html

    suffix = output.suffix.lower()
    if suffix not in (".html", ".htm", ".pdf"):
        raise InputError(
            "unknown document type",
            Location(field="output"),
            expected="a file name ending in .html or .pdf",
            found=output.name,
        )
    output_file(output, "output")
    document = book_html(lang.value)
    data = _pdf(document) if suffix == ".pdf" else document.encode("utf-8")
    write_output(output, data, "output")
    typer.echo(f"wrote {output} (guide, {lang.value})")


def _pdf(document: str) -> bytes:
    from ictfootprint.errors import InputError, Location
    from ictfootprint.reports.pdf import html_to_pdf, pdf_available

    reason = pdf_available()
    if reason is not None:
        raise InputError(reason, Location(field="output"), expected="a file name ending in .html")
    return html_to_pdf(document)
