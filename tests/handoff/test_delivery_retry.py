"""Background retry of agent messages Rasa refused, against a real HTTP receiver standing
in for Rasa's /webhooks/handoff/deliver that fails a given number of times, then accepts."""
from __future__ import annotations

import json
import threading
import time
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator, List

import pytest

from backoffice.handoff.delivery import DELIVER_PATH, Delivery
from backoffice.handoff.retry import retry_due

from .conftest import action, ticket_body


class Receiver:
    """A real HTTP server: answers 503 while ``failures_left`` > 0, then 200."""

    def __init__(self) -> None:
        self.failures_left = 0
        self.refused = 0
        self.accepted: List[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                ok = self.path == DELIVER_PATH and receiver.failures_left <= 0
                if ok:
                    receiver.accepted.append(body)
                else:
                    receiver.failures_left -= 1
                    receiver.refused += 1
                self.send_response(200 if ok else 503)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"delivered": true}' if ok else b'{"error": "down"}')

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def texts(self) -> List[str]:
        return [m["text"] for body in self.accepted for m in body["messages"]]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


def deliver_to(app, receiver: Receiver, **overrides) -> None:
    state = app.state.handoff
    state.settings = replace(state.settings, rasa_url=receiver.url, **overrides)
    state.delivery = Delivery(state.settings)


def claimed_ticket(console, ho_client):
    client, csrf = console()
    reference = ho_client.post("/api/v1/handoff/tickets", json=ticket_body()).json()["reference"]
    action(client, csrf, reference, "claim")
    return client, csrf, reference


def test_a_failed_message_is_retried_with_back_off_until_delivered(
        ho_app, ho_client, console, ho_clock, receiver, sqlite_only):
    deliver_to(ho_app, receiver, retry_seconds=10, retry_max_attempts=5)
    client, csrf, reference = claimed_ticket(console, ho_client)
    receiver.failures_left = 2
    sent = action(client, csrf, reference, "messages", text="Votre acte est prêt.").json()
    assert sent["delivered"] is False and "503" in sent["delivery_error"]
    assert retry_due(ho_app) == 0 and receiver.refused == 1      # not due before 10 s
    ho_clock.advance(seconds=10)
    assert retry_due(ho_app) == 0 and receiver.refused == 2      # second failure: 20 s
    page = client.get(f"/console/tickets/{reference}").text
    assert "non remis, nouvel essai automatique en cours" in page
    ho_clock.advance(seconds=19)
    assert retry_due(ho_app) == 0 and receiver.refused == 2
    ho_clock.advance(seconds=1)
    assert retry_due(ho_app) == 1
    assert receiver.texts()[-1:] == ["Votre acte est prêt."]
    data = client.get(f"/console/api/tickets/{reference}").json()
    assert data["undelivered"] == {}
    assert [m["delivered"] for m in data["messages"] if m["author"] == "agent"] == [True]
    assert retry_due(ho_app) == 0 and receiver.texts().count("Votre acte est prêt.") == 1


def test_after_the_last_attempt_the_message_is_shown_failed_and_kept(
        ho_app, ho_client, console, ho_clock, receiver, sqlite_only):
    deliver_to(ho_app, receiver, retry_seconds=10, retry_max_attempts=2)
    client, csrf, reference = claimed_ticket(console, ho_client)
    receiver.failures_left = 100
    sent = action(client, csrf, reference, "messages", text="Premier message").json()
    ho_clock.advance(seconds=10)
    retry_due(ho_app)
    assert receiver.refused == 2
    ho_clock.advance(minutes=30)
    assert retry_due(ho_app) == 0 and receiver.refused == 2      # no background attempt left
    page = client.get(f"/console/tickets/{reference}").text
    assert "non remis après 2 essais : il sera renvoyé avec votre prochain message" in page
    data = client.get(f"/console/api/tickets/{reference}").json()
    assert data["undelivered"] == {str(sent["id"]): "non remis après 2 essais : il sera "
                                                     "renvoyé avec votre prochain message"}
    receiver.failures_left = 0
    again = action(client, csrf, reference, "messages", text="Second message").json()
    assert again["delivered"] is True
    assert receiver.texts()[-2:] == ["Premier message", "Second message"]
    assert client.get(f"/console/api/tickets/{reference}").json()["undelivered"] == {}


def test_the_background_task_of_the_app_retries_by_itself(
        ho_app, ho_client, console, ho_clock, receiver, sqlite_only):
    deliver_to(ho_app, receiver, retry_seconds=1, retry_max_attempts=5)
    client, csrf, reference = claimed_ticket(console, ho_client)   # its lifespan runs the loop
    receiver.failures_left = 1
    action(client, csrf, reference, "messages", text="Message à renvoyer")
    ho_clock.advance(seconds=1)
    deadline = time.monotonic() + 60       # a wait for the loop, not a speed assertion
    while "Message à renvoyer" not in receiver.texts() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert receiver.texts().count("Message à renvoyer") == 1
    assert client.get(f"/console/api/tickets/{reference}").json()["undelivered"] == {}
