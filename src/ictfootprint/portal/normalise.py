"""Text folded for search, in the same way for what is indexed and what is asked.

* Latin (and Greek, Cyrillic) accents: NFKD, then combining marks dropped (é → e, ç → c);
* Arabic: short vowels and other tashkeel (U+064B–U+0652, U+0670) and tatweel (U+0640) dropped,
  the alef forms (أ إ آ ٱ) made a bare alef (ا);
* case folded (``casefold``: ß → ss, Σ → σ).

Chinese characters pass unchanged (NFKD maps full-width Latin to ASCII, which helps too). The
original text is kept for display; :func:`fold_with_map` says, for each folded character, which
original one it came from, so that a match found in folded text is highlighted in the original.

>>> fold("Énergie RENOUVELABLE")
'energie renouvelable'
>>> fold("الطَّاقَة") == fold("الطاقة")
True
>>> fold("أخضر") == fold("اخضر")
True
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Final

_ALEF: Final = "\u0627"
_ALEF_FORMS: Final = frozenset("\u0622\u0623\u0625\u0671\u0672\u0673")
_TATWEEL: Final = "\u0640"


def _is_tashkeel(char: str) -> bool:
    return "\u064b" <= char <= "\u0652" or char == "\u0670" or char == _TATWEEL


@lru_cache(maxsize=8192)
def _fold_char(char: str) -> str:
    if char in _ALEF_FORMS:
        return _ALEF
    if _is_tashkeel(char):
        return ""
    decomposed = unicodedata.normalize("NFKD", char)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c) and not _is_tashkeel(c))
    return kept.casefold()


def fold(text: str) -> str:
    """``text`` folded for search (see the module's docstring)."""
    return "".join(_fold_char(char) for char in text)


def fold_with_map(text: str) -> tuple[str, list[int]]:
    """(folded text, for each of its characters the index of the original character)."""
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        piece = _fold_char(char)
        folded.append(piece)
        origin.extend([index] * len(piece))
    return "".join(folded), origin


def terms(query: str) -> list[str]:
    """The folded words of a query, each searched as a substring (duplicates dropped).

    >>> terms("  Énergie  énergie 数据中心 ")
    ['energie', '数据中心']
    """
    seen: dict[str, None] = {}
    for word in fold(query).split():
        seen.setdefault(word.strip("\"'"), None)
    return [word for word in seen if word]
