"""Templates to HTML: one Jinja environment, gettext by the page's language, and the headers
every page carries (a strict Content-Security-Policy: scripts and data from this server only).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from typing import Any, Final
from urllib.parse import urlencode

from fastapi import Request
from jinja2 import Environment, PackageLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup

from ictfootprint import __version__
from ictfootprint.web import i18n

HTML: Final = "text/html; charset=utf-8"
# ECharts writes style attributes into its tooltips, hence 'unsafe-inline' for styles only;
# scripts, data, fonts and images come from this server and nowhere else
CSP: Final = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# same-origin referrers (the API's default is none): a form's POST then carries our Origin,
# which the CSRF check compares; no other site ever learns a page's address
PAGE_HEADERS: Final = {"Content-Security-Policy": CSP, "Referrer-Policy": "same-origin"}


@pass_context
def _gettext(context: Context, message: str) -> str:
    return i18n.translator(context["lang"]).gettext(message)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, count: int) -> str:
    return i18n.translator(context["lang"]).ngettext(singular, plural, count)


@pass_context
def _number(context: Context, value: float | None, decimals: int = 1) -> str:
    return i18n.number(value, context["lang"], decimals)


@pass_context
def _significant(context: Context, value: float | None) -> str:
    return i18n.significant(value, context["lang"])


@pass_context
def _percent(context: Context, value: float | None) -> str:
    return i18n.percent(value, context["lang"])


@pass_context
def _date(context: Context, value: Any) -> str:
    return i18n.date(value, context["lang"])


@pass_context
def _scope(context: Context, code: str | None) -> str:
    return i18n.scope_name(code, context["lang"])


@pass_context
def _unit(context: Context, unit: str | None) -> str:
    return i18n.unit_name(unit, context["lang"])


@pass_context
def _listing(context: Context, items: Any) -> str:
    return i18n.listing([str(i) for i in items], context["lang"])


@pass_context
def _pathway_source(context: Context, trajectory: Mapping[str, Any]) -> str:
    return i18n.pathway_source(
        str(trajectory.get("pathway_id", "")),
        str(trajectory.get("pathway_source", "")),
        context["lang"],
    )


@pass_context
def _finding(context: Context, finding: Mapping[str, Any]) -> str:
    from ictfootprint.web.findings import finding_message

    return finding_message(dict(finding), context["lang"])


@pass_context
def _source(context: Context, text: str | None) -> Markup:
    from ictfootprint.web.sources import source_html

    return source_html(text, context["lang"])


def _json_script(value: Any) -> Markup:
    """JSON safe inside ``<script type="application/json">`` (no ``</script>`` breakout)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def here(request: Request, *, with_query: bool = True) -> str:
    """The page's address after its language prefix (``/fr/countries/FRA?year=2022`` →
    ``/countries/FRA?year=2022``): what the language switcher puts after each language."""
    path = request.url.path
    rest = path.split("/", 2)[2] if path.count("/") >= 2 else ""
    query_string = request.url.query if with_query else ""
    return "/" + rest + ("?" + query_string if query_string else "")


def query(params: Mapping[str, Any], **changes: Any) -> str:
    """A query string from the current parameters with some changed (None drops one)."""
    merged = {**params, **changes}
    pairs: list[tuple[str, str]] = []
    for key, value in merged.items():
        if value is None or value == "":
            continue
        for item in value if isinstance(value, list | tuple) else [value]:
            pairs.append((key, str(item)))
    return "?" + urlencode(pairs) if pairs else ""


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("ictfootprint.web", "templates"),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(
        num=_number,
        sig=_significant,
        pct=_percent,
        date=_date,
        json_script=_json_script,
        scope=_scope,
        unit=_unit,
        listing=_listing,
        pathway_source=_pathway_source,
        finding=_finding,
        source=_source,
    )
    env.globals.update(
        languages=[(code, i18n.autonym(code)) for code in i18n.LANGUAGES],
        version=__version__,
        query=query,
    )
    return env


def html(template: str, lang: str, path: str, **context: Any) -> bytes:
    """The page in one language. ``path`` is the page's address after the language prefix,
    with its query, so that the language switcher keeps the page."""
    page = environment().get_template(template)
    return page.render(lang=lang, dir=i18n.direction(lang), here=path, **context).encode("utf-8")
