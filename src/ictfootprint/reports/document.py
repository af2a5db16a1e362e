"""A report as a document: its data (:mod:`.content`), its charts (:mod:`.charts`), laid out by
the Jinja templates of ``reports/templates`` in one of the six languages, and written as PDF
(:mod:`.pdf`), as one self-contained HTML file, or as a zip of the document and the CSV data
behind every chart.

The templates share the dashboard's Jinja environment (its filters format numbers, dates,
units and percentages per locale through Babel, its ``_()`` reads the same catalogues), with
this package's templates in front of the dashboard's, so a report says a figure exactly as the
page says it.

>>> FORMATS
('pdf', 'html', 'zip')
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any, Final

from jinja2 import ChoiceLoader, Environment, PackageLoader
from markupsafe import Markup

from ictfootprint.errors import InputError, Location
from ictfootprint.reports import charts as charts_
from ictfootprint.reports import content
from ictfootprint.reports.charts import Chart, Series
from ictfootprint.store import Store
from ictfootprint.web import i18n
from ictfootprint.web.render import environment as web_environment
from ictfootprint.web.render import figure, rounded, trajectory_view

FORMATS: Final = ("pdf", "html", "zip")
MEDIA_TYPES: Final = {
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "zip": "application/zip",
}
SUBTITLES: Final = {
    "world.html": i18n._(
        "Report on the ICT sector's environmental footprint (ITU-T L.1472, L.1470)"
    ),
    "country.html": i18n._("Country profile of the ICT sector's footprint (ITU-T L.1472, L.1470)"),
    "round.html": i18n._("Collection round report"),
}
# the fonts a report is set in (Debian's fonts-noto-core and fonts-noto-cjk, DejaVu beside):
# the first that has a character is used, and every one used is embedded in the PDF
FONTS: Final = {
    "en": "'Noto Sans', 'DejaVu Sans', 'Noto Naskh Arabic', 'Noto Sans CJK SC', sans-serif",
    "ar": "'Noto Naskh Arabic', 'Noto Sans Arabic', 'Noto Sans', 'DejaVu Sans', sans-serif",
    "zh": "'Noto Sans CJK SC', 'Noto Sans', 'DejaVu Sans', sans-serif",
}
# a zip entry's time: the report's date, so that the zip too is the same bytes twice
_ZIP_EPOCH: Final = (1980, 1, 1, 0, 0, 0)


@dataclass
class Report:
    """A report ready to write: its HTML, the charts it draws, its file name and date."""

    name: str
    lang: str
    html: str
    dated: datetime
    charts: list[Chart] = field(default_factory=list)

    def write(self, fmt: str) -> bytes:
        """The report as ``pdf``, ``html`` or ``zip`` (the PDF, the HTML, a CSV per chart)."""
        from ictfootprint.reports.pdf import html_to_pdf

        check_format(fmt)
        if fmt == "html":
            return self.html.encode("utf-8")
        if fmt == "pdf":
            return html_to_pdf(self.html)
        out = io.BytesIO()
        stamp = max(_ZIP_EPOCH, self.dated.timetuple()[:6])
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:

            def put(path: str, data: bytes) -> None:
                info = zipfile.ZipInfo(f"{self.name}/{path}", date_time=stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, data)

            put(f"{self.name}.pdf", html_to_pdf(self.html))
            put(f"{self.name}.html", self.html.encode("utf-8"))
            for chart in self.charts:
                put(f"data/{chart.id}.csv", ("\ufeff" + charts_.chart_csv(chart)).encode("utf-8"))
        return out.getvalue()


def check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise InputError(
            f"unknown report format {fmt!r}",
            Location(field="format"),
            expected=", ".join(FORMATS),
            found=fmt,
        )


def check_language(lang: str) -> None:
    if lang not in i18n.LANGUAGES:
        raise InputError(
            f"unknown language {lang!r}",
            Location(field="lang"),
            expected=", ".join(i18n.LANGUAGES),
            found=lang,
        )


@cache
def environment() -> Environment:
    """The dashboard's environment with this package's templates in front of its own."""
    base = web_environment()
    overlay = base.overlay(
        loader=ChoiceLoader([PackageLoader("ictfootprint.reports", "templates"), base.loader])  # type: ignore[list-item]
    )
    overlay.filters = {**base.filters, "isolate": isolate}  # a copy: the pages' stay as they are
    return overlay


def world_report(store: Store, year: int | None, lang: str) -> Report:
    """The state of the world's ICT sector in ``year`` (the latest year with data when None)."""
    check_language(lang)
    data = content.area_report(store, "world", "001", year)
    _ = i18n.translator(lang).gettext
    title = _("The ICT sector's footprint") + f" — {data['year']}"
    charts = {
        **_area_charts(data, lang),
        "regions": _breakdown_chart("regions", data["regions"], lang, _("By region")),
        "movers": _movers_chart(data["movers"], lang),
    }
    return _render(
        "world.html", f"ictfootprint-world-{data['year']}-{lang}", lang, title, data, charts
    )


def country_report(store: Store, iso3: str, year: int | None, lang: str) -> Report:
    """A country's profile in ``year``: the world report's sections for one country, with the
    companies and facilities behind its figures."""
    check_language(lang)
    code = content.check_country(iso3)
    data = content.area_report(store, "country", code, year)
    title = f"{_area_name(code, lang)} — {data['year']}"
    charts = {**_area_charts(data, lang), "scopes": _scope_chart(data, lang)}
    return _render(
        "country.html", f"ictfootprint-{code}-{data['year']}-{lang}", lang, title, data, charts
    )


def round_report(store: Store, round_id: int, at: date | None, lang: str) -> Report:
    """A collection round's status on ``at`` (by default the day it closed, else today):
    respondents, feasibility, gaps. The caller has checked that whoever asks runs the round
    (``api.rounds.visible_round``); the report is dated by ``at``, not by the clock."""
    from datetime import UTC, time

    from ictfootprint.reference.respondents import respondents
    from ictfootprint.rounds.report import round_report as build
    from ictfootprint.rounds.service import get_round
    from ictfootprint.store.database import now

    check_language(lang)
    if at is None:
        closed = get_round(store, round_id).closed
        at = closed.at.date() if closed is not None else now().date()
    report = build(store, round_id, at)
    counts = report.counts
    _ = i18n.translator(lang).gettext
    statuses = Chart(
        id="round-statuses",
        kind="bar",
        title=_("Respondents"),
        desc=", ".join(f"{k}: {v}" for k, v in counts.items()),
        unit="count",
        unit_label=i18n.unit_name("count", lang),
        categories=list(counts),
        series=(Series(_("Respondents"), [float(v) for v in counts.values()]),),
        category_header=_("Status"),
    )
    data = {"report": report}
    dated = datetime.combine(at, time(0, 0), tzinfo=UTC)
    return _render(
        "round.html",
        f"ictfootprint-round-{round_id}-{at.isoformat()}-{lang}",
        lang,
        report.round.name,
        data,
        {"statuses": statuses},
        dated=dated,
        extra={"kinds": respondents()},
    )


def _render(
    template: str,
    name: str,
    lang: str,
    title: str,
    data: dict[str, Any],
    charts: dict[str, Chart | None],
    *,
    dated: datetime | None = None,
    extra: dict[str, Any] | None = None,
) -> Report:
    from ictfootprint.web.pages import names

    when = dated or data["dated"]
    rtl = i18n.direction(lang) == "rtl"

    def chart_svg(chart: Chart) -> Markup:
        return charts_.svg(chart, lambda v: rounded(v, lang), rtl, FONTS.get(lang, FONTS["en"]))

    html = (
        environment()
        .get_template(template)
        .render(
            lang=lang,
            dir=i18n.direction(lang),
            here="",
            title=title,
            subtitle=i18n.translator(lang).gettext(SUBTITLES[template]),
            r=data,
            charts=charts,
            chart_svg=chart_svg,
            breakdown=content.BREAKDOWN,
            font=FONTS.get(lang, FONTS["en"]),
            dated=when.date(),
            dated_iso=when.strftime("%Y-%m-%dT%H:%M:%SZ"),
            illustrative=_illustrative(data),
            **names(lang),
            **(extra or {}),
        )
    )
    kept = [c for c in charts.values() if c is not None]
    return Report(name=name, lang=lang, html=html, dated=when, charts=kept)


def isolate(text: object) -> str:
    """The text between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE: it keeps its own
    direction inside a paragraph of the other (a Latin name in an Arabic report keeps its
    brackets). Marks, not ``<bdi>``: WeasyPrint lays out a ``<bdi>`` in its parent's direction,
    while Pango's bidi honours the marks (browsers do too)."""
    return f"\u2068{'' if text is None else text}\u2069"


def _illustrative(data: dict[str, Any]) -> bool:
    return any("illustrative" in str(s.get("source", "")).lower() for s in data.get("sources", []))


def _area_name(code: str, lang: str) -> str:
    from ictfootprint.web.pages import names

    name: str = names(lang)["area_name"](code)
    return name


def _area_charts(data: dict[str, Any], lang: str) -> dict[str, Chart | None]:
    _ = i18n.translator(lang).gettext
    found: dict[str, Chart | None] = {"trajectory": None, "series": None}
    trajectory = data["trajectory"]
    if trajectory is not None:
        view = trajectory_view(trajectory)
        unit = i18n.unit_name(view["unit"], lang)
        found["trajectory"] = Chart(
            id="trajectory",
            kind="line",
            title=_("Emissions against the L.1470 pathway") + f" ({unit})",
            desc=_describe_line(view["x"], view["actual"], unit, lang),
            unit=view["unit"],
            unit_label=i18n.unit_name(view["unit"], lang),
            categories=view["x"],
            series=(
                Series(_("Actual"), view["actual"]),
                Series(_("L.1470 pathway"), view["pathway"], dashed=True),
            ),
            category_header=_("Year"),
        )
    series = data["series"]
    if series.points:
        view = series.view
        unit = i18n.unit_name(view["unit"], lang)
        lines = [Series(_("Reported total"), view["reported"])]
        if any(v is not None for v in view["like_for_like"]):
            lines.append(Series(_("Like-for-like (constant sample)"), view["like_for_like"], True))
        if any(v is not None for v in view["with_estimate"]):
            lines.append(Series(_("Reported and estimated"), view["with_estimate"]))
        found["series"] = Chart(
            id="series",
            kind="line",
            title=_("Reported total (%(unit)s)") % {"unit": unit},
            desc=_describe_line(view["x"], view["reported"], unit, lang),
            unit=view["unit"],
            unit_label=i18n.unit_name(view["unit"], lang),
            categories=view["x"],
            series=tuple(lines),
            category_header=_("Year"),
        )
    return found


def _describe_line(x: list[int], values: list[float | None], unit: str, lang: str) -> str:
    """What a line chart shows, in words: each year's value (the alt text of the figure)."""
    parts = [f"{year}: {rounded(v, lang)} {unit}" for year, v in zip(x, values, strict=False) if v]
    return i18n.listing(parts, lang) if parts else "–"


def _breakdown_chart(
    chart_id: str, rows: list[dict[str, Any]], lang: str, title: str
) -> Chart | None:
    """The headline total of each area, as bars, in the unit that suits the largest."""
    from ictfootprint.units import convert
    from ictfootprint.web.render import series_unit

    shown = [r for r in rows if r["values"].get(content.HEADLINE) is not None]
    if not shown:
        return None
    unit = shown[0]["units"][content.HEADLINE]
    target = series_unit([r["values"][content.HEADLINE] for r in shown], unit)
    values = [convert(r["values"][content.HEADLINE], unit, target).value for r in shown]
    labels = [_area_name(r["area"], lang) for r in shown]
    _ = i18n.translator(lang).gettext
    name = i18n.scope_name("1+2-location", lang)
    return Chart(
        id=chart_id,
        kind="bar",
        title=f"{title}: {name} ({i18n.unit_name(target, lang)})",
        desc=i18n.listing(
            [
                f"{label}: {figure(v, target, lang, to=target)}"
                for label, v in zip(labels, values, strict=True)
            ],
            lang,
        ),
        unit=target,
        unit_label=i18n.unit_name(target, lang),
        categories=labels,
        series=(Series(name, values),),
        category_header=_("Area"),
    )


def _movers_chart(movers: dict[str, list[dict[str, Any]]], lang: str) -> Chart | None:
    rows = movers["falls"] + movers["rises"]
    if not rows:
        return None
    _ = i18n.translator(lang).gettext
    labels = [_area_name(r["area"], lang) for r in rows]
    values = [r["change"] * 100 for r in rows]
    return Chart(
        id="movers",
        kind="bar",
        title=_("Top movers") + " (%)",
        desc=i18n.listing(
            [
                f"{label}: {i18n.change(r['change'], lang)}"
                for label, r in zip(labels, rows, strict=True)
            ],
            lang,
        ),
        unit="percent",
        unit_label=i18n.unit_name("percent", lang),
        categories=labels,
        series=(Series(_("Like-for-like change"), values),),
        category_header=_("Country"),
    )


def _scope_chart(data: dict[str, Any], lang: str) -> Chart | None:
    """Scope 1 and Scope 2 (location-based) by sub-sector, as the country page draws them."""
    spec = data["totals"].chart
    if spec is None:
        return None
    subsector = {
        "mobile_network": "Mobile networks",
        "fixed_network": "Fixed networks",
        "data_centre": "Data centres",
        "unspecified": "Sub-sector not given",
    }
    gettext = i18n.translator(lang).gettext
    labels = [gettext(subsector.get(s, s)) for s in spec["subsectors"]]
    series = tuple(
        Series(i18n.scope_name(scope, lang), spec["series"][q])
        for q, scope in (("ghg_scope1", "1"), ("ghg_scope2_location", "2-location"))
    )
    unit = spec["unit"]
    return Chart(
        id="scopes",
        kind="bar",
        title=gettext("Emissions by scope and sub-sector") + f" ({i18n.unit_name(unit, lang)})",
        desc=i18n.listing(
            [
                f"{label}: {s.name} {figure(v, unit, lang)}"
                for s in series
                for label, v in zip(labels, s.values, strict=True)
                if v is not None
            ],
            lang,
        ),
        unit=unit,
        unit_label=i18n.unit_name(unit, lang),
        categories=labels,
        series=series,
        category_header=gettext("Sub-sector"),
    )
