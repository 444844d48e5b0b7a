"""action_handoff and the callback form against a real back office (over HTTP): every
trigger, the pause, out of hours, the back office down."""
from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import handoff, handoff_offer
from actions.api import backoffice as backoffice_api
from actions.settings import SETTINGS
from tests.conftest import user_event

from .backoffice_process import agent_console, start_backoffice, ticket
from tools.stack import free_port

OPEN = "2027-03-01T10:00:00+01:00"    # Monday morning: town hall and CCAS open
NIGHT = "2027-03-01T19:00:00+01:00"   # Monday evening: everything closed


@pytest.fixture(scope="module")
def open_office(tmp_path_factory):
    stack = start_backoffice(tmp_path_factory.mktemp("bo-open"), OPEN)
    console = agent_console(stack.url("backoffice"))  # the demo agent is online
    yield stack, console
    stack.stop()


@pytest.fixture(scope="module")
def night_office(tmp_path_factory):
    stack = start_backoffice(tmp_path_factory.mktemp("bo-night"), NIGHT)
    agent_console(stack.url("backoffice"))
    yield stack
    stack.stop()


def use(monkeypatch, url: str, **overrides):
    settings = replace(SETTINGS, backoffice_url=url, retries=1, backoff_factor=0.05,
                       **overrides)
    monkeypatch.setattr(backoffice_api, "_client", backoffice_api.BackOfficeClient(settings))


def run(action, tracker, domain, dispatcher=None):
    dispatcher = dispatcher or CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain))
    return dispatcher, events


def slot(events, name):
    values = [e["value"] for e in events if e.get("event") == "slot" and e["name"] == name]
    return values[-1] if values else None


def socket_event(text, intent, message_id, **extra):
    event = user_event(text, intent, **extra)
    event.update(input_channel="socketio", message_id=message_id)
    return event


def handoff_request(*before, sender="conv", slots=None, make_tracker=None):
    events = list(before) + [socket_event("Je veux parler à un agent", "human_handoff",
                                          f"{sender}-last")]
    return make_tracker(events, slots=slots or {}, sender_id=sender)


def hand_over(monkeypatch, office, tracker, domain):
    stack, console = office
    use(monkeypatch, stack.url("backoffice"))
    dispatcher, events = run(handoff.ActionHandoff(), tracker, domain)
    assert slot(events, "handoff_mode") == "live", dispatcher.messages
    assert {"event": "pause"} in [{"event": e["event"]} for e in events]
    return dispatcher, events, ticket(console, slot(events, "handoff_reference"))


def test_citizen_asks_for_a_person(monkeypatch, open_office, make_tracker, domain):
    tracker = handoff_request(
        socket_event("Bonjour", "greet", "a1"),
        {"event": "bot", "text": "Bonjour ! Je suis Guichet."},
        sender="citizen-1", slots={"citizen_email": "jean.dupont@example.fr",
                                   "identity_failures": 0.0},
        make_tracker=make_tracker)
    dispatcher, events, data = hand_over(monkeypatch, open_office, tracker, domain)
    text = dispatcher.messages[0]["text"]
    assert slot(events, "handoff_reference") in text and "file d'attente" in text
    assert "vos messages lui sont transmis" in text
    assert data["ticket"]["status"] == "waiting" and data["ticket"]["channel_label"] == \
        "Site web / borne"
    assert data["summary"]["reason"] == "L'usager a demandé à parler à une personne"
    assert data["summary"]["slots"]["citizen_email"] == "jean.dupont@example.fr"
    assert [line["text"] for line in data["transcript"]] == [
        "Bonjour", "Bonjour ! Je suis Guichet.", "Je veux parler à un agent"]
    # Asking again gives the same ticket, not a second one.
    again, events2 = run(handoff.ActionHandoff(), tracker, domain)
    assert slot(events2, "handoff_reference") == slot(events, "handoff_reference")


def test_accepting_the_person_after_two_misunderstandings(monkeypatch, open_office,
                                                          make_tracker, domain):
    tracker = handoff_request(
        socket_event("blablabla", "nlu_fallback", "b1"),
        socket_event("zzzz kkk", "nlu_fallback", "b2"),
        sender="citizen-2", make_tracker=make_tracker)
    _, _, data = hand_over(monkeypatch, open_office, tracker, domain)
    assert data["summary"]["reason"] == "L'assistant n'a pas compris l'usager deux fois de suite"


def misunderstood_then(answer, intent, sender, count, make_tracker):
    events = [socket_event(f"zzz {n}", "nlu_fallback", f"{sender}-{n}") for n in range(count)]
    return make_tracker(events + [socket_event(answer, intent, f"{sender}-last")],
                        sender_id=sender)


def test_typed_yes_to_the_person_offered_hands_over(monkeypatch, open_office, make_tracker,
                                                    domain):
    stack, console = open_office
    use(monkeypatch, stack.url("backoffice"))
    tracker = misunderstood_then("oui svp", "affirm", "citizen-oui", 2, make_tracker)
    dispatcher, events = run(handoff_offer.ActionHandoffOfferReply(), tracker, domain)
    assert slot(events, "handoff_mode") == "live", dispatcher.messages
    assert {"event": "pause"} in [{"event": e["event"]} for e in events]
    data = ticket(console, slot(events, "handoff_reference"))
    assert data["summary"]["reason"] == "L'assistant n'a pas compris l'usager deux fois de suite"


@pytest.mark.parametrize("answer, intent, count, response", [
    ("non merci", "deny", 2, "utter_handoff_declined"),
    ("oui", "affirm", 1, "utter_affirm_without_context"),
    ("non", "deny", 1, "utter_deny_without_context"),
])
def test_no_handoff_without_a_yes_to_an_offer(monkeypatch, open_office, make_tracker, domain,
                                              answer, intent, count, response):
    use(monkeypatch, open_office[0].url("backoffice"))
    sender = f"citizen-{intent}-{count}"
    tracker = misunderstood_then(answer, intent, sender, count, make_tracker)
    dispatcher, events = run(handoff_offer.ActionHandoffOfferReply(), tracker, domain)
    assert [m.get("response") for m in dispatcher.messages] == [response]
    assert events == [{"event": "slot", "timestamp": None, "name": "handoff_mode",
                       "value": None}]
    polled = asyncio.run(backoffice_api.get_client().acall(
        "GET", f"/handoff/conversations/{sender}/messages"))
    assert polled["ticket"] is None and polled["bot_active"] is True


def test_three_failed_identity_checks(monkeypatch, open_office, make_tracker, domain):
    tracker = handoff_request(
        socket_event("URB-2026-00123 jean@example.fr", "check_case_status", "c1"),
        sender="citizen-3", slots={"identity_failures": 3.0, "case_reference": "URB-2026-00123"},
        make_tracker=make_tracker)
    _, _, data = hand_over(monkeypatch, open_office, tracker, domain)
    assert data["summary"]["reason"] == "Trois vérifications d'identité ont échoué"
    assert data["summary"]["intent"] == "check_case_status"


@pytest.mark.parametrize("before, expected, priority", [
    (socket_event("ça sent le gaz dans la rue", "report_issue", "d1",
                  urgency={"level": "danger", "category": "danger", "matched": "gaz"}),
     "Danger", 3),
    (socket_event("je veux en finir", "distress", "d2",
                  urgency={"level": "distress", "category": "distress", "matched": "en finir"}),
     "Détresse", 2),
])
def test_urgent_or_distressed_messages_come_first(monkeypatch, open_office, make_tracker,
                                                  domain, before, expected, priority):
    tracker = handoff_request(before, sender=f"citizen-urgent-{priority}", make_tracker=make_tracker)
    _, _, data = hand_over(monkeypatch, open_office, tracker, domain)
    assert data["summary"]["reason"] == "Message urgent ou de détresse"
    assert data["summary"]["urgency"] == expected and data["ticket"]["priority"] == priority
    queue = open_office[1].get(f"{open_office[0].url('backoffice')}/console/api/queue").json()
    first = queue["tickets"][0]
    assert first["priority"] >= priority


def test_urgency_slot_from_a_report(monkeypatch, open_office, make_tracker, domain):
    tracker = handoff_request(sender="citizen-report", slots={"urgency": "high"},
                              make_tracker=make_tracker)
    _, _, data = hand_over(monkeypatch, open_office, tracker, domain)
    assert data["ticket"]["priority"] == 1 and data["summary"]["urgency"] == "Urgent"


def test_human_only_topic(monkeypatch, open_office, make_tracker, domain):
    tracker = handoff_request(
        socket_event("j'ai besoin d'une aide du CCAS", "social_assistance", "e1"),
        sender="citizen-ccas", make_tracker=make_tracker)
    _, _, data = hand_over(monkeypatch, open_office, tracker, domain)
    assert data["summary"]["reason"] == "Sujet traité uniquement par un agent"
    assert data["summary"]["intent"] == "social_assistance"


def test_out_of_hours_the_bot_takes_a_callback_request(monkeypatch, night_office, make_tracker,
                                                       domain):
    use(monkeypatch, night_office.url("backoffice"))
    tracker = handoff_request(sender="night-1", make_tracker=make_tracker)
    dispatcher, events = run(handoff.ActionHandoff(), tracker, domain)
    assert slot(events, "handoff_mode") == "callback"
    assert all(e["event"] != "pause" for e in events)
    text = dispatcher.messages[0]["text"]
    assert "pas joignables en ce moment" in text and "recontacte" in text
    form = handoff.ValidateHandoffCallbackForm()
    bad = CollectingDispatcher()
    assert asyncio.run(form.validate_handoff_contact("demain", bad, tracker, domain)) == {
        "handoff_contact": None}
    assert "ni numéro de téléphone ni adresse e-mail" in bad.messages[0]["text"]
    good = asyncio.run(form.validate_handoff_contact("0612345678", bad, tracker, domain))
    assert good == {"handoff_contact": "06 12 34 56 78"}
    when = asyncio.run(form.validate_handoff_callback_time("le matin  ", bad, tracker, domain))
    assert when == {"handoff_callback_time": "le matin"}
    request = slot(events, "handoff_request")
    submitted = make_tracker(tracker.events, sender_id="night-1", slots={
        "handoff_contact": "06 12 34 56 78", "handoff_callback_time": "le matin",
        "handoff_request": request})
    dispatcher, events = run(handoff.ActionSubmitHandoffCallback(), submitted, domain)
    reference = slot(events, "handoff_reference")
    assert reference.startswith("AGT-2027-")
    assert dispatcher.messages[0]["text"].startswith(
        f"C'est noté : votre demande de rappel porte la référence {reference}.")
    assert "au 06 12 34 56 78 (le matin)" in dispatcher.messages[0]["text"]
    console = agent_console(night_office.url("backoffice"))
    data = ticket(console, reference)
    assert data["ticket"]["kind"] == "callback" and data["ticket"]["callback"] == {
        "phone": "06 12 34 56 78", "email": None, "time": "le matin"}


def test_danger_out_of_hours_gives_the_emergency_numbers(monkeypatch, night_office,
                                                         make_tracker, domain):
    use(monkeypatch, night_office.url("backoffice"))
    tracker = handoff_request(socket_event("il y a un incendie", "report_issue", "f1", urgency={
        "level": "danger", "category": "danger", "matched": "incendie"}), sender="night-2",
        make_tracker=make_tracker)
    dispatcher, _ = run(handoff.ActionHandoff(), tracker, domain)
    assert dispatcher.messages[0]["text"].startswith("En cas de danger immédiat, appelez")


def test_back_office_down(monkeypatch, make_tracker, domain):
    use(monkeypatch, f"http://127.0.0.1:{free_port()}", connect_timeout=0.5, read_timeout=0.5)
    tracker = handoff_request(sender="down", make_tracker=make_tracker)
    dispatcher, events = run(handoff.ActionHandoff(), tracker, domain)
    assert slot(events, "handoff_mode") == "unavailable"
    assert "ne répond pas" in dispatcher.messages[0]["text"]
    assert dispatcher.messages[1]["response"] == "utter_info_human_handoff"
