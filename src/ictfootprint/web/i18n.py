"""The dashboard's six languages: message catalogues, numbers, dates and text direction.

Every string of the pages is an English msgid in a template or in ``web/*.py``; its
translations are in ``web/locale/<lang>/LC_MESSAGES/messages.po`` (Babel/gettext catalogues,
read as text at start-up, so nothing is compiled at install time). Numbers, percentages and
dates follow the language's CLDR conventions through Babel. Indicator, country and region names
come from the reference data, which carries all six languages.

>>> translator("fr").gettext("Indicators")
'Indicateurs'
>>> number(12345.678, "fr", 1)
'12\\u202f345,7'
>>> significant(0.0, "fr"), significant(0.0104, "en"), significant(74107.541, "es")
('0', '0.0104', '74.107,5')
>>> direction("ar"), direction("zh")
('rtl', 'ltr')
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from functools import cache, lru_cache
from importlib.resources import files
from math import copysign
from typing import Final

from babel import Locale, negotiate_locale
from babel.dates import format_date, format_datetime
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import NumberPattern, parse_pattern
from babel.support import NullTranslations, Translations

from ictfootprint.reference.catalogue import LANGUAGES

__all__ = ["LANGUAGES", "direction", "negotiate", "number", "sort_key", "translator"]
DEFAULT: Final = "en"
DOMAIN: Final = "messages"
#: Numbers formatted lately, kept formatted (about 150 bytes each).
FORMATTED_AT_MOST: Final = 50_000


def catalogue_path(lang: str) -> str:
    return f"locale/{lang}/LC_MESSAGES/{DOMAIN}.po"


@cache
def translator(lang: str) -> NullTranslations:
    """The language's translations (English, the msgids' language, translates to itself)."""
    if lang == DEFAULT:
        return NullTranslations()
    source = files("ictfootprint.web").joinpath(catalogue_path(lang))
    with source.open("rb") as handle:
        catalogue = read_po(handle, locale=lang, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def direction(lang: str) -> str:
    """``rtl`` for Arabic, ``ltr`` for the others (from CLDR, not a hand-kept list)."""
    return "rtl" if Locale.parse(lang).character_order == "right-to-left" else "ltr"


def autonym(lang: str) -> str:
    """The language's name in itself: العربية, 中文, English, Français, Русский, Español."""
    name = Locale.parse(lang).get_display_name(lang) or lang
    return name[:1].upper() + name[1:]


def negotiate(accept_language: str | None) -> str:
    """The best of our languages for an ``Accept-Language`` header (English by default)."""
    preferred: list[tuple[float, str]] = []
    for position, part in enumerate((accept_language or "").split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and weight > 0:
            preferred.append((-weight + position * 1e-6, tag.replace("-", "_")))
    ordered = [tag for _, tag in sorted(preferred)]
    return negotiate_locale(ordered, list(LANGUAGES), sep="_") or DEFAULT


@cache
def _pattern(pattern: str) -> NumberPattern:
    return parse_pattern(pattern)  # immutable once parsed: shared by every thread


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


def formatted(value: float, pattern: str, lang: str) -> str:
    """``value`` by the CLDR number ``pattern`` in the language's conventions: what babel's
    ``format_decimal`` and ``format_percent`` give, without parsing the pattern and the locale
    again (a country page formats about 270 numbers: 6 ms, 60 % of it parsing them), and
    without formatting again a number formatted lately (a page's numbers are the same from
    one request to the next while the data holds: 438 on the home page, 16 ms of babel)."""
    # -0.0 == 0.0 and 5 == 5.0 as keys: the sign and the type (typed) keep them apart
    return _formatted(
        value, copysign(1.0, value) if isinstance(value, float) else 0.0, pattern, lang
    )


@lru_cache(maxsize=FORMATTED_AT_MOST, typed=True)
def _formatted(value: float, _sign: float, pattern: str, lang: str) -> str:
    return str(_pattern(pattern).apply(value, _locale(lang)))


def number(value: float | None, lang: str, decimals: int = 1) -> str:
    """A number in the language's conventions, with a fixed number of decimals."""
    if value is None:
        return ""
    return formatted(value, "#,##0" + ("." + "0" * decimals if decimals > 0 else ""), lang)


def significant(value: float | None, lang: str) -> str:
    """A measured value with sensible precision: 74,107.5 / 9.48 / 0.0105."""
    if value is None:
        return ""
    size = abs(value)
    if size == 0:
        return number(0, lang, 0)
    decimals = 1 if size >= 100 else 2 if size >= 1 else 4 if size >= 0.001 else 6
    return number(value, lang, decimals)


def percent(value: float | None, lang: str) -> str:
    """A share (0.318 → 31.8 %) in the language's conventions."""
    if value is None:
        return ""
    return formatted(value, "#,##0.0%", lang)


def change(value: float | None, lang: str) -> str:
    """A change (0.028 → +2.8 %, -0.05 → -5.0 %), signed either way, the language's way."""
    if value is None:
        return ""
    return formatted(round(value, 3) + 0.0, "+#,##0.0%;-#,##0.0%", lang)


def whole_change(value: float | None, lang: str) -> str:
    """A change in whole percent (0.3113 → +31 %), as a headline says it."""
    if value is None:
        return ""
    return formatted(round(value, 2) + 0.0, "+#,##0%;-#,##0%", lang)


def date(value: dt.date | dt.datetime | str | None, lang: str) -> str:
    """A date (or timestamp) written the language's way: 21 novembre 2026, 2026年11月21日."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if isinstance(value, dt.datetime):
        return format_datetime(value, "medium", locale=lang)
    return format_date(value, "long", locale=lang)


def sort_key(text: str, lang: str) -> tuple[str, str]:
    """A key that sorts names as a reader of ``lang`` expects well enough without ICU: by the
    letters (accents and case set aside, so Élysée sorts with E), then by the exact text.

    >>> sorted(["Kenya", "Équateur", "France"], key=lambda t: sort_key(t, "fr"))
    ['Équateur', 'France', 'Kenya']
    """
    del lang  # one rule serves our six scripts; kept so that a real collation can replace it
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return bare.casefold(), text


def _(message: str) -> str:
    """Marks a msgid for scripts/i18n.py; the page translates it when it shows it."""
    return message


# GHG scopes as the reference data writes them (``1+2-market``), as a reader says them
SCOPES: Final = {
    "1": _("Scope 1"),
    "2-location": _("Scope 2 (location-based)"),
    "2-market": _("Scope 2 (market-based)"),
    "1+2": _("Scope 1 + 2"),
    "1+2-location": _("Scope 1 + 2 (location-based)"),
    "1+2-market": _("Scope 1 + 2 (market-based)"),
    "1+2+3-location": _("Scope 1 + 2 + 3 (location-based)"),
    "1+2+3-market": _("Scope 1 + 2 + 3 (market-based)"),
    "3": _("Scope 3"),
}
SCOPE3_CATEGORY: Final = _("Scope 3, category %(number)s")
# unit words pint writes that a reader should not see as such
UNITS: Final = {
    "percent": "%",
    "m^3": "m³",
    "m^2": "m²",
    "km^2": "km²",
    "gCO2e/kWh": "gCO2e/kWh",
}
NO_UNIT: Final = _("no unit")
# unit words that are words, in the reader's language
UNIT_WORDS: Final = {"count": _("count"), "hectare": _("hectare")}
# pathways' citations, by pathway id (the reference data carries them in English)
PATHWAY_SOURCES: Final = {
    "l1470-sector": _(
        "ITU-T Recommendation L.1470 (01/2020), GHG emissions trajectories for the ICT sector "
        "compatible with the UNFCCC Paris Agreement"
    ),
    "un-system-2030": _(
        "UN System Chief Executives Board for Coordination, Strategy for Sustainability "
        "Management in the United Nations System 2020-2030, Phase I: greenhouse gas emissions "
        "of facilities and travel; progress reported every year in the Greening the Blue report"
    ),
}


def pathway_source(pathway_id: str, text: str, lang: str) -> str:
    """A pathway's citation in ``lang`` (the reference data's English text when unknown)."""
    if pathway_id in PATHWAY_SOURCES:
        return translator(lang).gettext(PATHWAY_SOURCES[pathway_id])
    return text


def scope_name(code: str | None, lang: str) -> str:
    """``1+2-market`` → "Scope 1 + 2 (market-based)" in ``lang``; an unknown code as is."""
    if not code:
        return ""
    gettext = translator(lang).gettext
    if code in SCOPES:
        return gettext(SCOPES[code])
    head, _dot, category = code.partition(".")
    if head == "3" and category.isdigit():
        return gettext(SCOPE3_CATEGORY) % {"number": category}
    return code


def unit_name(unit: str | None, lang: str) -> str:
    """A unit as a reader writes it: ``percent`` → %, ``m^3`` → m³, ``dimensionless`` → a
    word in ``lang`` (pint's names are not meant for readers)."""
    if not unit:
        return ""
    if unit == "dimensionless":
        return translator(lang).gettext(NO_UNIT)
    if unit in UNIT_WORDS:
        return translator(lang).gettext(UNIT_WORDS[unit])
    return UNITS.get(unit, unit.replace("^2", "²").replace("^3", "³"))


def listing(items: list[str], lang: str) -> str:
    """Items joined the language's way: "a, b and c", «a、b和c», «a، وb»."""
    parts = [str(i) for i in items]
    if not parts:
        return ""
    return format_list(parts, style="standard", locale=lang)
