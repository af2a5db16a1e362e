"""The round of the acceptance test (issue 16), shared by the store, CLI, API and page tests:
ARCEP's survey of four operators in France, with a real local SMTP server (aiosmtpd).

Operator A sends a file with an error, then a corrected one (accepted); B sends a good file
(accepted); C asks for and gets an extension; D never answers. The deadline is 30 days after
today, so that links and extensions lie in the future; "at" dates are days after today.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from typing import Any

from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient

from ictfootprint.api.app import create_app
from ictfootprint.api.settings import Settings
from ictfootprint.collection.service import submit
from ictfootprint.model import Entity, EntityKind
from ictfootprint.rounds import service
from ictfootprint.store import Store
from ictfootprint.store.database import now

OPERATORS = ("op-a", "op-b", "op-c", "op-d")
YEAR = 2025
HEADER = "indicator,year,value,unit,method,source,comment\n"
GOOD = HEADER + (
    f"energy_electricity,{YEAR},1.5,GWh,reported,Annual report p.4,\n"
    f"ghg_scope1,{YEAR},2,kt CO2e,reported,Fuel invoices,\n"
    f"ghg_scope2_location,{YEAR},84,t CO2e,reported,Grid factor,\n"
)
BAD = HEADER + f"energy_electricity,{YEAR},lots,GWh,reported,Annual report,\n"
FIXED = HEADER + (
    f"energy_electricity,{YEAR},1.6,GWh,reported,Annual report p.5,\n"
    f"energy_total,{YEAR},1.9,GWh,reported,Annual report p.5,\n"
)


def today() -> date:
    return now().date()


def day(offset: int) -> date:
    return today() + timedelta(days=offset)


@dataclass
class Inbox:
    received: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(
            bytes(envelope.original_content or envelope.content), policy=default
        )
        assert isinstance(message, EmailMessage)
        self.received.append(message)
        return "250 OK"

    def to(self, address: str) -> list[str]:
        return [str(m["Subject"]) for m in self.received if address in str(m["To"])]


@contextlib.contextmanager
def smtp_server() -> Iterator[tuple[Inbox, str]]:
    """A real SMTP server on 127.0.0.1 (aiosmtpd) and its URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, f"smtp://127.0.0.1:{port}?from=arcep-survey@example.org"
    finally:
        controller.stop()


def operators(store: Store) -> None:
    for letter, entity_id in zip("ABCD", OPERATORS, strict=True):
        store.add_entity(
            Entity(
                id=entity_id,
                name=f"Operator {letter} (test)",
                kind=EntityKind.COMPANY,
                country="FRA",
                subsectors=("mobile_network", "fixed_network"),
            )
        )


def arcep(store: Store) -> None:
    service.add_custodian(
        store,
        custodian_id="arcep",
        name="ARCEP",
        kind="regulator",
        country_code="FRA",
        legal_basis="Loi n° 2021-1755 du 23 décembre 2021 (REEN), art. 26",
        scope="Environmental footprint of electronic communications operators",
        since=date(2021, 12, 23),
    )
    store.add_user("arcep-reviewer", "reviewer", countries=("BEL",))
    service.add_focal_point(
        store, "arcep", name="Focal point", email="focal@arcep.example", user="arcep-reviewer"
    )


def contacts() -> dict[str, str]:
    return {e: f"climate@{e}.example" for e in OPERATORS}


def submit_answers(store: Store) -> None:
    """A fails, resubmits and is accepted; B is accepted; C and D send nothing."""
    first = submit(store, BAD.encode(), "a-first.csv", "op-a")
    assert first.status == "rejected"
    second = submit(store, FIXED.encode(), "a-second.csv", "op-a")
    assert second.status == "validated"
    store.accept_submission(second.submission_id, "checked")
    answer = submit(store, GOOD.encode(), "b.csv", "op-b")
    assert answer.status == "validated"
    store.accept_submission(answer.submission_id, "checked")


class Api:
    """The operators and ARCEP in a store, users of each role with a token, the app."""

    def __init__(self, db_url: str) -> None:
        self.store = Store.open(db_url, actor="setup")
        operators(self.store)
        arcep(self.store)
        self.store.add_user("admin", "admin")
        self.store.add_user("sub-d", "submitter", entities=("op-d",))
        self.store.add_user("rev-deu", "reviewer", countries=("DEU",))
        self.tokens = {
            name: self.store.create_token(name).token
            for name in ("admin", "arcep-reviewer", "sub-d", "rev-deu")
        }
        app = create_app(Settings.default(db=db_url, rate_limit_per_minute=0), self.store)
        self.client = TestClient(app)

    def call(self, method: str, path: str, who: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"}
        return self.client.request(method, path, headers=headers, **kwargs)
