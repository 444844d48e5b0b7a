"""Fixtures of the handoff tests (all named ho_*): the real back-office app on SQLite and,
when a server answers on 127.0.0.1:5432, on its own PostgreSQL database
``guichet_test_handoff_<pid>``; a clock the tests can move; a fake Rasa webhook that
records what the back office delivers; agents and logged-in console clients.
"""
from __future__ import annotations

import json
import re
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Dict, Iterator, List

import httpx
import pytest

from tests.backoffice.bo_helpers import API_KEY, ADMIN_KEY, COMMUNE_DIR, PARIS
from tests.pg_fixtures import empty_database, postgres_database
from tools.stack import free_port

#: Monday 1 March 2027, 10:00: the town hall (etat_civil) and the CCAS are open.
OPEN_NOW = datetime(2027, 3, 1, 10, 0, tzinfo=PARIS)
#: Same day, 19:00: everything is closed.
CLOSED_NOW = datetime(2027, 3, 1, 19, 0, tzinfo=PARIS)
PG_PREFIX = "guichet_test_handoff_"
TABLES = ("handoff_notes", "handoff_messages", "handoff_tickets", "handoff_agent_sessions",
          "handoff_agents", "reference_counters", "idempotency_keys", "lookup_failures")
PASSWORD = "mot-de-passe-solide"


class MovableClock:
    """The back office's Clock interface, with a "now" the test sets."""

    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current

    def today(self):
        return self.current.date()

    def advance(self, **delta) -> None:
        self.current = self.current + timedelta(**delta)


class FakeRasa:
    """Records deliveries to /webhooks/handoff/deliver; can be told to fail."""

    def __init__(self) -> None:
        self.calls: List[Dict] = []
        self.fail = False

    def handler(self, request: httpx.Request) -> httpx.Response:
        if self.fail:
            return httpx.Response(503, json={"error": "down"})
        self.calls.append({"url": str(request.url), "secret": request.headers.get(
            "X-Handoff-Secret"), "body": json.loads(request.content)})
        return httpx.Response(200, json={"delivered": True})

    def rasa_calls(self) -> List[Dict]:
        return [c for c in self.calls if "/webhooks/handoff/deliver" in c["url"]]

    def texts(self) -> List[str]:
        return [m["text"] for call in self.rasa_calls() for m in call["body"]["messages"]]


@pytest.fixture(scope="session")
def ho_postgres_url() -> Iterator[str]:
    yield from postgres_database(PG_PREFIX)


@pytest.fixture(params=["sqlite", "postgresql"])
def ho_database_url(request, tmp_path: Path) -> str:
    return empty_database(request, tmp_path, "ho_postgres_url", TABLES)


@pytest.fixture
def sqlite_only(ho_database_url):
    if not ho_database_url.startswith("sqlite"):
        pytest.skip("behaviour independent of the database: checked on SQLite only")


@pytest.fixture(scope="session")
def ho_commune():
    from backoffice.commune import load_commune
    return load_commune(COMMUNE_DIR)


@pytest.fixture
def ho_clock() -> MovableClock:
    return MovableClock(OPEN_NOW)


@pytest.fixture
def fake_rasa() -> FakeRasa:
    return FakeRasa()


@pytest.fixture
def ho_app(ho_database_url, ho_commune, ho_clock, fake_rasa, monkeypatch):
    from backoffice.app import create_app
    from backoffice.handoff.delivery import Delivery
    from backoffice.settings import Settings
    monkeypatch.setenv("HANDOFF_SECRET", "test-secret")
    monkeypatch.setenv("HANDOFF_RASA_URL", "http://rasa.test")
    monkeypatch.setenv("HANDOFF_CALLBACK_HOSTS", "integration.test")
    settings = Settings(database_url=ho_database_url, commune_dir=COMMUNE_DIR,
                        api_keys=(API_KEY,), admin_key=ADMIN_KEY, auto_migrate=False)
    app = create_app(settings, commune=ho_commune, clock=ho_clock)
    state = app.state.handoff
    state.delivery = Delivery(state.settings, transport=httpx.MockTransport(fake_rasa.handler))
    return app


@pytest.fixture
def ho_client(ho_app):
    from fastapi.testclient import TestClient
    with TestClient(ho_app, headers={"X-API-Key": API_KEY}) as client:
        yield client


@pytest.fixture
def make_agent(ho_app, ho_clock):
    """Creates an agent (password PASSWORD) directly in the database."""
    from backoffice.handoff.accounts import create_agent
    from backoffice.transactions import run_transaction
    sessions = ho_app.state.context.sessions

    def make(username: str = "camille", name: str = "Camille Martin"):
        return run_transaction(sessions, lambda s: create_agent(
            s, username, name, PASSWORD, ho_clock.now()))

    return make


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def login(client, username: str, password: str = PASSWORD):
    page = client.get("/console/login")
    return client.post("/console/login", data={
        "username": username, "password": password, "csrf_token": csrf_of(page.text)},
        follow_redirects=False)


@pytest.fixture
def console(ho_app, make_agent):
    """Opens a logged-in console client for a new agent; returns (client, csrf)."""
    from fastapi.testclient import TestClient
    opened = []

    def open_console(username: str = "camille", name: str = "Camille Martin"):
        make_agent(username, name)
        client = TestClient(ho_app).__enter__()
        opened.append(client)
        response = login(client, username)
        assert response.status_code == 303, response.text
        page = client.get("/console/")
        return client, csrf_of(page.text)

    yield open_console
    for client in opened:
        client.__exit__(None, None, None)


def ticket_body(conversation_id: str = "conv-1", **overrides) -> dict:
    body = {
        "kind": "live", "channel": "socketio", "conversation_id": conversation_id,
        "reason": "citizen_request", "intent": "human_handoff",
        "slots": {"citizen_email": "jean.dupont@example.fr"},
        "transcript": [
            {"author": "citizen", "text": "Bonjour", "message_id": "m1"},
            {"author": "bot", "text": "Bonjour ! Comment puis-je vous aider ?"},
            {"author": "citizen", "text": "Je voudrais parler à quelqu'un", "message_id": "m2"},
        ],
    }
    body.update(overrides)
    return body


def action(client, csrf: str, reference: str, name: str, **data):
    return client.post(f"/console/tickets/{reference}/{name}", data={"csrf_token": csrf, **data},
                       headers={"Accept": "application/json", "X-CSRF-Token": csrf})


@pytest.fixture
def ho_server(ho_app) -> Iterator[str]:
    """The app served by uvicorn in a thread (real concurrency)."""
    import uvicorn
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(ho_app, host="127.0.0.1", port=port,
                                           log_level="warning", ws="none"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=20)
