"""The text of the messages a round sends, in the respondent's language.

``render(kind, lang, **params)`` gives a message's subject and plain-text body. Every sentence
is an English msgid translated in the dashboard's catalogues (``web/locale``, kept by
``scripts/i18n.py``, which extracts this module too); dates are written the language's way
(Babel, CLDR). The parameters are one line each: a line break in a name cannot add a header or
a line that looks like ours.

>>> subject, body = render("round-invitation", "fr", round_name="Enquête 2025", custodian="ARCEP",
...     year=2025, deadline=date(2026, 3, 31), link="https://example.org/fr/r/ifl_x",
...     entity_name="Opérateur A")
>>> subject
'ARCEP : collecte de données « Enquête 2025 » (2025), à rendre le 31 mars 2026'
"""

from __future__ import annotations

from datetime import date
from typing import Any, Final

from babel.dates import format_date

from ictfootprint.errors import InputError, Location
from ictfootprint.mail.envelope import one_line
from ictfootprint.reference.catalogue import LANGUAGES
from ictfootprint.web.i18n import translator

PARAMS: Final = ("round_name", "custodian", "year", "deadline", "link", "entity_name")


def _(message: str) -> str:
    """Marks a msgid for scripts/i18n.py; :func:`render` translates it."""
    return message


GREETING: Final = _("Dear focal point of %(entity_name)s,")
LINK: Final = _(
    "Your personal link signs you in to upload the data of %(entity_name)s for this round only. "
    "It works once and expires; do not forward it:"
)
AUTOMATIC: Final = _(
    "This message was sent automatically by ictfootprint on behalf of %(custodian)s; "
    "replies to it are not read."
)
KINDS: Final = {
    "round-invitation": (
        _("%(custodian)s: data collection “%(round_name)s” (%(year)s), due %(deadline)s"),
        _(
            "%(custodian)s invites %(entity_name)s to report its data for %(year)s in the "
            "collection round “%(round_name)s”. The deadline is %(deadline)s."
        ),
    ),
    "round-reminder": (
        _("Reminder: “%(round_name)s” (%(year)s) is due %(deadline)s"),
        _(
            "This is a reminder from %(custodian)s: the data of %(entity_name)s for %(year)s in "
            "the collection round “%(round_name)s” are due by %(deadline)s, and have not been "
            "received yet."
        ),
    ),
    "round-overdue": (
        _("Overdue: “%(round_name)s” (%(year)s) was due %(deadline)s"),
        _(
            "The deadline of the collection round “%(round_name)s” was %(deadline)s, and the "
            "data of %(entity_name)s for %(year)s have not been received. Please upload them as "
            "soon as possible, or ask %(custodian)s for an extension."
        ),
    ),
}


def render(kind: str, lang: str, **params: Any) -> tuple[str, str]:
    """(subject, body) of a ``kind`` of message in ``lang``; params: round_name, custodian,
    year, deadline (a date), link (the personal URL), entity_name."""
    if kind not in KINDS:
        raise InputError(
            "unknown kind of message",
            Location(field="kind"),
            expected=", ".join(KINDS),
            found=str(kind),
        )
    if lang not in LANGUAGES:
        raise InputError(
            "unknown language", Location(field="lang"), expected=", ".join(LANGUAGES), found=lang
        )
    missing = [name for name in PARAMS if params.get(name) in (None, "")]
    if missing:
        raise InputError(
            "message parameter missing",
            Location(field=missing[0]),
            expected=", ".join(PARAMS),
        )
    deadline = params["deadline"]
    if not isinstance(deadline, date):
        raise InputError("deadline must be a date", Location(field="deadline"), found=str(deadline))
    values = {name: one_line(str(params[name])) for name in PARAMS}
    values["deadline"] = format_date(deadline, "long", locale=lang)
    values["year"] = str(params["year"])  # a year is not a number to group: 2025, not 2,025
    gettext = translator(lang).gettext
    subject_id, paragraph_id = KINDS[kind]
    subject = one_line(gettext(subject_id) % values)
    body = "\n\n".join(
        [
            gettext(GREETING) % values,
            gettext(paragraph_id) % values,
            gettext(LINK) % values + "\n" + values["link"],
            gettext(AUTOMATIC) % values,
        ]
    )
    return subject, body + "\n"


# accounts (invitations and password resets): for a user, not a respondent -----------------------
ACCOUNT_GREETING: Final = _("Hello %(name)s,")
ACCOUNT_LINK: Final = _(
    "This personal link lets you choose your password. It works once, until %(expires)s; do "
    "not forward it:"
)
ACCOUNT_AUTOMATIC: Final = _(
    "This message was sent automatically by ictfootprint; replies to it are not read."
)
ACCOUNT_KINDS: Final = {
    "account-invitation": (
        _("%(inviter)s invites you to ictfootprint"),
        _(
            "%(inviter)s invites you to sign in to ictfootprint, where the ICT sector's "
            "environmental footprint is collected and reviewed. Your user name is %(name)s."
        ),
    ),
    "password-reset": (
        _("Choose a new password for ictfootprint"),
        _(
            "Someone asked to choose a new password for the user %(name)s. If it was not you, "
            "ignore this message: your password does not change."
        ),
    ),
}


def render_account(
    kind: str, lang: str, *, name: str, link: str, expires: date, inviter: str = ""
) -> tuple[str, str]:
    """(subject, body) of an invitation (``account-invitation``) or a password reset
    (``password-reset``) in ``lang``, for the user ``name``."""
    if kind not in ACCOUNT_KINDS:
        raise InputError(
            "unknown kind of message",
            Location(field="kind"),
            expected=", ".join(ACCOUNT_KINDS),
            found=str(kind),
        )
    if lang not in LANGUAGES:
        raise InputError(
            "unknown language", Location(field="lang"), expected=", ".join(LANGUAGES), found=lang
        )
    values = {
        "name": one_line(name),
        "link": one_line(link),
        "inviter": one_line(inviter or "ictfootprint"),
        "expires": format_date(expires, "long", locale=lang),
    }
    gettext = translator(lang).gettext
    subject_id, paragraph_id = ACCOUNT_KINDS[kind]
    body = "\n\n".join(
        [
            gettext(ACCOUNT_GREETING) % values,
            gettext(paragraph_id) % values,
            gettext(ACCOUNT_LINK) % values + "\n" + values["link"],
            gettext(ACCOUNT_AUTOMATIC),
        ]
    )
    return one_line(gettext(subject_id) % values), body + "\n"
