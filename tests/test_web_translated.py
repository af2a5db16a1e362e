"""Pages render through their language's overlay of the Jinja environment, whose templates are
compiled with each ``_("constant")`` already translated (``web/compiled_texts.py``). What it
gives is exactly what the i18n extension's gettext gave at run time, in every language: the
translation marked safe, ``%`` its variables, which are escaped."""

from __future__ import annotations

import pytest

from ictfootprint.reference.catalogue import LANGUAGES
from ictfootprint.web.render import environment

# constants, one with a French apostrophe, one untranslated with a doubled %, variables
# (text to escape, a safe badge, a number), a constant in a list and one through a filter
SOURCE = (
    '{{ _("Indicator") }}|{{ _("Company or facility") }}|{{ _("Enterprise networks") }}|'
    '{{ _("100%% of a made-up text") }}|'
    '{{ _("%(what)s, %(year)s", what=bad, year=2023) }}|'
    '{{ _("of %(what)s", what=method_badge("estimated")) }}|'
    '{% set header = [_("Area"), _("Year")] %}{{ header|join(", ") }}|'
    '{{ _("  Unit  ")|trim }}|{{ _(title) }}'
)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translated_as_compiled_is_what_gettext_gives_at_run_time(lang: str) -> None:
    values = {"lang": lang, "bad": "<script>&'", "title": "Year"}
    at_run_time = environment().from_string(SOURCE).render(**values)
    compiled = environment(lang).from_string(SOURCE).render(**values)
    assert compiled == at_run_time
    parts = compiled.split("|")
    assert parts[3] == "100% of a made-up text"
    assert "&lt;script&gt;&amp;&#39;" in parts[4] and "<script>" not in compiled
    assert '<span class="method method-estimated">' in parts[5]
    if lang == "fr":
        assert parts[:3] == ["Indicateur", "Entreprise ou installation", "Réseaux d'entreprise"]


def test_a_page_calls_no_gettext_for_its_constant_texts() -> None:
    """The country page's ``_(…)`` are all constants: none is resolved when it renders, and
    one without variables is compiled into the text around it."""
    env = environment("fr")
    source = env.loader.get_source(env, "country.html")[0]  # type: ignore[union-attr]
    code = env.compile(source, "country.html", raw=True)
    assert "resolve('_')" not in code
    assert '<label for="quantity">Indicateur</label>' in code  # in the page's text itself
    plain = environment()
    assert "resolve('_')" in plain.compile(source, "country.html", raw=True)


def test_a_template_that_does_not_escape_keeps_gettext() -> None:
    """The i18n extension marks a translation safe only where the template escapes; a text
    template keeps its run-time gettext, its variables unescaped."""
    env = environment("fr")
    code = env.compile('{{ _("of %(what)s", what=x) }}', "mail.txt", raw=True)
    assert "resolve('_')" in code
