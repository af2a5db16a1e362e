"""The printed reports (issue 17 item 1) on the demo data, through the API as a client gets
them: the headline figures exactly as the API's JSON gives them, formatted per locale, in the
text extracted from the PDF in all six languages; Arabic in logical order; every font
embedded; tagged with its language; the same bytes twice; bad input as one line or a 4xx.
A few pages are rendered to PNG in artifacts/reports/ (looked at, kept by CI)."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from api_world import World, build_world
from ictfootprint.footprint import compute_footprint
from ictfootprint.reports.document import country_report, world_report
from ictfootprint.web.i18n import LANGUAGES, change, percent, translator
from ictfootprint.web.render import figure
from pdf_support import PDF_MISSING, PDFTOPPM_MISSING

pytestmark = pytest.mark.skipif(PDF_MISSING is not None, reason=str(PDF_MISSING))
REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "artifacts" / "reports"
YEAR = 2023
HEADLINE = "ghg_s1s2_location"
# what a PDF's text layer may hold instead of a space, and marks that carry no text
SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
MARKS = re.compile(r"[\u200e\u200f\u061c\u2066-\u2069]")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    world = build_world(f"sqlite:///{tmp_path_factory.mktemp('reports') / 'demo.db'}")
    compute_footprint(world.store)
    yield world
    world.store.close()


_pdfs: dict[str, bytes] = {}


def fetched(world: World, path: str) -> bytes:
    """A report through the API, fetched once for the module."""
    if path not in _pdfs:
        answer = world.client.get(path)
        assert answer.status_code == 200, answer.text[:300]
        assert answer.headers["content-type"] == "application/pdf"
        assert answer.headers["etag"] and "public" in answer.headers["cache-control"]
        assert answer.headers["content-disposition"].startswith("attachment;")
        _pdfs[path] = answer.content
    return _pdfs[path]


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return SPACES.sub(" ", MARKS.sub("", text))


def plain(text: str) -> str:
    return SPACES.sub(" ", MARKS.sub("", text))


def headline_as_the_api_gives_it(world: World, level: str, key: str, lang: str) -> list[str]:
    """The headline figures from the API's JSON, formatted as the pages format them."""
    query = f"level={level}&year={YEAR}&quantity={HEADLINE}"
    rows = world.client.get(f"/api/v1/aggregates?{query}").json()["rows"]
    total = next(r for r in rows if r["area"] == key and r["subsector"] == "_T")
    expected = [figure(total["value"], total["unit"], lang)]
    trends = world.client.get(f"/api/v1/aggregates/trends?{query}").json()
    estimate = next(
        (r for r in trends["estimates"] if r["area"] == key and r["subsector"] == "_T"), None
    )
    if estimate is not None and estimate["estimated"] is not None:
        expected.append(figure(estimate["estimated"], total["unit"], lang))
    chained = next(
        (r for r in trends["like_for_like"] if r["area"] == key and r["subsector"] == "_T"),
        None,
    )
    if chained is not None and chained["change_percent"] is not None:
        expected.append(change(chained["change_percent"] / 100, lang))
    area = "001" if level == "world" else key
    trajectory = world.client.get(f"/api/v1/trajectories?level={level}&id={area}").json()
    point = next(p for p in trajectory["points"] if p["year"] == YEAR)
    expected.append(percent(round(point["gap_percent"] / 100, 3) + 0.0, lang))
    return [plain(e) for e in expected]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_world_report_prints_the_headline_figures_as_the_api_gives_them(
    world: World, lang: str
) -> None:
    text = text_of(fetched(world, f"/api/v1/reports/world?year={YEAR}&lang={lang}"))
    expected = headline_as_the_api_gives_it(world, "world", "001", lang)
    assert len(expected) == 4  # reported, estimated, like-for-like change, gap to L.1470
    for shown in expected:
        assert shown in text, (lang, shown)
    assert plain(translator(lang).gettext("Methodology annex")) in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_country_report_prints_the_headline_figures_and_its_operators(
    world: World, lang: str
) -> None:
    text = text_of(fetched(world, f"/api/v1/reports/countries/FRA?year={YEAR}&lang={lang}"))
    for shown in headline_as_the_api_gives_it(world, "country", "FRA", lang):
        assert shown in text, (lang, shown)
    operators = world.client.get("/api/v1/entities?limit=500").json()["items"]
    in_france = [e["name"] for e in operators if e.get("country") == "FRA"]
    # the name before any bracket: in an Arabic report the text layer of a Latin name's
    # brackets holds the mirrored glyphs' characters, ")fictitious(", though they show right
    assert in_france and any(plain(name.split(" (")[0]) in text for name in in_france)


def test_arabic_text_extracts_in_logical_order(world: World) -> None:
    text = text_of(fetched(world, f"/api/v1/reports/world?year={YEAR}&lang=ar"))
    gettext = translator("ar").gettext
    # whole Arabic phrases, letters and words in reading order (not reversed glyph runs)
    for phrase in ("Data quality", "Methodology annex", "Quantities totalled"):
        assert plain(gettext(phrase)) in text, gettext(phrase)
    assert "جودة البيانات" in text
    assert "تانايبلا ةدوج" not in text


def fonts_of(resources: Any, seen: set[int]) -> Iterator[Any]:
    """Every font of a resource dictionary, and of the forms (SVG drawings) inside it."""
    if resources is None or id(resources) in seen:
        return
    seen.add(id(resources))
    resources = resources.get_object()
    for font in (resources.get("/Font") or {}).values():
        yield font.get_object()
    for xobject in (resources.get("/XObject") or {}).values():
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form":
            yield from fonts_of(xobject.get("/Resources"), seen)


@pytest.mark.parametrize("lang", ["ar", "zh", "en"])
def test_reports_are_tagged_with_their_language_and_embed_every_font(
    world: World, lang: str
) -> None:
    for path in (
        f"/api/v1/reports/world?year={YEAR}&lang={lang}",
        f"/api/v1/reports/countries/FRA?year={YEAR}&lang={lang}",
    ):
        reader = PdfReader(io.BytesIO(fetched(world, path)))
        root = reader.trailer["/Root"]
        assert root["/Lang"] == lang
        assert "/StructTreeRoot" in root
        assert bool(root["/MarkInfo"]["/Marked"])
        assert reader.metadata is not None and reader.metadata["/Title"]
        fonts = [f for page in reader.pages for f in fonts_of(page.get("/Resources"), set())]
        assert fonts
        for font in fonts:
            descendants = font.get("/DescendantFonts")
            described = descendants[0].get_object() if descendants else font
            descriptor = described["/FontDescriptor"].get_object()
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), font["/BaseFont"]
        names = {str(f["/BaseFont"]) for f in fonts}
        wanted = {"ar": "NaskhArabic", "zh": "CJK", "en": "NotoSans"}[lang]
        assert any(wanted in name.replace("-", "") for name in names), names


def test_two_runs_give_identical_bytes(world: World) -> None:
    first = world_report(world.store, YEAR, "ar")
    second = world_report(world.store, YEAR, "ar")
    assert first.write("pdf") == second.write("pdf")
    assert first.write("zip") == second.write("zip")
    again = country_report(world.store, "fra", YEAR, "zh")
    assert again.write("pdf") == country_report(world.store, "FRA", YEAR, "zh").write("pdf")


def test_html_is_one_self_contained_file_and_the_zip_holds_the_data_of_every_chart(
    world: World,
) -> None:
    html = world.client.get(f"/api/v1/reports/world?year={YEAR}&lang=fr&format=html")
    assert html.headers["content-type"].startswith("text/html")
    page = html.text
    assert '<html lang="fr" dir="ltr">' in page and "<svg" in page
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "<script" not in page and "<link" not in page
    answer = world.client.get(f"/api/v1/reports/countries/FRA?year={YEAR}&lang=es&format=zip")
    assert answer.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        names = archive.namelist()
        stem = f"ictfootprint-FRA-{YEAR}-es"
        assert f"{stem}/{stem}.pdf" in names and f"{stem}/{stem}.html" in names
        charts = [n for n in names if n.endswith(".csv")]
        assert {f"{stem}/data/trajectory.csv", f"{stem}/data/series.csv"} <= set(charts)
        series = archive.read(f"{stem}/data/series.csv").decode("utf-8-sig").splitlines()
        assert series[0].startswith("Año,Total declarado (")
        assert series[-1].startswith(str(YEAR))


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        ("/api/v1/reports/world?lang=xx", 400, "unknown language 'xx'"),
        ("/api/v1/reports/world?year=1999", 400, "no sector total for 1999"),
        ("/api/v1/reports/world?format=docx", 400, "unknown report format 'docx'"),
        ("/api/v1/reports/countries/XXX", 404, "no country 'XXX'"),
        ("/api/v1/reports/countries/FRANCE", 422, "should match pattern"),
    ],
)
def test_bad_input_is_a_4xx_in_the_one_error_shape(
    world: World, path: str, status: int, words: str
) -> None:
    answer = world.client.get(path)
    assert answer.status_code == status, answer.text
    assert words in answer.json()["error"]["message"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["world", "--lang", "xx"], "unknown language 'xx'"),
        (["world", "--year", "1999"], "no sector total for 1999"),
        (["country", "XXX"], "no country 'XXX'"),
        (["world", "-f", "docx"], "unknown report format 'docx'"),
        (["round", "999"], "no round 999"),
    ],
)
def test_bad_input_on_the_command_line_is_one_line(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], words: str
) -> None:
    from ictfootprint.cli import main

    with pytest.raises(SystemExit) as ended:
        main(["report", *args, "-o", str(tmp_path / "r.pdf"), "--db", str(world.store.url)])
    assert ended.value.code != 0
    err = capsys.readouterr().err.strip()
    assert words in err and "\n" not in err and "Traceback" not in err
    assert not (tmp_path / "r.pdf").exists()


def test_the_world_and_country_pages_link_their_report(world: World) -> None:
    world_page = world.client.get("/fr/world").text
    assert "/api/v1/reports/world?year=2023&amp;lang=fr&amp;format=pdf" in world_page
    assert "Télécharger le rapport (PDF)" in world_page
    country = world.client.get("/ar/countries/FRA").text
    assert "/api/v1/reports/countries/FRA?lang=ar&amp;format=pdf" in country


@pytest.mark.skipif(PDFTOPPM_MISSING is not None, reason=str(PDFTOPPM_MISSING))
@pytest.mark.parametrize("lang", ["ar", "zh", "en"])
def test_pages_render_to_images(world: World, lang: str) -> None:
    """The first pages of each report as PNG in artifacts/reports/, to be looked at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for kind, path in (
        ("world", f"/api/v1/reports/world?year={YEAR}&lang={lang}"),
        ("FRA", f"/api/v1/reports/countries/FRA?year={YEAR}&lang={lang}"),
    ):
        source = ARTIFACTS / f"{kind}-{lang}.pdf"
        source.write_bytes(fetched(world, path))
        prefix = ARTIFACTS / f"{kind}-{lang}"
        subprocess.run(
            ["pdftoppm", "-r", "70", "-png", "-f", "1", "-l", "3", str(source), str(prefix)],
            check=True,
        )
        assert list(ARTIFACTS.glob(f"{kind}-{lang}-*.png"))
