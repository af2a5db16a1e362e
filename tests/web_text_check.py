"""Is any of our English left on a page in another language?

A page's visible text (not scripts, styles, nor elements marked with another ``lang``, such as
the language switcher's "English", nor program text marked ``translate="no"``) is searched for
the English of our own text: the dashboard's msgids and the reference data's English names
(indicators, countries, regions, respondent types). A phrase found there is English left over
unless the language's own text uses it too (French keeps "Source", every language keeps
"ITU-T L.1470").

    flagged = english_left(visible_text(html), "ar")
    assert flagged == [], flagged

Data is not flagged: a company's name or a source as submitted is not our text to translate.
"""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

from babel.messages.pofile import read_po

from ictfootprint.reference.catalogue import catalogue
from ictfootprint.reference.countries import countries, regions
from ictfootprint.reference.respondents import respondents

LOCALE = Path(__file__).resolve().parents[1] / "src" / "ictfootprint" / "web" / "locale"
PLACEHOLDER = re.compile(r"%\(\w+\)s|%s|%%")
MIN_SINGLE_WORD = 5  # a lone short word ("Year", "Unit") is flagged only inside a phrase


class _Visible(HTMLParser):
    """Text a reader sees, skipping script/style/template and anything in another language."""

    HIDDEN: ClassVar = {"script", "style", "template", "noscript"}
    VOID: ClassVar = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"}

    def __init__(self, lang: str) -> None:
        super().__init__(convert_charrefs=True)
        self.lang = lang
        self.stack: list[bool] = []  # True: this element hides its content
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        found = dict(attrs)
        other = (found.get("lang") or self.lang).split("-")[0] != self.lang
        # translate="no": program text (a command, an identifier), the same in every language
        untranslated = found.get("translate") == "no"
        self.stack.append(tag in self.HIDDEN or other or "hidden" in found or untranslated)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not any(self.stack):
            self.parts.append(data)


def visible_text(html: str, lang: str) -> str:
    parser = _Visible(lang)
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def _fragments(text: str) -> list[str]:
    """A msgid's fixed parts ("%(name)s: emissions" → "emissions"), trimmed of punctuation."""
    found = []
    for part in PLACEHOLDER.split(text):
        for piece in re.split(r"[.:;!?()\[\]«»“”\"]|, ", part):
            piece = piece.strip(" ,-–/·")
            words = re.findall(r"[A-Za-z][A-Za-z'\-]*", piece)
            wanted = len(words) >= 2 or (len(words) == 1 and len(words[0]) >= MIN_SINGLE_WORD)
            if wanted and re.fullmatch(r"[A-Za-z0-9'\-+ ,/&]+", piece):
                found.append(piece)
    return found


@cache
def _catalogue(lang: str) -> list[tuple[str, str]]:
    with (LOCALE / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        po = read_po(handle, locale=lang)
    pairs = []
    for message in po:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        pairs.extend((i, " ".join(s for s in strings if s)) for i in ids)
    return pairs


@cache
def english_phrases() -> frozenset[str]:
    """Our English: the msgids' fixed parts and the reference data's English names."""
    phrases: set[str] = set()
    for msgid, _text in _catalogue("fr"):
        phrases.update(_fragments(msgid))
    names = [i.name("en") for i in catalogue().values()]
    names += [c.name("en") for c in countries().values()]
    names += [r.name("en") for r in regions().values()]
    names += [r.name("en") for r in respondents().values()]
    for name in names:
        phrases.update(_fragments(name))
    return frozenset(phrases)


@cache
def _own_text(lang: str) -> str:
    """Everything the language's own text says: its translations and reference names."""
    texts = [text for _id, text in _catalogue(lang)]
    texts += [i.name(lang) for i in catalogue().values()]
    texts += [c.name(lang) for c in countries().values()]
    texts += [r.name(lang) for r in regions().values()]
    texts += [r.name(lang) for r in respondents().values()]
    return "\n".join(texts)


def english_left(text: str, lang: str) -> list[str]:
    """The English phrases of ours in ``text`` that ``lang``'s own text does not use."""
    own = _own_text(lang)
    flagged = []
    for phrase in english_phrases():
        # an identifier (regional_ict_ghg, codecarbon/data/global_energy_mix) is not prose
        pattern = r"(?<![A-Za-z_/])" + re.escape(phrase) + r"(?![A-Za-z_/])"
        if re.search(pattern, text) and not re.search(pattern, own):
            flagged.append(phrase)
    # report the longest phrases, not their parts too
    return sorted(p for p in flagged if not any(p != q and p in q for q in flagged))
