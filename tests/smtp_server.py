"""A real SMTP server on 127.0.0.1 for the mail tests: aiosmtpd, on a free port.

It keeps what it accepts, and does what a test tells it to: refuse the next messages with a
reply of the test's choosing (a real server answering ``451`` or ``550``), or hold a message
in DATA until the test releases it (so that two delivery runs really overlap). It is not a
mock of smtplib: the program under test speaks SMTP over TCP to it.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

HOST = "127.0.0.1"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    raw: bytes


@dataclass
class Recorder:
    received: list[Received] = field(default_factory=list)
    refuse: list[str] = field(default_factory=list)  # replies for the next DATA commands
    hold_subject: str | None = None  # hold the message whose subject contains this
    holding: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    logins: list[tuple[str, str]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return self.refuse.pop(0)
        raw = bytes(envelope.original_content or envelope.content)
        message = message_from_bytes(raw, policy=default)
        assert isinstance(message, EmailMessage)
        if self.hold_subject is not None and self.hold_subject in str(message["Subject"]):
            self.holding.set()
            # wait in a thread, so that the server keeps answering other connections meanwhile
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 60)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message, raw))
        return "250 OK"

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        if not isinstance(data, LoginPassword):
            return AuthResult(success=False, handled=False)
        user, password = data.login.decode(), data.password.decode()
        self.logins.append((user, password))
        # handled=False: the server itself answers 535 to wrong credentials
        return AuthResult(success=(user, password) == ("robot", "s3cret p@ss"), handled=False)


@dataclass
class SmtpServer:
    recorder: Recorder
    port: int

    @property
    def url(self) -> str:
        return f"smtp://{HOST}:{self.port}?from=footprint@example.org"

    @property
    def received(self) -> list[Received]:
        return self.recorder.received


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def smtp_server(*, with_auth: bool = False) -> Iterator[SmtpServer]:
    recorder = Recorder()
    port = free_port()
    options: dict[str, Any] = {}
    if with_auth:
        # plain-text AUTH on loopback only, for the test of the URL's credentials
        options = {"authenticator": recorder.authenticate, "auth_require_tls": False}
    controller = Controller(recorder, hostname=HOST, port=port, **options)
    controller.start()
    try:
        yield SmtpServer(recorder, port)
    finally:
        recorder.release.set()
        controller.stop()
