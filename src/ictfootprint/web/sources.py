"""A value's source as a reader of the page's language reads it.

Sources the program writes itself (``ictfootprint 0.1.0: Scope 1 + Scope 2 location-based``,
the illustrative dataset's) are our text, so they are translated here by their pattern; the
citation of a third party inside one (a grid factor's dataset) stays as published, marked as
English. Any other source is the submitter's own words, shown as they are, isolated so that a
right-to-left page does not reorder them.
"""

from __future__ import annotations

import re
from typing import Final

from markupsafe import Markup, escape

from ictfootprint.web.i18n import translator


def _(message: str) -> str:
    return message


TOOL: Final = r"(?P<tool>ictfootprint [0-9][\w.+-]*)"
PATTERNS: Final = (
    (
        re.compile(
            rf"^{TOOL}: sum of Scope 1 \+ Scope 2 \(location-based\) of (?P<num>\d+) "
            r"in-sector entities$"
        ),
        _("%(tool)s: sum of Scope 1 + Scope 2 (location-based) over in-sector entities: %(num)s"),
    ),
    (
        re.compile(rf"^{TOOL}: Scope 1 \+ Scope 2 location-based$"),
        _("%(tool)s: Scope 1 + Scope 2 (location-based)"),
    ),
    (
        re.compile(rf"^{TOOL}: electricity × grid factor \((?P<citation>.*)\)$", re.S),
        _("%(tool)s: electricity × grid factor (%(citation)s)"),
    ),
    (
        re.compile(
            rf"^{TOOL}: linear interpolation between (?P<first>\d{{4}}) \((?P<m1>\w+)\) and "
            r"(?P<last>\d{4}) \((?P<m2>\w+)\)$"
        ),
        _("%(tool)s: linear interpolation between %(first)s and %(last)s"),
    ),
    (
        re.compile(
            r"^sum of the Scope 1 \+ 2 \(location-based\) of the country's in-sector "
            r"reporting entities$"
        ),
        _("sum of the Scope 1 + 2 (location-based) of the country's in-sector reporting entities"),
    ),
    (
        re.compile(
            r"^Illustrative dataset shipped with ictfootprint \(fictitious operators; not real "
            r"data\)$"
        ),
        _("Illustrative dataset shipped with ictfootprint (fictitious operators; not real data)"),
    ),
    (
        re.compile(
            r"^Illustrative dataset shipped with ictfootprint \(fictitious national statistics; "
            r"not real data\)$"
        ),
        _(
            "Illustrative dataset shipped with ictfootprint (fictitious national statistics; "
            "not real data)"
        ),
    ),
)


def source_html(text: str | None, lang: str) -> Markup:
    """The source in ``lang`` where it is ours; as it is (isolated) where it is not."""
    if not text:
        return Markup("")
    for pattern, message in PATTERNS:
        found = pattern.match(text)
        if found is None:
            continue
        parts = {k: escape(v) for k, v in found.groupdict().items()}
        if "citation" in parts:
            parts["citation"] = Markup('<span lang="en" dir="ltr">%s</span>') % parts["citation"]
        if "tool" in parts:
            parts["tool"] = Markup('<bdi dir="ltr">%s</bdi>') % parts["tool"]
        return Markup(escape(translator(lang).gettext(message))) % parts
    return Markup('<bdi dir="auto">%s</bdi>') % text
