"""HTML to PDF (reports.pdf): tagged, fonts embedded, same bytes twice, no network."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from ictfootprint.reports.pdf import html_to_pdf, pdf_available
from pdf_support import PDF_MISSING

pytestmark = pytest.mark.skipif(PDF_MISSING is not None, reason=str(PDF_MISSING))

DOCUMENT = (
    '<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>تقرير</title>'
    '<meta name="dcterms.created" content="2026-01-01T00:00:00Z">'
    '<style>body{font-family:"Noto Naskh Arabic","Noto Sans CJK SC","DejaVu Sans"}</style>'
    "</head><body><h1>مرحبا</h1><p>abc 中文 Ж</p>"
    '<img alt="" src="http://example.invalid/x.png"></body></html>'
)


def test_html_to_pdf_is_tagged_and_dated_by_the_document_not_the_clock() -> None:
    reader = PdfReader(io.BytesIO(html_to_pdf(DOCUMENT)))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "ar"
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert reader.metadata is not None
    assert reader.metadata["/CreationDate"] == "D:20260101000000Z"
    assert reader.metadata["/Title"] == "تقرير"


def test_html_to_pdf_gives_identical_bytes_twice() -> None:
    assert html_to_pdf(DOCUMENT) == html_to_pdf(DOCUMENT)


def test_html_to_pdf_embeds_every_font() -> None:
    reader = PdfReader(io.BytesIO(html_to_pdf(DOCUMENT)))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert fonts
    for font in fonts.values():
        font = font.get_object()
        descendants = font.get("/DescendantFonts")
        descriptor = (descendants[0].get_object() if descendants else font)["/FontDescriptor"]
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.keys()), font["/BaseFont"]


def test_pdf_available_is_none_or_one_line() -> None:
    reason = pdf_available()
    assert reason is None or "\n" not in reason
