"""HTML to PDF through WeasyPrint: tagged (PDF/UA-1), fonts embedded, reproducible.

Two calls, shared by every printed document (the sector reports, the guide):

- :func:`pdf_available` says whether the machine can print at all. WeasyPrint loads Pango
  (``libpango-1.0-0``, ``libpangoft2-1.0-0``) when it is imported; without them the import
  fails with an ``OSError`` full of dlopen detail. The CLI and the API print the one line this
  returns instead (``make pdf-libs`` installs what is missing on Debian).
- :func:`html_to_pdf` turns a complete HTML document into PDF bytes.

Reproducible: the same HTML gives the same bytes. WeasyPrint takes the dates in the PDF's
information dictionary and XMP metadata only from the document's
``<meta name="dcterms.created">`` / ``dcterms.modified`` (the caller dates them by the data, not
the clock), and the file identifier is the MD5 of the content (``pdf_identifier=True``), not a
random one. Fonts are subset and embedded (WeasyPrint always embeds; there is no "use the
reader's font" mode), so a reader without Noto shows the same glyphs.
"""

from __future__ import annotations

from functools import cache
from typing import Final

# the PDF variant WeasyPrint writes: tagged (structure tree, /MarkInfo, /Lang), PDF 1.7
PDF_VARIANT: Final = "pdf/ua-1"

_MISSING_HINT: Final = (
    "PDF output needs Pango (Debian: libpango-1.0-0 libpangoft2-1.0-0; run `make pdf-libs`)"
)


@cache
def pdf_available() -> str | None:
    """``None`` when WeasyPrint and the Pango libraries it loads are there, else one line why not.

    >>> pdf_available() is None or pdf_available().startswith("PDF output needs")
    True
    """
    try:
        import weasyprint  # noqa: F401
    except ImportError as error:  # WeasyPrint itself not installed
        return f"PDF output needs the weasyprint package ({error.msg}): reinstall ictfootprint"
    except OSError as error:  # cffi could not dlopen Pango / GObject / HarfBuzz
        first_line = (
            str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        )
        return f"{_MISSING_HINT}: {first_line}"
    return None


class PdfUnavailableError(RuntimeError):
    """The machine cannot print PDF; the message is :func:`pdf_available`'s one line."""


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """The PDF of a complete HTML document (``<html lang=... dir=...>``, ``<title>``, CSS inline).

    ``base_url`` resolves relative links and images; reports inline everything (SVG charts, CSS),
    so it is only needed by a document that refers to files. Nothing is fetched from the network:
    an ``http(s)`` URL in the document is refused, not downloaded.

    Raises :class:`PdfUnavailableError` (one line) when Pango is missing.
    """
    reason = pdf_available()
    if reason is not None:
        raise PdfUnavailableError(reason)
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # files and inline data only: nothing from the network at run time
    fetcher = URLFetcher(allowed_protocols=("file", "data"), allow_redirects=False)
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    pdf: bytes = document.write_pdf(
        pdf_variant=PDF_VARIANT,
        pdf_identifier=True,  # MD5 of the content: stable across runs
        uncompressed_pdf=False,
    )
    return pdf
