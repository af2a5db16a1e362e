"""The dashboard's message catalogues: every msgid of the templates and code translated in
every language, placeholders kept, plural forms right, and negotiation of Accept-Language."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from ictfootprint.web import i18n

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "i18n.py"


def catalogues_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("i18n_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_message_is_translated_in_every_language() -> None:
    script = catalogues_script()
    template = script.extract()
    assert len(template) > 150
    problems = [p for lang in script.LANGUAGES for p in script.problems(lang, template)]
    assert problems == [], "run: python scripts/i18n.py, then translate\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", [lang for lang in i18n.LANGUAGES if lang != "en"])
def test_the_catalogue_loads_and_translates(lang: str) -> None:
    translated = i18n.translator(lang).gettext("Indicators")
    assert translated and translated != "Indicators"


def test_plural_forms_follow_each_language() -> None:
    message = ("%(num)s indicator", "%(num)s indicators")
    russian = i18n.translator("ru")
    forms = {russian.ngettext(*message, n) for n in (1, 2, 5)}
    assert len(forms) == 3  # один, два, пять: three Russian forms
    arabic = i18n.translator("ar")
    # 3-10 take the plural (مؤشرات), 11-99 the singular accusative (مؤشرًا), 100 the singular
    few, many, hundred = (arabic.ngettext(*message, n) for n in (3, 11, 100))
    assert len({few, many, hundred}) == 3
    chinese = i18n.translator("zh")
    assert chinese.ngettext(*message, 1) == chinese.ngettext(*message, 7)


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        (None, "en"),
        ("fr-FR,fr;q=0.9", "fr"),
        ("zh-TW", "zh"),
        ("pt-BR,es;q=0.5", "es"),
        ("es;q=0,ru", "ru"),
        ("ar-EG;q=0.8,en;q=0.9", "en"),
        ("x;q=abc,ar", "ar"),
    ],
)
def test_accept_language_picks_the_best_of_our_languages(header: str | None, lang: str) -> None:
    assert i18n.negotiate(header) == lang


def test_only_arabic_is_right_to_left() -> None:
    assert [i18n.direction(lang) for lang in i18n.LANGUAGES] == [
        "rtl",
        "ltr",
        "ltr",
        "ltr",
        "ltr",
        "ltr",
    ]
