"""A personal link of a round, once redeemed, records that the respondent opened the round."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from ictfootprint.mail import outbox
from ictfootprint.rounds import notices, service
from rounds_world import OPERATORS, YEAR, Api, contacts, day


def test_redeeming_an_invitation_link_records_the_round_as_opened(tmp_path: Path) -> None:
    api = Api(f"sqlite:///{tmp_path / 'links.db'}")
    record = service.create_round(
        api.store,
        custodian_id="arcep",
        name="Enquête annuelle 2026",
        year=YEAR,
        entity_ids=OPERATORS,
        opens_on=day(0),
        deadline=day(30),
        lang="fr",
        contacts=contacts(),
    )
    notices.invite(api.store, record.id, base_url="https://testserver")
    with api.store.engine.connect() as connection:
        [message] = outbox.messages(connection, subject_ref=f"round:{record.id}:op-a")
    found = re.search(r"/r/(ifl_[A-Za-z0-9_-]+)", message.body)
    assert found is not None
    client = TestClient(api.client.app)
    assert client.post(f"/fr/r/{found.group(1)}", follow_redirects=False).status_code == 303

    events = service.get_round(api.store, record.id).events
    assert [e.status for e in events if e.entity_id == "op-a"].count("opened") == 1
    assert not [e for e in events if e.entity_id == "op-b" and e.status == "opened"]
