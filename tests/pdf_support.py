"""Whether the PDF tests can run here: they need Pango (``make pdf-libs``). A developer's
machine without it skips them with the reason; CI (``CI`` set) must run them, so there the
missing library is an error at collection, never a silent skip."""

from __future__ import annotations

import os
import shutil

from ictfootprint.reports.pdf import pdf_available


def _required(what: str, reason: str | None) -> str | None:
    if reason is not None and os.environ.get("CI"):
        raise RuntimeError(f"CI must run the {what} tests: {reason} (make pdf-libs)")
    return reason


#: why the PDF tests cannot run here, or None
PDF_MISSING = _required("PDF", pdf_available())
#: why the page-image tests cannot run here (poppler's pdftoppm), or None
PDFTOPPM_MISSING = _required(
    "page-image", None if shutil.which("pdftoppm") else "poppler-utils not installed"
)
