"""The guide for a national statistics office or regulator: its chapters, in six languages.

The chapters are Markdown files, ``docs/guide/<lang>/NN-slug.md`` (``00-index.md`` is the
introduction), so that they read on a code host as they are and are reviewed like any doc.
They reach an installed package through the wheel: ``pyproject.toml`` force-includes
``docs/guide`` as ``ictfootprint/guide/docs``; from a clone (``src`` on the path) they are
read from ``docs/guide`` itself. Every command in them runs in CI, in every language
(``tests/test_guide.py``), so the guide cannot drift from the program.

>>> [c.slug for c in chapters("en")][:3]
['plan', 'respondents', 'templates']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Final

from ictfootprint.errors import NotFoundError
from ictfootprint.reference.catalogue import LANGUAGES

INTRODUCTION: Final = "00-index.md"
_CHAPTER_FILE: Final = re.compile(r"^(\d\d)-([a-z-]+)\.md$")
_TITLE: Final = re.compile(r"^#\s+(.+?)\s*$", re.M)


@dataclass(frozen=True)
class Chapter:
    """One chapter of the guide in one language (``number`` 0 is the introduction)."""

    lang: str
    number: int
    slug: str
    title: str
    text: str

    @property
    def body(self) -> str:
        """The chapter without its title line (a page prints the title itself)."""
        return _TITLE.sub("", self.text, count=1)


def docs_root() -> Traversable:
    """Where the guide's Markdown is: in the package (a wheel), else in the clone's ``docs``."""
    packaged = files("ictfootprint.guide").joinpath("docs")
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "docs" / "guide"


@cache
def _language(lang: str) -> tuple[Chapter, ...]:
    if lang not in LANGUAGES:
        raise NotFoundError(f"no guide in language {lang!r}")
    folder = docs_root().joinpath(lang)
    found: list[Chapter] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        match = _CHAPTER_FILE.match(entry.name)
        if match is None:
            continue
        text = entry.read_text("utf-8")
        title = _TITLE.search(text)
        slug = "" if entry.name == INTRODUCTION else match.group(2)
        found.append(
            Chapter(lang, int(match.group(1)), slug, title.group(1) if title else slug, text)
        )
    return tuple(found)


def introduction(lang: str) -> Chapter:
    """The guide's opening page (``00-index.md``) in ``lang``."""
    return _language(lang)[0]


def chapters(lang: str) -> list[Chapter]:
    """The numbered chapters in ``lang``, in order (without the introduction)."""
    return [c for c in _language(lang) if c.number > 0]


def chapter(lang: str, slug: str) -> Chapter:
    """One chapter by its slug (``plan``, ``submissions``...); NotFoundError if none."""
    for found in chapters(lang):
        if found.slug == slug:
            return found
    raise NotFoundError(f"no chapter {slug!r} in the guide")
