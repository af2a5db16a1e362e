"""Templates to HTML: one Jinja environment, gettext by the page's language, and the headers
every page carries (a strict Content-Security-Policy: scripts and data from this server only).

Pages render through an overlay of that environment per language whose templates are compiled
with each ``{{ _("constant") }}`` already translated (:mod:`ictfootprint.web.compiled_texts`):
a page says a couple of hundred of them, and a gettext call through Jinja costs about 5 µs
where a constant costs nothing.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping
from functools import cache
from typing import Any, Final
from urllib.parse import quote, urlencode

from fastapi import Request
from jinja2 import Environment, PackageLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup, escape

from ictfootprint import __version__
from ictfootprint.units import convert
from ictfootprint.web import code_names, i18n
from ictfootprint.web.compiled_texts import CompilingEnvironment

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
# units a headline figure may be scaled through (pint converts), smallest first
SCALES: Final = (
    ("gCO2e", "kgCO2e", "tCO2e", "ktCO2e", "MtCO2e", "GtCO2e"),
    ("Wh", "kWh", "MWh", "GWh", "TWh", "PWh"),
)
SIGNIFICANT_DIGITS: Final = 3


def scaled(value: float, unit: str) -> tuple[float, str]:
    """``value`` in the unit of its family that puts it between 1 and 999 (through pint);
    a unit of no family, or a zero, stays as it is.

    >>> scaled(14_531_185.5, "tCO2e"), scaled(2_400_000.0, "MWh")
    ((14.5311855, 'MtCO2e'), (2.4, 'TWh'))
    """
    ladder = next((units for units in SCALES if unit in units), None)
    if ladder is None or value == 0 or not math.isfinite(value):
        return value, unit
    best = value, unit
    for candidate in ladder:
        converted = convert(value, unit, candidate).value
        best = converted, candidate
        if abs(round(converted, 12)) < 999.5:
            break
    return best


def figure(value: float | None, unit: str | None, lang: str, to: str | None = None) -> str:
    """A headline figure: three significant digits, its unit scaled (``14.5 MtCO2e``), or in
    the unit ``to`` (the chart's beside it), in the language's conventions; the exact value
    is the table's job.

    >>> figure(14_531_185.5, "tCO2e", "fr"), figure(2_400_000.0, "MWh", "en", to="GWh")
    ('14,5\xa0MtCO2e', '2,400\xa0GWh')
    """
    if value is None:
        return ""
    if unit and to:
        shown, shown_unit = convert(value, unit, to).value, to
    else:
        shown, shown_unit = scaled(value, unit) if unit else (value, "")
    text = rounded(shown, lang)
    return f"{text}\u00a0{shown_unit}" if shown_unit else text


def series_unit(values: list[float | None], unit: str) -> str:
    """The unit a chart of ``values`` is drawn in: the one that puts its largest between 1
    and 999 (the headline beside the chart uses it too)."""
    found = [abs(v) for v in values if v is not None]
    return scaled(max(found), unit)[1] if found else unit


def trajectory_view(t: Mapping[str, Any]) -> dict[str, Any]:
    """A trajectory (``Assessment.as_dict()``) as its chart draws it: years, actual and
    pathway in :func:`series_unit` (through pint)."""
    points = t["points"]
    unit = series_unit([p["actual"] for p in points] + [p["pathway"] for p in points], t["unit"])

    def shown(value: float | None) -> float | None:
        return None if value is None else convert(value, t["unit"], unit).value

    return {
        "unit": unit,
        "x": [p["year"] for p in points],
        "actual": [shown(p["actual"]) for p in points],
        "pathway": [shown(p["pathway"]) for p in points],
    }


def rounded(value: float, lang: str, digits: int = SIGNIFICANT_DIGITS) -> str:
    """``value`` to ``digits`` significant digits (never ``-0``), the language's way."""
    if value == 0 or not math.isfinite(value):
        return i18n.number(0.0 if value == 0 else value, lang, 0)
    magnitude = math.floor(math.log10(abs(value)))
    places = digits - 1 - magnitude
    decimals = max(0, places)
    value = round(value, places) + 0.0
    return i18n.formatted(value, "#,##0" + ("." + "#" * decimals if decimals else ""), lang)


@pass_context
def _gettext(context: Context, message: str) -> str:
    return i18n.translator(context["lang"]).gettext(message)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, count: int) -> str:
    return i18n.translator(context["lang"]).ngettext(singular, plural, count)


def _label(context: Context, labels: Mapping[str, str], code: Any) -> Markup:
    """``code``'s label in the page's language, as ``{{ _("…") }}`` gives it (the
    translation marked safe, then formatted with no variables); an unknown code escaped."""
    message = labels.get(code) if isinstance(code, str) else None
    if message is None:
        return escape(code)
    return _translated(context["lang"], message)


@cache
def _translated(lang: str, message: str) -> Markup:
    """A label's translation as ``{{ _("…") }}`` gives it (labels are a fixed few)."""
    return Markup(i18n.translator(lang).gettext(message)) % {}


@pass_context
def _method_label(context: Context, method: Any) -> Markup:
    """A method as the pages name it. Python, not a macro of ``macros.html``: a macro call
    costs about 20 µs, and the pages name hundreds of methods and sub-sectors a request."""
    return _label(context, code_names.METHOD_LABELS, method)


@pass_context
def _method_badge(context: Context, method: Any) -> Markup:
    """A method's badge: its label in a span styled by its code (a known one's made once per
    language: the home page's map table shows 200)."""
    if isinstance(method, str) and method in code_names.METHOD_LABELS:
        return _known_badge(context["lang"], method)
    return _BADGE % (method, method)  # Markup's % escapes both


_BADGE: Final = Markup('<span class="method method-%s">%s</span>')


@cache
def _known_badge(lang: str, method: str) -> Markup:
    return _BADGE % (method, _translated(lang, code_names.METHOD_LABELS[method]))


@pass_context
def _subsector_label(context: Context, name: Any) -> Markup:
    """A sub-sector as the pages name it (the world page lists 250 a request)."""
    return _label(context, code_names.SUBSECTOR_LABELS, name)


@pass_context
def _number(context: Context, value: float | None, decimals: int = 1) -> str:
    return i18n.number(value, context["lang"], decimals)


@pass_context
def _significant(context: Context, value: float | None) -> str:
    return i18n.significant(value, context["lang"])


@pass_context
def _percent(context: Context, value: float | None) -> str:
    # at the format's own resolution (0.1 %), so that a tiny negative never shows as -0.0 %
    return i18n.percent(None if value is None else round(value, 3) + 0.0, context["lang"])


@pass_context
def _change(context: Context, value: float | None) -> str:
    return i18n.change(value, context["lang"])


@pass_context
def _whole_change(context: Context, value: float | None) -> str:
    return i18n.whole_change(value, context["lang"])


@pass_context
def _figure(context: Context, value: float | None, unit: str | None, to: str | None = None) -> str:
    return figure(value, unit, context["lang"], to)


@pass_context
def _rounded(context: Context, value: float, digits: int = SIGNIFICANT_DIGITS) -> str:
    return rounded(value, context["lang"], digits)


@pass_context
def _chart_csv(context: Context, spec: Mapping[str, Any]) -> str:
    """A chart's data as a CSV ``data:`` address, for its download link: the very numbers
    the chart draws, exact, with the unit in the header (UTF-8 with a BOM for Excel). A
    ``{"type": "table", "header": [...], "rows": [[...]]}`` spec is a table's rows as such."""
    gettext = i18n.translator(context["lang"]).gettext
    unit = spec.get("unit") or ""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if spec.get("type") == "table":  # a table's rows as they are (text and exact numbers)
        writer.writerow(spec["header"])
        for row in spec["rows"]:
            writer.writerow([_table_cell(v) for v in row])
    elif spec.get("type") == "map":
        writer.writerow(
            [gettext("Country"), "ISO 3166-1", f"{spec.get('indicator', '')} ({unit})".strip()]
        )
        for name, iso3, value in zip(spec["names"], spec["iso3"], spec["values"], strict=True):
            writer.writerow([_cell(name), iso3, _number_cell(value)])
    else:
        series = spec.get("series", [])
        x = spec.get("x", [])
        first = spec.get("xName") or (
            gettext("Year") if all(isinstance(v, int) for v in x) else gettext("Category")
        )
        writer.writerow([first, *(f"{s['name']} ({unit})" for s in series)])
        for n, label in enumerate(x):
            writer.writerow([_cell(str(label)), *(_number_cell(s["data"][n]) for s in series)])
    return "data:text/csv;charset=utf-8," + quote("\ufeff" + out.getvalue())


def _number_cell(value: Any) -> str:
    # twelve significant digits: the value, without the binary noise of a conversion
    return "" if value is None else f"{float(value):.12g}"


def _table_cell(value: Any) -> str:
    if isinstance(value, float):
        return "" if value != value else _number_cell(value)
    return "" if value is None else _cell(str(value))


def _cell(text: str) -> str:
    # a text cell that a spreadsheet would read as a formula gets a leading quote (as exports)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


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
        # an empty parameter means no filter: a link never carries one (`year=&method=`)
        for item in value if isinstance(value, list | tuple) else [value]:
            if item is not None and item != "":
                pairs.append((key, str(item)))
    return "?" + urlencode(pairs) if pairs else ""


#: the templates one language's overlay keeps compiled (Jinja's default)
_TEMPLATES_KEPT: Final = 400


@cache
def environment(lang: str | None = None) -> Environment:
    """The pages' environment; with ``lang``, its overlay whose templates have the constant
    texts already translated into ``lang`` (render a page in that language only)."""
    if lang is not None:
        overlay = environment().overlay(cache_size=_TEMPLATES_KEPT)
        assert isinstance(overlay, CompilingEnvironment)
        overlay.folded = lang
        return overlay
    env = CompilingEnvironment(
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
        change=_change,
        whole_change=_whole_change,
        figure=_figure,
        rounded=_rounded,
        csv_uri=_chart_csv,
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
        trajectory_view=trajectory_view,
        method_label=_method_label,
        method_badge=_method_badge,
        subsector_label=_subsector_label,
    )
    return env


def html(template: str, lang: str, path: str, **context: Any) -> bytes:
    """The page in one language. ``path`` is the page's address after the language prefix,
    with its query, so that the language switcher keeps the page."""
    page = environment(lang).get_template(template)
    return page.render(lang=lang, dir=i18n.direction(lang), here=path, **context).encode("utf-8")
