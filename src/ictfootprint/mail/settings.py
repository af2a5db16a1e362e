"""Where e-mail goes: one SMTP server, configured by URL, or nowhere.

``smtp://user:password@host:587?starttls=1`` (STARTTLS after connecting),
``smtps://user:password@host:465`` (TLS from the first byte) or ``smtp://host:25`` (a local
relay, no authentication). ``from=`` names the sender (else ``ICTFOOTPRINT_MAIL_FROM``, else
``ictfootprint@<host>``); ``timeout=`` is in seconds. The URL comes from ``--smtp-url``, else
``ICTFOOTPRINT_SMTP_URL``; with neither, nothing is sent: messages wait in the outbox.

The password is used to log in and nowhere else: :meth:`SmtpSettings.redacted` and ``repr``
never show it.

>>> s = SmtpSettings.parse("smtp://robot:s3cret@mail.example.org:587?starttls=1")
>>> (s.host, s.port, s.starttls, s.implicit_tls, s.sender)
('mail.example.org', 587, True, False, 'ictfootprint@mail.example.org')
>>> s.redacted()
'smtp://robot:***@mail.example.org:587?starttls=1'
>>> "s3cret" in repr(s)
False
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Final
from urllib.parse import parse_qs, unquote, urlsplit

from ictfootprint.errors import InputError, Location

ENV_URL: Final = "ICTFOOTPRINT_SMTP_URL"
ENV_FROM: Final = "ICTFOOTPRINT_MAIL_FROM"
DEFAULT_PORTS: Final = {"smtp": 25, "smtps": 465}
TRUE: Final = ("1", "true", "yes", "on")
FALSE: Final = ("0", "false", "no", "off", "")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    implicit_tls: bool = False
    starttls: bool = False
    sender: str = ""
    timeout: float = 30.0

    @classmethod
    def parse(cls, url: str) -> SmtpSettings:
        """Read an SMTP URL; a wrong one is an error that never repeats the password."""
        where = Location(field="smtp-url")
        parts = urlsplit(url.strip())
        shown = _redact(url.strip())
        if parts.scheme not in DEFAULT_PORTS:
            raise InputError(
                "unknown SMTP URL scheme",
                where,
                expected="smtp://[user:password@]host[:port] or smtps://...",
                found=shown,
            )
        if not parts.hostname:
            raise InputError("SMTP URL without a host", where, found=shown)
        try:
            port = parts.port or DEFAULT_PORTS[parts.scheme]
        except ValueError:
            raise InputError("SMTP URL with an invalid port", where, found=shown) from None
        query = parse_qs(parts.query, keep_blank_values=True)
        known = {"starttls", "from", "timeout"}
        for name in query:
            if name not in known:
                raise InputError(
                    "unknown SMTP URL parameter",
                    where,
                    expected=", ".join(sorted(known)),
                    found=name,
                )
        starttls_text = query.get("starttls", ["0"])[-1].lower()
        if starttls_text not in TRUE + FALSE:
            raise InputError("starttls must be 1 or 0", where, found=starttls_text)
        starttls = starttls_text in TRUE
        if starttls and parts.scheme == "smtps":
            raise InputError(
                "starttls with smtps: TLS is already on from the first byte", where, found=shown
            )
        try:
            timeout = float(query.get("timeout", ["30"])[-1])
        except ValueError:
            raise InputError("timeout must be a number of seconds", where, found=shown) from None
        if not 0 < timeout <= 600:
            raise InputError("timeout out of range", where, expected="0 to 600 s", found=shown)
        sender = (
            query.get("from", [""])[-1]
            or os.environ.get(ENV_FROM)
            or (f"ictfootprint@{parts.hostname}")
        )
        if any(c in sender for c in "\r\n,;<>") or sender.count("@") != 1:
            raise InputError("invalid sender address", where, expected="one address", found=sender)
        return cls(
            host=parts.hostname,
            port=port,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password is not None else None,
            implicit_tls=parts.scheme == "smtps",
            starttls=starttls,
            sender=sender,
            timeout=timeout,
        )

    @classmethod
    def configured(cls, url: str | None = None) -> SmtpSettings | None:
        """The server of ``url``, else of ``ICTFOOTPRINT_SMTP_URL``; None: sending is off."""
        chosen = url if url is not None else os.environ.get(ENV_URL)
        if chosen is None or not chosen.strip():
            return None
        return cls.parse(chosen)

    def redacted(self) -> str:
        """The URL as it may be shown and logged: the password replaced by ``***``."""
        scheme = "smtps" if self.implicit_tls else "smtp"
        user = (
            f"{self.username}:***@"
            if self.username and self.password
            else (f"{self.username}@" if self.username else "")
        )
        query = "?starttls=1" if self.starttls else ""
        return f"{scheme}://{user}{self.host}:{self.port}{query}"

    @property
    def sender_domain(self) -> str:
        return self.sender.rsplit("@", 1)[1]


def _redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(":" + parts.password + "@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()
