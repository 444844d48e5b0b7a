"""Booking and case tracking through the REST channel of a running stack.

The conversation runs through Rasa (trained model), the action server and the back
office; afterwards the back office's own API must show what the citizen was told.
"""

import re

import pytest
import requests

from tests.e2e.conftest import API_HEADERS

pytestmark = pytest.mark.timeout(900)

REFERENCE = re.compile(r"\b(RDV|EC|SIG|DEC|URB)-\d{4}-\d{5}\b")


def test_booking_ends_with_a_reference_the_back_office_knows(citizen, stack):
    transcript = []

    def say(text):
        replies = citizen.say(text)
        transcript.append((text, [(r.get("text"), [b.get("payload") for b in r.get("buttons") or []])
                                  for r in replies]))
        return replies

    replies = say("bonjour je voudrais un rendez-vous pour déposer notre dossier de mariage")
    slot = None
    for _ in range(3):
        slot = next((b["payload"] for r in replies for b in r.get("buttons") or []
                     if '"time"' in b["payload"]), None)
        if slot:
            break
        replies = say("au plus tôt")
    assert slot, transcript
    say(slot)  # the first free slot
    say("Ana Lopez")
    say("ana.lopez@example.fr")
    say("/deny")  # no phone number
    text = " ".join(r.get("text") or "" for r in say("oui"))
    match = REFERENCE.search(text)
    assert match and match.group(1) == "RDV", transcript

    lookup = requests.post(
        f"{stack.url('backoffice')}/api/v1/appointments/lookup",
        json={"reference": match.group(0), "email": "ana.lopez@example.fr"},
        headers=API_HEADERS, timeout=30,
    )
    assert lookup.status_code == 200, lookup.text
    assert lookup.json()["procedure"] == "mariage"


def test_case_status_is_told_only_with_the_right_email(citizen):
    text = citizen.say_text("où en est mon dossier URB-2026-00123 ?")
    if "mail" in text.lower():
        text = citizen.say_text("jean.dupont@example.fr")
    assert "URB-2026-00123" in text
    assert "pièce" in text.lower() or "document" in text.lower() or "manque" in text.lower(), text


def test_case_status_with_a_wrong_email_reveals_nothing(citizen):
    text = citizen.say_text("suivi du dossier URB-2026-00123")
    if "mail" in text.lower():
        text = citizen.say_text("quelquun@example.fr")
    assert "jean" not in text.lower()
    assert "Aucun" in text or "aucun" in text or "ne correspond" in text, text
