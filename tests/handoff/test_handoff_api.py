"""The handoff API used by the assistant and integrations: availability, tickets for every
trigger, out of hours, citizen messages during a handoff, the REST poll."""
from __future__ import annotations

import pytest

from tests.backoffice.bo_helpers import assert_error

from .conftest import CLOSED_NOW, action, ticket_body


def test_nobody_online_means_not_available(ho_client):
    info = ho_client.get("/api/v1/handoff/availability").json()
    assert info["open"] is True and info["agents_online"] == 0 and info["available"] is False
    error = assert_error(ho_client.post("/api/v1/handoff/tickets", json=ticket_body()), 409,
                         "no_agent_available")
    assert error["details"]["agents_online"] == 0


def test_out_of_hours_offers_callback_only(ho_client, console, ho_clock):
    console()
    assert ho_client.get("/api/v1/handoff/availability").json()["available"] is True
    ho_clock.current = CLOSED_NOW
    info = ho_client.get("/api/v1/handoff/availability").json()
    assert info["open"] is False and info["available"] is False
    assert info["next_opening"].startswith("2027-03-02T08:30")
    error = assert_error(ho_client.post("/api/v1/handoff/tickets", json=ticket_body()), 409,
                         "no_agent_available")
    assert "ouvert" in error["message"].lower() or "horaires" in error["message"].lower() \
        or "joignables" in error["message"]
    callback = ticket_body(kind="callback", callback={
        "phone": "06 12 34 56 78", "preferred_time": "demain matin"})
    created = ho_client.post("/api/v1/handoff/tickets", json=callback)
    assert created.status_code == 201, created.text
    ticket = created.json()
    assert ticket["reference"].startswith("AGT-2027-") and ticket["kind"] == "callback"
    assert ticket["queue_position"] is None


def test_callback_needs_a_contact(ho_client):
    assert_error(ho_client.post("/api/v1/handoff/tickets", json=ticket_body(kind="callback")),
                 422, "validation_error")
    assert_error(ho_client.post("/api/v1/handoff/tickets", json=ticket_body(
        kind="callback", callback={"preferred_time": "le soir"})), 422, "validation_error")


@pytest.mark.parametrize("reason, urgency, priority", [
    ("citizen_request", None, 0),
    ("repeated_misunderstanding", None, 0),
    ("identity_check_failed", None, 0),
    ("urgency", "urgent", 1),
    ("urgency", "distress", 2),
    ("urgency", "danger", 3),
    ("human_only_topic", None, 0),
])
def test_every_trigger_creates_a_live_ticket(ho_client, console, reason, urgency, priority):
    console()
    body = ticket_body(reason=reason, urgency=urgency)
    if reason == "human_only_topic":
        body["service"] = "ccas"
    response = ho_client.post("/api/v1/handoff/tickets", json=body)
    assert response.status_code == 201, response.text
    ticket = response.json()
    assert ticket["status"] == "waiting" and ticket["priority"] == priority
    assert ticket["queue_position"] == 1 and ticket["existing"] is False


def test_human_only_service_uses_its_own_hours(ho_client, console, ho_clock):
    console()
    ho_clock.current = ho_clock.current.replace(day=3)  # Wednesday: the CCAS is closed
    assert ho_client.get("/api/v1/handoff/availability", params={"service": "ccas"}).json()[
        "open"] is False
    assert ho_client.get("/api/v1/handoff/availability").json()["open"] is True
    assert_error(ho_client.post("/api/v1/handoff/tickets", json=ticket_body(
        reason="human_only_topic", service="ccas")), 409, "no_agent_available")


def test_queue_position_and_one_open_ticket_per_conversation(ho_client, console):
    console()
    first = ho_client.post("/api/v1/handoff/tickets", json=ticket_body("a")).json()
    second = ho_client.post("/api/v1/handoff/tickets", json=ticket_body("b")).json()
    urgent = ho_client.post("/api/v1/handoff/tickets", json=ticket_body(
        "c", reason="urgency", urgency="danger")).json()
    assert (first["queue_position"], second["queue_position"], urgent["queue_position"]) == \
        (1, 2, 1)
    again = ho_client.post("/api/v1/handoff/tickets", json=ticket_body("b"))
    assert again.status_code == 200
    assert again.json()["reference"] == second["reference"] and again.json()["existing"]
    assert again.json()["queue_position"] == 3


def test_creation_is_idempotent(ho_client, console):
    console()
    headers = {"Idempotency-Key": "handoff-conv-1-m2"}
    first = ho_client.post("/api/v1/handoff/tickets", json=ticket_body(), headers=headers)
    replay = ho_client.post("/api/v1/handoff/tickets", json=ticket_body(), headers=headers)
    assert first.status_code == replay.status_code == 201
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert first.json()["reference"] == replay.json()["reference"]


def test_citizen_messages_are_kept_only_during_a_handoff(ho_client, console):
    client, csrf = console()
    reference = ho_client.post("/api/v1/handoff/tickets", json=ticket_body()).json()["reference"]
    batch = {"messages": [
        {"conversation_id": "conv-1", "text": "Je voudrais parler à quelqu'un",
         "message_id": "m2"},  # the message that started it: already in the transcript
        {"conversation_id": "conv-1", "text": "Vous êtes là ?", "message_id": "m3"},
        {"conversation_id": "conv-1", "text": "Vous êtes là ?", "message_id": "m3"},  # resent
        {"conversation_id": "other", "text": "Horaires de la mairie ?", "message_id": "x1"},
    ]}
    assert ho_client.post("/api/v1/handoff/citizen-messages", json=batch).json() == {"stored": 1}
    data = client.get(f"/console/api/tickets/{reference}").json()
    assert [(m["author"], m["text"]) for m in data["messages"]] == [("citizen", "Vous êtes là ?")]
    assert data["transcript"][-1]["text"] == "Je voudrais parler à quelqu'un"


def test_rest_citizens_poll_agent_messages(ho_client, console, fake_rasa):
    client, csrf = console()
    body = ticket_body("rest-1", channel="rest",
                       callback_url="http://integration.test/guichet-hook")
    reference = ho_client.post("/api/v1/handoff/tickets", json=body).json()["reference"]
    poll = ho_client.get("/api/v1/handoff/conversations/rest-1/messages").json()
    assert poll["bot_active"] is False and poll["ticket"]["queue_position"] == 1
    assert action(client, csrf, reference, "claim").status_code == 200
    assert action(client, csrf, reference, "messages", text="Bonjour, je vous écoute.").json()[
        "delivered"] is True
    poll = ho_client.get("/api/v1/handoff/conversations/rest-1/messages").json()
    assert [m["author"] for m in poll["messages"]] == ["system", "agent"]
    assert poll["messages"][1]["text"] == "Bonjour, je vous écoute."
    assert poll["messages"][1]["agent_name"] == "Camille Martin"
    assert poll["ticket"]["agent_name"] == "Camille Martin"
    last = poll["messages"][-1]["id"]
    assert ho_client.get("/api/v1/handoff/conversations/rest-1/messages",
                         params={"after": last}).json()["messages"] == []
    # Rasa got each message (for the tracker), and so did the integration's callback URL.
    rasa_calls = [c for c in fake_rasa.calls if c["url"].startswith("http://rasa.test/")]
    assert rasa_calls[-1]["body"]["channel"] == "rest"
    assert rasa_calls[-1]["body"]["messages"][-1]["text"] == "Bonjour, je vous écoute."
    assert rasa_calls[-1]["secret"] == "test-secret"
    hooks = [c for c in fake_rasa.calls if c["url"] == "http://integration.test/guichet-hook"]
    assert hooks[-1]["body"]["messages"][-1]["text"] == "Bonjour, je vous écoute."
    assert action(client, csrf, reference, "release").status_code == 200
    poll = ho_client.get("/api/v1/handoff/conversations/rest-1/messages",
                         params={"after": last}).json()
    assert poll["bot_active"] is True
    assert poll["messages"][0]["text"].startswith("Je reprends la conversation")


def test_api_needs_the_key(ho_client):
    response = ho_client.get("/api/v1/handoff/availability", headers={"X-API-Key": "wrong"})
    assert_error(response, 401, "invalid_api_key")


def test_bad_input_is_refused_in_french(ho_client):
    assert_error(ho_client.post("/api/v1/handoff/tickets", json=ticket_body(
        conversation_id="with space")), 422, "validation_error")
    assert_error(ho_client.post("/api/v1/handoff/tickets", json=ticket_body(
        slots={"x": "a\x00b"})), 422, "validation_error")
    assert_error(ho_client.get("/api/v1/handoff/conversations/a%20b/messages"), 422,
                 "validation_error")
