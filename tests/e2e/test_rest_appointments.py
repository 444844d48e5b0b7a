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


def first_payload(replies):
    return next(b["payload"] for r in replies for b in r.get("buttons") or [])


def test_booking_ends_with_a_reference_the_back_office_knows(citizen, stack):
    replies = citizen.say("bonjour je voudrais un rendez-vous pour déposer notre dossier de mariage")
    if not any(r.get("buttons") for r in replies):
        replies = citizen.say("au plus tôt")
    replies = citizen.say(first_payload(replies))  # the first free slot
    citizen.say("Ana Lopez")
    citizen.say("ana.lopez@example.fr")
    citizen.say("/deny")  # no phone number
    text = citizen.say_text("oui")
    match = REFERENCE.search(text)
    assert match and match.group(1) == "RDV", text

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
