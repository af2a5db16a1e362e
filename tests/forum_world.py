"""A store with forum users of each role and their tokens, and the app (for the forum tests)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from ictfootprint.api.app import create_app
from ictfootprint.api.settings import Settings
from ictfootprint.model import Role
from ictfootprint.store import Store

USERS = {"ana": Role.MEMBER, "ben": Role.MEMBER, "eve": Role.EDITOR, "adm": Role.ADMIN}
THREAD = {
    "topic": "energy",
    "title": "Cooling a data centre with outside air",
    "body": "We cut our **PUE** from 1.6 to 1.3. Anyone else?",
    "country": "FRA",
    "indicator": "dc_pue",
}


class Forum:
    """The users (``USERS``) with a token each, and a client of the app."""

    def __init__(self, db_url: str, **users: Any) -> None:
        self.store = Store.open(db_url, actor="setup")
        self.tokens: dict[str, str] = {}
        for name, role in USERS.items():
            self.store.add_user(name, role, **users.get(name, {}))
            self.tokens[name] = self.store.create_token(name, label="tests").token
        app = create_app(Settings.default(db=db_url, rate_limit_per_minute=0), self.store)
        self.client = TestClient(app)

    def call(self, method: str, path: str, who: str = "public", **kwargs: Any) -> Any:
        headers = dict(kwargs.pop("headers", {}))
        if who != "public":
            headers["Authorization"] = f"Bearer {self.tokens[who]}"
        return self.client.request(method, path, headers=headers, **kwargs)

    def thread(self, who: str = "ana", **fields: Any) -> dict[str, Any]:
        answer = self.call("POST", "/api/v1/forum/threads", who, json={**THREAD, **fields})
        assert answer.status_code == 201, answer.text
        return dict(answer.json())

    def reply(self, thread_id: int, who: str = "ben", body: str = "Yes, we did too.") -> Any:
        return self.call(
            "POST", f"/api/v1/forum/threads/{thread_id}/posts", who, json={"body": body}
        )
