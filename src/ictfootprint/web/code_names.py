"""Names of the codes a reader meets outside the indicator catalogue, in the six languages:
how a value came to be (its method) and the ICT sub-sectors. The pages (``render.py``'s
``method_label``, ``method_badge`` and ``subsector_label``) and the SDMX codelists
(``export/sdmx.py``) name them from here, so that a new method or
sub-sector without a name in every catalogue fails a test (tests/test_code_names.py) instead
of showing its English code.

>>> method_name("statistical", "fr"), subsector_name("data_centre", "es")
('statistique', 'Centros de datos')
"""

from __future__ import annotations

from typing import Final

from ictfootprint.reference.catalogue import LANGUAGES
from ictfootprint.web.i18n import translator


def _(message: str) -> str:
    return message


METHODS: Final = {
    "reported": _("reported"),
    "calculated": _("calculated"),
    "estimated": _("estimated"),
    "statistical": _("statistical"),
}
SUBSECTORS: Final = {
    "mobile_network": _("Mobile networks"),
    "fixed_network": _("Fixed networks"),
    "data_centre": _("Data centres"),
    "user_equipment": _("User devices"),
    "enterprise_network": _("Enterprise networks"),
    "manufacturing": _("Manufacturing"),
    "software_services": _("Software and services"),
}
NOT_APPLICABLE: Final = _("Not applicable")
#: What the pages call each method and sub-sector (``render.method_label``,
#: ``render.subsector_label``): the codes above and those of the sector's tables and forms.
METHOD_LABELS: Final = {**METHODS, "modelled": _("modelled")}
SUBSECTOR_LABELS: Final = {
    **SUBSECTORS,
    "devices": _("User devices"),
    "other": _("Other"),
    "all": _("All sub-sectors"),
    "_T": _("All sub-sectors"),
    "unspecified": _("Sub-sector not given"),
}


def method_name(code: str, lang: str) -> str:
    """A method (``statistical``) as a reader says it in ``lang``; an unknown code as is."""
    return translator(lang).gettext(METHODS[code]) if code in METHODS else code


def subsector_name(code: str, lang: str) -> str:
    """A sub-sector (``data_centre``) as a reader says it in ``lang``; an unknown code as is."""
    return translator(lang).gettext(SUBSECTORS[code]) if code in SUBSECTORS else code


def in_every_language(message: str) -> dict[str, str]:
    """``message`` (a msgid) in each of the six languages, first letter upper-case (a name
    in a codelist)."""
    names = {lang: translator(lang).gettext(message) for lang in LANGUAGES}
    return {lang: text[:1].upper() + text[1:] for lang, text in names.items()}
