"""One message as it goes on the wire: checked addresses and headers, UTF-8 plain text.

Nothing a respondent or an administrator typed can add a header: a recipient is one bare
address, a subject one line (a carriage return or line feed in either is refused), and the
body is text in a MIME part of its own. Every message says it was sent by a program
(``Auto-Submitted: auto-generated``, RFC 3834) so that auto-responders do not answer it.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from typing import Final

from ictfootprint.errors import InputError, Location

# a pragmatic address: local part and domain without spaces, controls or list separators
_ADDRESS: Final = re.compile(r"[^\s@,;:<>()\[\]\"\\]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z0-9-]{2,}")
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
SUBJECT_LENGTH: Final = 400


def check_address(address: str, field: str = "to") -> str:
    """One bare e-mail address (``name@example.org``), else an error naming the field."""
    if not isinstance(address, str) or _ADDRESS.fullmatch(address) is None:
        raise InputError(
            "not one e-mail address",
            Location(field=field),
            expected="one address such as name@example.org, without a name, comma or line break",
            found=repr(address)[1:-1][:100],
        )
    return address


def check_subject(subject: str) -> str:
    """A subject is one line: a line break would start a header of its own (injection)."""
    if _CONTROL.search(subject):
        raise InputError(
            "a subject must be one line",
            Location(field="subject"),
            expected="no line break or control character",
            found=repr(subject)[1:-1][:100],
        )
    if not subject.strip() or len(subject) > SUBJECT_LENGTH:
        raise InputError(
            "subject empty or too long",
            Location(field="subject"),
            expected=f"1 to {SUBJECT_LENGTH} characters",
            found=f"{len(subject)} characters",
        )
    return subject


def one_line(text: str) -> str:
    """Text for a header or a line of a message: controls and line breaks become spaces."""
    return " ".join(_CONTROL.sub(" ", text).split())


def message_id(key: str, domain: str) -> str:
    """The same Message-ID for every attempt at the same message (a server or a reader that
    sees it twice knows it is one message)."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"


def build(
    *,
    key: str,
    sender: str,
    to: str,
    lang: str,
    subject: str,
    body: str,
    at: datetime,
    domain: str,
) -> EmailMessage:
    message = EmailMessage(policy=SMTP)
    # the body first: set_content replaces every Content-* header, Content-Language too
    message.set_content(body, subtype="plain", charset="utf-8")
    message["From"] = check_address(sender, "from")
    message["To"] = check_address(to)
    message["Subject"] = check_subject(subject)
    message["Date"] = format_datetime(at)
    message["Message-ID"] = message_id(key, domain)
    message["Content-Language"] = lang
    message["Auto-Submitted"] = "auto-generated"
    message["X-Auto-Response-Suppress"] = "All"
    return message
