"""A validation finding in the reader's language: each rule's message is a msgid keyed by the
rule's id (``collection/registry.py``), and what was expected and found stay data beside it.

The collection layer writes its findings in English for the CLI, the API and the workbook;
the pages translate them here by rule id, and fall back to the English message for a rule
this table does not know yet (tests/test_web_i18n.py checks that none is missing).
"""

from __future__ import annotations

from typing import Any, Final

from ictfootprint.web.i18n import translator


def _(message: str) -> str:
    return message


RULE_MESSAGES: Final = {
    "unusable-file": _("The file cannot be read"),
    "no-values": _("The file has no values"),
    "required-field": _("A required field is empty"),
    "entity-match": _("The row is for another entity"),
    "indicator-known": _("Unknown indicator"),
    "year-range": _("The year is not a year, is in the future or is too early"),
    "not-available": _("The value is marked as not available"),
    "number-format": _("The number cannot be read in the file's number format"),
    "value-readable": _("The value cannot be read"),
    "category-known": _("Unknown category"),
    "unit-known": _("Unknown or ambiguous unit"),
    "value-magnitude": _("The value is not finite or beyond any plausible size"),
    "text-characters": _("The text holds characters no database keeps"),
    "digits-converted": _("Digits of another script were read as 0-9"),
    "json-duplicate-key": _("A JSON key appears twice in one entry"),
    "unit-compatible": _("The unit is not of the indicator's kind"),
    "country-known": _("Unknown country"),
    "subsector-known": _("Unknown sub-sector"),
    "method-known": _("Unknown method"),
    "csv-columns": _("The row has the wrong number of columns"),
    "json-entry": _("A JSON entry is not an object"),
    "json-type": _("A JSON field has the wrong type"),
    "xlsx-formula": _("A data cell holds a formula"),
    "xlsx-merged-cells": _("Merged cells in the data area"),
    "xlsx-hidden-sheet": _("A hidden sheet was ignored"),
    "xlsx-external-links": _("External links were not followed"),
    "xlsx-header": _("Unknown or missing column in the sheet's header"),
    "duplicate-in-file": _("The same value appears twice in the file"),
    "range-non-negative": _("Negative quantity"),
    "range-share": _("A share outside 0 to 100 %"),
    "range-pue": _("A PUE below 1"),
    "total-components": _("The total differs from the sum of its components"),
    "renewable-within-total": _("Renewable electricity above total electricity"),
    "scope2-location-plausible": _("Scope 2 location-based far from electricity × grid factor"),
    "year-on-year": _("A large change from the previous year"),
    "restatement": _("Restates an accepted value"),
    "intensity-plausible": _(
        "An intensity far from the entity's earlier years or its peers (a unit slip?)"
    ),
    "s1s2-consistent": _(
        "Scope 1 + Scope 2 and the reported Scope 1+2 total disagree once this is accepted"
    ),
}


def finding_message(finding: dict[str, Any], lang: str) -> str:
    """The finding's message in ``lang``: in English the collection's own (the most specific),
    in the other languages its rule's, or the English one for a rule not in the table."""
    rule = str(finding.get("rule") or "")
    if lang != "en" and rule in RULE_MESSAGES:
        return translator(lang).gettext(RULE_MESSAGES[rule])
    return str(finding.get("message") or rule)
