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


def test_every_validation_rule_has_a_translatable_message() -> None:
    """Findings are translated by rule id on the pages: a new rule needs its message here."""
    import ictfootprint.collection.service  # noqa: F401  (registers the data rules)
    from ictfootprint.collection.registry import RULES
    from ictfootprint.web.findings import RULE_MESSAGES, finding_message

    assert set(RULES) - set(RULE_MESSAGES) == set()
    finding = {"rule": "range-non-negative", "message": "negative value"}
    assert finding_message(finding, "en") == "negative value"  # English keeps its detail
    assert finding_message(finding, "fr") == "Quantité négative"
    unknown = {"rule": "no-such-rule", "message": "something odd"}
    assert finding_message(unknown, "ar") == "something odd"


def test_scopes_units_and_lists_are_written_the_languages_way() -> None:
    assert i18n.scope_name("1+2-market", "fr") == "Scopes 1 + 2 (fondé sur le marché)"
    assert i18n.scope_name("3.11", "zh") == "范围3，第11类"
    assert i18n.unit_name("percent", "ar") == "%" and i18n.unit_name("m^3", "en") == "m³"
    assert i18n.unit_name("dimensionless", "ru") == "без единицы"
    assert i18n.listing(["2021", "2022", "2023"], "zh") == "2021、2022和2023"
    assert "،" in i18n.listing(["a", "b", "c"], "ar") or " و" in i18n.listing(["a", "b"], "ar")


def test_numbers_are_babels_own_in_every_language() -> None:
    """``i18n.formatted`` keeps the parsed patterns and locales; what it writes is babel's
    format_decimal / format_percent, for every pattern the pages use, in every language."""
    from babel.numbers import format_decimal, format_percent

    values = [0.0, -0.0, 1.0, -1.0, 0.0104, 0.31849, 2.5e-7, 74107.541, -12345.678, 1e15, 0.5]
    values += [5, 5.0, -0.0, 0.0, 0.31849, 0]  # again, from the formatted kept: -0.0 is not 0.0
    decimals = ["#,##0", "#,##0.0", "#,##0.00", "#,##0.0000", "#,##0.000000", "#,##0.###"]
    percents = ["#,##0.0%", "+#,##0.0%;-#,##0.0%", "+#,##0%;-#,##0%"]
    for lang in i18n.LANGUAGES:
        for value in values:
            for pattern in decimals:
                expected = format_decimal(value, format=pattern, locale=lang)
                assert i18n.formatted(value, pattern, lang) == expected, (lang, value, pattern)
            for pattern in percents:
                expected = format_percent(value, format=pattern, locale=lang)
                assert i18n.formatted(value, pattern, lang) == expected, (lang, value, pattern)
    assert i18n.number(12345.678, "ar", 1) == format_decimal(12345.678, "#,##0.0", locale="ar")
    assert i18n.change(-0.05, "zh") == format_percent(-0.05, "+#,##0.0%;-#,##0.0%", locale="zh")
