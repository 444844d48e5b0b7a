"""Requests that end with a reference, through the REST channel of a running stack.

Each conversation answers whatever the assistant asks (the form's requested slot, read
from Rasa's tracker), then the back office's own API must know the reference given to
the citizen, with what was asked: a dangerous report (SIG, high priority), a bulky-waste
pick-up (DEC, with its round), a birth certificate (EC) and a broken bin (DEC).
"""

import re
from typing import Dict, List, Optional

import pytest
import requests

from tests.e2e.conftest import API_HEADERS

pytestmark = pytest.mark.timeout(900)

REFERENCE = re.compile(r"\b(RDV|EC|SIG|DEC|URB)-\d{4}-\d{5}\b")
EMAIL = "jeanne.martin@example.fr"
#: Answer meaning "press the first button offered".
FIRST_BUTTON = None


def converse(citizen, opening: str, answers: Dict[str, Optional[str]], max_turns: int = 15) -> List[str]:
    """Say ``opening``, then answer each slot the assistant asks for; return the transcript."""
    transcript: List[str] = []
    replies = citizen.say(opening)
    for _ in range(max_turns):
        transcript += [r.get("text") or "" for r in replies]
        slot = citizen.tracker()["slots"].get("requested_slot")
        if slot is None:
            return transcript
        assert slot in answers, (slot, transcript)
        answer = answers[slot]
        if answer is FIRST_BUTTON:
            answer = next(b["payload"] for r in replies for b in r.get("buttons") or [])
        transcript.append(f"> {answer}")
        replies = citizen.say(answer)
    pytest.fail(f"the conversation did not end: {transcript}")


def followed_case(stack, transcript: List[str], kind: str) -> dict:
    """The case whose reference the citizen was given, as the back office shows it."""
    match = REFERENCE.search("\n".join(transcript))
    assert match and match.group(1) == kind, transcript
    lookup = requests.post(f"{stack.url('backoffice')}/api/v1/cases/lookup",
                           json={"reference": match.group(0), "email": EMAIL},
                           headers=API_HEADERS, timeout=30)
    assert lookup.status_code == 200, lookup.text
    return lookup.json()


def test_dangerous_report_is_recorded_with_high_priority(citizen, stack):
    transcript = converse(citizen, "je veux signaler un problème", {
        "report_category": '/inform{"issue_category": "danger"}',
        "report_street": "rue Victor Hugo", "report_details": "/deny",
        "report_description": "un câble électrique pend au-dessus du trottoir",
        "report_contact": EMAIL, "report_confirm": "/affirm"})
    case = followed_case(stack, transcript, "SIG")
    assert case["report"]["category"] == "danger" and case["report"]["priority"] == "high"
    assert case["report"]["street"] == "rue Victor Hugo"


def test_bulky_waste_pickup_is_booked_on_a_round(citizen, stack):
    transcript = converse(citizen, "je voudrais faire enlever un vieux canapé", {
        "bulky_street": "12 rue Victor Hugo", "bulky_booking": "/affirm",
        "bulky_items": "un canapé, un matelas", "bulky_name": "Jeanne Martin",
        "bulky_email": EMAIL, "bulky_phone": "/deny", "bulky_confirm": "/affirm"})
    case = followed_case(stack, transcript, "DEC")
    assert case["status"] == "planifie" and case["pickup"]["items"] == ["un canapé", "un matelas"]
    assert case["pickup"]["street"] == "rue Victor Hugo"


def test_birth_certificate_request_is_recorded(citizen, stack):
    transcript = converse(citizen, "je voudrais un acte de naissance", {
        "document_type": FIRST_BUTTON, "requester_relation": FIRST_BUTTON,
        "concerned_person": "Jeanne Martin", "event_date": "12/04/1985",
        "citizen_name": "Jeanne Martin", "citizen_email": EMAIL, "delivery": FIRST_BUTTON,
        "postal_address": "12 rue Victor Hugo, 00000 Villebrune",
        "civil_status_confirmed": "/affirm"})
    case = followed_case(stack, transcript, "EC")
    assert case["civil_status"]["person_name"] == "Jeanne Martin"
    assert case["civil_status"]["event_date"] == "1985-04-12"


def test_broken_bin_request_is_recorded(citizen, stack):
    transcript = converse(citizen, "mon bac est cassé, le couvercle est arraché", {
        "bin_problem": '/inform{"bin_problem": "casse"}', "bin_street": "12 rue Victor Hugo",
        "bin_name": "Jeanne Martin", "bin_email": EMAIL, "bin_confirm": "/affirm"})
    case = followed_case(stack, transcript, "DEC")
    assert (case["type"], case["status"]) == ("bac_casse", "recu")
    assert case["title"].endswith("rue Victor Hugo")
