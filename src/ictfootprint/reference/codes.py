"""Codes a person types (sub-sectors, respondent types): one spelling rule for all of them.

The catalogue writes sub-sectors with an underscore (``mobile_network``) and respondent types
with a hyphen (``telecom-operator``); people type either. A typed code matches a known code when
they are equal ignoring case, surrounding spaces and ``-`` against ``_``; the known spelling is
returned, so what is stored is always the catalogue's.
"""

from __future__ import annotations

from collections.abc import Iterable

from ictfootprint.errors import InputError, Location


def _key(text: str) -> str:
    return text.strip().lower().replace("-", "_").replace(" ", "_")


def known_code(text: str, known: Iterable[str], *, what: str, where: Location | None = None) -> str:
    """The known code ``text`` spells, or an InputError listing the known ones.

    >>> known_code("Mobile-Network", ["mobile_network", "data_centre"], what="sub-sector")
    'mobile_network'
    >>> known_code("telecom_operator", ["telecom-operator"], what="respondent type")
    'telecom-operator'
    """
    codes = list(known)
    by_key = {_key(code): code for code in codes}
    found = by_key.get(_key(text))
    if found is None:
        raise InputError(
            f"unknown {what}",
            where or Location(field=what.replace(" ", "_")),
            expected=", ".join(codes),
            found=text,
        )
    return found


def subsector_code(text: str, where: Location | None = None) -> str:
    """A sub-sector as typed (``mobile-network``, ``Mobile_Network``) → ``mobile_network``."""
    from ictfootprint.reference.catalogue import SUBSECTORS

    return known_code(
        text, SUBSECTORS, what="sub-sector", where=where or Location(field="subsector")
    )


def respondent_code(text: str, where: Location | None = None) -> str:
    """A respondent type as typed (``telecom_operator``) → ``telecom-operator``."""
    from ictfootprint.reference.respondents import respondents

    return known_code(
        text, respondents(), what="respondent type", where=where or Location(field="respondent")
    )
