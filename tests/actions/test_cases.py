"""Following a case against the real back office (seeded demo cases): status told only
when reference and e-mail match, neutral answer otherwise, a person after three failures."""

import uuid

from actions.cases import ActionCheckCaseStatus, ValidateCaseStatusForm
from tests.actions.flow_support import buttons, entity, form_tracker, run, sender, slots_set, texts

SEEDED = ("URB-2026-00123", "jean.dupont@example.fr")  # documented demo case (backoffice/seed.py)
HUMAN = {"title": "Parler à un agent", "payload": "/human_handoff"}


def check(make_tracker, dispatcher, domain, reference, email, conversation=None, **slots):
    tracker = make_tracker([], slots={"case_reference": reference, "citizen_email": email, **slots},
                           sender_id=conversation or sender("case"))
    return slots_set(run(ActionCheckCaseStatus(), dispatcher, tracker, domain))


def unknown_reference() -> str:
    return f"SIG-2019-{uuid.uuid4().int % 100000:05d}"


def test_status_next_step_and_missing_documents_when_both_match(backoffice_client, make_tracker,
                                                                dispatcher, domain):
    slots = check(make_tracker, dispatcher, domain, *SEEDED)
    case = backoffice_client.post("/cases/lookup", {"reference": SEEDED[0], "email": SEEDED[1]})
    said = texts(dispatcher)
    assert case["status_label"] in said and case["next_step"] in said
    assert all(document in said for document in case["missing_documents"])
    assert slots["case_reference"] is None


def test_wrong_email_and_unknown_reference_get_the_same_neutral_answer(backoffice_client, make_tracker,
                                                                       domain):
    from rasa_sdk.executor import CollectingDispatcher
    wrong_email, unknown = CollectingDispatcher(), CollectingDispatcher()
    first = check(make_tracker, wrong_email, domain, "EC-2025-04411", "pirate@example.fr")
    check(make_tracker, unknown, domain, unknown_reference(), "marie.durand@example.fr")
    assert texts(wrong_email) == texts(unknown)
    assert "Durand" not in texts(wrong_email) and "Acte" not in texts(wrong_email)
    assert first["identity_failures"] == 1
    assert first["case_reference"] is None and first["citizen_email"] is None


def test_the_third_failure_offers_a_person(backoffice_client, make_tracker, dispatcher, domain):
    slots = check(make_tracker, dispatcher, domain, unknown_reference(), "x@example.fr",
                  identity_failures=2.0)
    assert slots["identity_failures"] == 3 and HUMAN in buttons(dispatcher)


def test_too_many_attempts_get_the_back_office_message(backoffice_client, make_tracker, domain):
    from rasa_sdk.executor import CollectingDispatcher
    conversation, reference = sender("guesser"), unknown_reference()
    for _ in range(5):
        check(make_tracker, CollectingDispatcher(), domain, reference, "guess@example.fr", conversation)
    blocked = CollectingDispatcher()
    check(make_tracker, blocked, domain, reference, "guess@example.fr", conversation)
    assert "Trop de tentatives" in texts(blocked) and HUMAN in buttons(blocked)


def test_an_appointment_reference_is_looked_up_as_an_appointment(backoffice_client, make_tracker,
                                                                 dispatcher, domain):
    start = backoffice_client.get("/slots", procedure="pacs")["slots"][0]["start"]
    email = f"pacs-{uuid.uuid4().hex[:6]}@example.fr"
    booked = backoffice_client.post("/appointments", {"procedure": "pacs", "start": start,
                                                      "name": "Inès Petit", "email": email},
                                    idempotency=uuid.uuid4().hex)
    check(make_tracker, dispatcher, domain, booked["reference"], email)
    assert "est confirmé" in texts(dispatcher) and booked["reference"] in texts(dispatcher)


def test_the_status_is_not_told_when_the_back_office_is_down(backoffice_down, make_tracker,
                                                             dispatcher, domain):
    slots = check(make_tracker, dispatcher, domain, *SEEDED)
    assert "ne répond pas" in texts(dispatcher) and "identity_failures" not in slots


def validate(make_tracker, dispatcher, domain, text, entities=None):
    tracker = form_tracker(make_tracker, "case_status_form", "case_reference", text, "inform",
                           entities=entities)
    return slots_set(run(ValidateCaseStatusForm(), dispatcher, tracker, domain))


def test_a_malformed_reference_gets_the_format_and_the_prefixes(make_tracker, dispatcher, domain):
    slots = validate(make_tracker, dispatcher, domain, "mon dossier c'est URB-2026-123")
    said = texts(dispatcher)
    assert slots["case_reference"] is None
    assert "PRÉFIXE-AAAA-NNNNN" in said and "URB urbanisme" in said and "EC état civil" in said


def test_a_number_alone_is_not_taken_for_a_reference(make_tracker, dispatcher, domain):
    slots = validate(make_tracker, dispatcher, domain, "12345")
    assert slots["case_reference"] is None and "Je ne reconnais pas de référence" in texts(dispatcher)


def test_a_reference_in_lower_case_is_accepted(make_tracker, dispatcher, domain):
    slots = validate(make_tracker, dispatcher, domain, "c'est urb-2026-00123",
                     entities=[entity("case_reference", "urb-2026-00123")])
    assert slots["case_reference"] == "URB-2026-00123"


def test_a_hostile_or_huge_answer_is_refused_calmly(make_tracker, dispatcher, domain):
    slots = validate(make_tracker, dispatcher, domain, "'; DROP TABLE cases; --" * 40)
    assert slots["case_reference"] is None and "référence" in texts(dispatcher)


def test_any_conversation_id_is_accepted_by_the_back_office(backoffice_client, make_tracker,
                                                            dispatcher, domain):
    check(make_tracker, dispatcher, domain, *SEEDED, conversation="Jean Dupont (web) é/ü " + "x" * 200)
    assert "Prochaine étape" in texts(dispatcher)
