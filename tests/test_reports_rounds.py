"""``GET /api/v1/reports/rounds/{id}``: a collection round's report as a document, with the
same role checks as the round report (``api/rounds.py``): those who run the round read it; a
respondent gets 403, anyone who may not see the round 404, as if it did not exist; never
cached."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from pdf_support import PDF_MISSING
from rounds_world import OPERATORS, YEAR, Api, contacts, day

ROUND = {
    "custodian": "arcep",
    "name": "Enquête 2026",
    "year": YEAR,
    "opens_on": day(0).isoformat(),
    "deadline": day(30).isoformat(),
    "entities": list(OPERATORS),
    "lang": "fr",
    "contacts": contacts(),
}


@pytest.fixture
def api(db_url: str) -> Api:
    return Api(db_url)


def test_round_report_is_for_those_who_run_the_round(api: Api) -> None:
    path = api.call("POST", "/api/v1/rounds", "admin", json=ROUND).headers["Location"]
    report = path.replace("/api/v1/rounds/", "/api/v1/reports/rounds/")
    at = day(1).isoformat()
    html = api.call("GET", f"{report}?lang=fr&format=html&at={at}", "arcep-reviewer")
    assert html.status_code == 200, html.text
    assert html.headers["cache-control"] == "private, no-store"
    assert "Enquête 2026" in html.text and '<html lang="fr" dir="ltr">' in html.text
    # an obliged respondent sees the round but not its report; others do not see it at all
    assert api.call("GET", f"{report}?format=html", "sub-d").status_code == 403
    assert api.call("GET", f"{report}?format=html", "rev-deu").status_code == 404
    assert api.call("GET", "/api/v1/reports/rounds/999?format=html", "admin").status_code == 404
    assert api.client.get(f"{report}?format=html").status_code == 401
    bad = api.call("GET", f"{report}?lang=de", "admin")
    assert bad.status_code == 400 and "unknown language 'de'" in bad.json()["error"]["message"]


@pytest.mark.skipif(PDF_MISSING is not None, reason=str(PDF_MISSING))
def test_round_report_pdf_is_dated_by_its_day_and_the_same_twice(api: Api) -> None:
    path = api.call("POST", "/api/v1/rounds", "admin", json=ROUND).headers["Location"]
    report = path.replace("/api/v1/rounds/", "/api/v1/reports/rounds/")
    at = day(2)
    first = api.call("GET", f"{report}?lang=ar&at={at.isoformat()}", "admin")
    assert first.status_code == 200 and first.headers["content-type"] == "application/pdf"
    again = api.call("GET", f"{report}?lang=ar&at={at.isoformat()}", "admin")
    assert first.content == again.content
    reader = PdfReader(io.BytesIO(first.content))
    assert reader.trailer["/Root"]["/Lang"] == "ar"
    assert reader.metadata is not None
    assert reader.metadata["/CreationDate"] == f"D:{at:%Y%m%d}000000Z"
