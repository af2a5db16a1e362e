"""The guide's pages (/{lang}/guide, /{lang}/guide/{chapter}) and its one-document form: every
chapter in every language, right to left in Arabic, links between chapters resolved, the
quiz's answers folded, no English of ours left on a page in another language, and the
guide found where an installed package keeps it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api_world import World, build_world
from ictfootprint import guide
from ictfootprint.cli import app
from ictfootprint.reference.catalogue import LANGUAGES
from web_text_check import english_left, visible_text

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    world = build_world(f"sqlite:///{tmp_path_factory.mktemp('guide') / 'web.db'}")
    yield world
    world.store.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_chapter_is_a_page_in_every_language(world: World, lang: str) -> None:
    home = world.client.get(f"/{lang}/guide")
    assert home.status_code == 200
    assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">' in home.text
    assert f'href="/{lang}/guide" aria-current="page"' in home.text  # the main navigation
    for chapter in guide.chapters(lang):
        page = world.client.get(f"/{lang}/guide/{chapter.slug}")
        assert page.status_code == 200, chapter.slug
        text = page.text
        assert f"<h1>{chapter.title}</h1>" in text.replace("&#39;", "'")
        # each section is in the chapter's table of contents, and each link there lands
        for anchor in re.findall(r'<a href="#(s\d+)">', text):
            assert f'id="{anchor}"' in text
        assert ".md" not in "".join(re.findall(r'href="([^"]*)"', text))
        # commands stay left to right (in Arabic too), and are not text to translate
        assert '<pre dir="ltr" translate="no">' in text
        assert text.count('<details class="answer">') >= 2  # the quiz's answers, folded
        assert "<script>" not in text  # no inline script: the CSP allows none


def test_an_unknown_chapter_is_not_found(world: World) -> None:
    answer = world.client.get("/fr/guide/no-such-chapter")
    assert answer.status_code == 404
    assert 'lang="fr"' in answer.text


@pytest.mark.parametrize("lang", [code for code in LANGUAGES if code != "en"])
def test_no_english_left_on_the_guides_pages(world: World, lang: str) -> None:
    found = {}
    for path in ["/guide", *(f"/guide/{c.slug}" for c in guide.chapters(lang))]:
        page = world.client.get(f"/{lang}{path}")
        left = english_left(visible_text(page.text, lang), lang)
        if left:
            found[path] = left
    assert found == {}


def test_the_guide_as_one_document(tmp_path: Path) -> None:
    written = tmp_path / "guide-ar.html"
    done = CliRunner().invoke(app, ["guide", "--lang", "ar", "-o", str(written)])
    assert done.exit_code == 0, done.output
    text = written.read_text("utf-8")
    assert text.startswith('<!DOCTYPE html>\n<html lang="ar" dir="rtl">')
    for chapter in guide.chapters("ar"):
        assert f'id="chapter-{chapter.slug}"' in text
        assert f'href="#chapter-{chapter.slug}"' in text
    assert "<details" not in text  # a printed page cannot unfold: answers are printed open
    assert "<script" not in text and ".md" not in "".join(re.findall(r'href="([^"]*)"', text))


def test_the_guide_refuses_an_unknown_document_type(tmp_path: Path) -> None:
    done = CliRunner().invoke(app, ["guide", "-o", str(tmp_path / "guide.docx")])
    assert done.exit_code != 0
    assert not (tmp_path / "guide.docx").exists()


def test_an_installed_package_reads_the_guide_it_ships(tmp_path: Path) -> None:
    """The wheel force-includes docs/guide as ictfootprint/guide/docs (pyproject.toml), and the
    package installed from it serves the guide from there, with no clone beside it."""
    uv = Path(sys.executable).parent / "uv"
    if not uv.exists():
        pytest.skip("uv is not installed beside this Python (make setup installs it)")
    built = subprocess.run(
        [str(uv), "build", "--wheel", "--offline", "-o", str(tmp_path / "dist"), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    if built.returncode != 0:
        pytest.skip(f"no wheel built offline here: {built.stderr.strip().splitlines()[-1:]}")
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(tmp_path / "installed")
    shipped = tmp_path / "installed" / "ictfootprint" / "guide" / "docs"
    assert sorted(p.name for p in shipped.iterdir()) == sorted([*LANGUAGES, "examples"])
    probe = (
        "from ictfootprint import guide; "
        "print(guide.docs_root()); print(guide.introduction('zh').title)"
    )
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(tmp_path / "installed")}
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    )
    root, title = done.stdout.splitlines()
    assert root == str(shipped)
    assert title == guide.introduction("zh").title


def test_the_guide_as_pdf(world: World) -> None:
    from io import BytesIO

    from pypdf import PdfReader

    from pdf_support import PDF_MISSING

    if PDF_MISSING is not None:
        pytest.skip(PDF_MISSING)
    answer = world.client.get("/ar/guide.pdf")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    reader = PdfReader(BytesIO(answer.content))
    assert reader.trailer["/Root"]["/Lang"] == "ar"
    text = "".join(page.extract_text() for page in reader.pages)
    for chapter in guide.chapters("ar"):  # words: a title mixing scripts extracts reordered
        assert all(word in text for word in chapter.title.split()), chapter.title


def test_a_line_break_in_chinese_text_is_no_space() -> None:
    from ictfootprint.guide.render import render

    html = render(
        "审核员\n审核。范围，\nCSV 行\nAPI 和 English\ntext", chapter_href=str, answer_label="?"
    ).html
    assert "审核员审核。范围，CSV 行\nAPI 和 English\ntext" in html
