"""Cancelling and moving an appointment against the real back office: reference and
e-mail checked together, confirmation, and what happens when it fails."""

import uuid

import pytest

from actions.appointments.changes import (ActionAskCancelConfirmed, ActionCancelAppointment,
                                          ActionRescheduleAppointment, ValidateCancelAppointmentForm,
                                          ValidateRescheduleAppointmentForm)
from actions.appointments.choosing import ActionAskAppointmentWish
from tests.actions.flow_support import (buttons, entity, form_tracker, free_starts, has_event, run,
                                        sender, slots_set, texts)


@pytest.fixture
def appointment(backoffice_client):
    """A confirmed passport appointment of the test back office."""
    email = f"rdv-{uuid.uuid4().hex[:8]}@example.fr"
    start = free_starts(backoffice_client, "passeport")[-1].isoformat()
    booked = backoffice_client.post("/appointments", {"procedure": "passeport", "start": start,
                                                      "name": "Lucie Moreau", "email": email},
                                    idempotency=uuid.uuid4().hex)
    return booked


def access(make_tracker, dispatcher, domain, action, form, reference, email, **slots):
    tracker = form_tracker(make_tracker, form, "citizen_email", email, "inform",
                           entities=[entity("email", email)],
                           slots={"appointment_reference": reference, **slots})
    return slots_set(run(action, dispatcher, tracker, domain))


def test_cancel_checks_the_pair_then_asks_to_confirm(backoffice_client, appointment, make_tracker,
                                                      dispatcher, domain):
    slots = access(make_tracker, dispatcher, domain, ValidateCancelAppointmentForm(),
                   "cancel_appointment_form", appointment["reference"], appointment["citizen"]["email"])
    assert slots["appointment_details"]["reference"] == appointment["reference"]
    tracker = make_tracker([], slots=slots)
    run(ActionAskCancelConfirmed(), dispatcher, tracker, domain)
    assert "Passeport" in texts(dispatcher) and "Confirmez-vous son annulation" in texts(dispatcher)


def test_a_confirmed_cancellation_is_done(backoffice_client, appointment, make_tracker, dispatcher, domain):
    tracker = make_tracker([], slots={"appointment_reference": appointment["reference"],
                                      "citizen_email": appointment["citizen"]["email"],
                                      "cancel_confirmed": True}, sender_id=sender("cancel"))
    events = run(ActionCancelAppointment(), dispatcher, tracker, domain)
    assert "est annulé" in texts(dispatcher) and appointment["reference"] in texts(dispatcher)
    assert slots_set(events)["appointment_reference"] is None
    found = backoffice_client.post("/appointments/lookup", {"reference": appointment["reference"],
                                                            "email": appointment["citizen"]["email"]})
    assert found["status"] == "cancelled"


def test_a_wrong_email_gets_a_neutral_answer_and_is_counted(backoffice_client, appointment,
                                                            make_tracker, dispatcher, domain):
    slots = access(make_tracker, dispatcher, domain, ValidateCancelAppointmentForm(),
                   "cancel_appointment_form", appointment["reference"], "someone.else@example.fr")
    assert slots["appointment_reference"] is None and slots["citizen_email"] is None
    assert slots["identity_failures"] == 1
    assert "Aucun rendez-vous ne correspond" in texts(dispatcher)
    assert "Lucie" not in texts(dispatcher)


def test_a_wrong_pair_in_one_message_is_forgotten_whole(backoffice_client, appointment, make_tracker,
                                                         dispatcher, domain):
    text = f"{appointment['reference']} pirate@example.fr"
    tracker = form_tracker(make_tracker, "cancel_appointment_form", "appointment_reference", text, "inform",
                           entities=[entity("case_reference", appointment["reference"]),
                                     entity("email", "pirate@example.fr", start=20)])
    slots = slots_set(run(ValidateCancelAppointmentForm(), dispatcher, tracker, domain))
    assert slots["appointment_reference"] is None and slots["citizen_email"] is None
    assert slots["identity_failures"] == 1 and texts(dispatcher).count("Aucun rendez-vous") == 1


def test_the_third_failure_offers_a_person(backoffice_client, make_tracker, dispatcher, domain):
    slots = access(make_tracker, dispatcher, domain, ValidateCancelAppointmentForm(),
                   "cancel_appointment_form", "RDV-2026-99999", "nobody@example.fr",
                   identity_failures=2.0)
    assert slots["identity_failures"] == 3
    assert {"title": "Parler à un agent", "payload": "/human_handoff"} in buttons(dispatcher)


def test_a_reference_that_is_not_an_appointment_is_explained(make_tracker, dispatcher, domain):
    tracker = form_tracker(make_tracker, "cancel_appointment_form", "appointment_reference",
                           "URB-2026-00123", "inform", entities=[entity("case_reference", "URB-2026-00123")])
    slots = slots_set(run(ValidateCancelAppointmentForm(), dispatcher, tracker, domain))
    assert slots["appointment_reference"] is None
    assert "commence par RDV" in texts(dispatcher)


def test_a_malformed_reference_gets_the_expected_format(make_tracker, dispatcher, domain):
    tracker = form_tracker(make_tracker, "cancel_appointment_form", "appointment_reference",
                           "rdv 2026 42", "inform")
    slots = slots_set(run(ValidateCancelAppointmentForm(), dispatcher, tracker, domain))
    assert slots["appointment_reference"] is None
    assert "PRÉFIXE-AAAA-NNNNN" in texts(dispatcher)


def test_cancel_is_not_done_when_the_back_office_is_down(backoffice_down, make_tracker, dispatcher, domain):
    tracker = make_tracker([], slots={"appointment_reference": "RDV-2026-00001",
                                      "citizen_email": "a@example.fr", "cancel_confirmed": True})
    run(ActionCancelAppointment(), dispatcher, tracker, domain)
    assert "Votre rendez-vous n'a pas été annulé" in texts(dispatcher)


def test_the_check_is_not_made_when_the_back_office_is_down(backoffice_down, make_tracker,
                                                            dispatcher, domain):
    slots = access(make_tracker, dispatcher, domain, ValidateCancelAppointmentForm(),
                   "cancel_appointment_form", "RDV-2026-00001", "a@example.fr")
    assert slots["citizen_email"] is None and "Rien n'a été modifié" in texts(dispatcher)
    assert "identity_failures" not in slots


def test_reschedule_moves_the_appointment_to_the_chosen_slot(backoffice_client, appointment,
                                                             make_tracker, dispatcher, domain):
    slots = access(make_tracker, dispatcher, domain, ValidateRescheduleAppointmentForm(),
                   "reschedule_appointment_form", appointment["reference"],
                   appointment["citizen"]["email"])
    assert slots["procedure"] == "passeport"
    run(ActionAskAppointmentWish(), dispatcher,
        make_tracker([], slots=slots, active_loop={"name": "reschedule_appointment_form"}), domain)
    assert "Votre rendez-vous du" in texts(dispatcher)
    new_start = free_starts(backoffice_client, "passeport")[0].isoformat()
    tracker = make_tracker([], slots={**slots, "appointment_start": new_start}, sender_id=sender("move"))
    events = run(ActionRescheduleAppointment(), dispatcher, tracker, domain)
    assert "est déplacé" in texts(dispatcher) and appointment["reference"] in texts(dispatcher)
    assert slots_set(events)["appointment_start"] is None
    assert "appointment_reference" not in slots_set(events)  # kept to cancel or move it again
    found = backoffice_client.post("/appointments/lookup", {"reference": appointment["reference"],
                                                            "email": appointment["citizen"]["email"]})
    assert found["start"] == new_start


def test_reschedule_to_a_taken_slot_offers_other_slots(backoffice_client, make_tracker, dispatcher, domain):
    starts = free_starts(backoffice_client, "mariage")
    email = f"mariage-{uuid.uuid4().hex[:8]}@example.fr"
    mine = backoffice_client.post("/appointments", {"procedure": "mariage", "start": starts[-1].isoformat(),
                                                    "name": "Ana Lopez", "email": email},
                                  idempotency=uuid.uuid4().hex)
    taken = starts[0].isoformat()
    backoffice_client.post("/appointments", {"procedure": "mariage", "start": taken, "name": "Paul Roux",
                                             "email": "paul.roux@example.fr"}, idempotency=uuid.uuid4().hex)
    tracker = make_tracker([], slots={"appointment_reference": mine["reference"], "citizen_email": email,
                                      "appointment_start": taken, "appointment_details": mine})
    events = run(ActionRescheduleAppointment(), dispatcher, tracker, domain)
    assert "n'a pas été modifié" in texts(dispatcher)
    assert has_event(events, "followup", "reschedule_appointment_form")
    assert slots_set(events)["appointment_start"] is None


def test_reschedule_is_not_done_when_the_back_office_is_down(backoffice_down, make_tracker,
                                                             dispatcher, domain):
    details = {"procedure_name": "Passeport", "start": "2030-01-08T09:30:00+01:00"}
    tracker = make_tracker([], slots={"appointment_reference": "RDV-2026-00001",
                                      "citizen_email": "a@example.fr", "appointment_details": details,
                                      "appointment_start": "2030-01-09T09:30:00+01:00"})
    run(ActionRescheduleAppointment(), dispatcher, tracker, domain)
    said = texts(dispatcher)
    assert "Votre rendez-vous n'a pas été déplacé" in said and "mardi 8 janvier 2030" in said


def test_the_reference_given_when_the_email_is_known_is_checked_at_once(
        backoffice_client, appointment, make_tracker, dispatcher, domain):
    reference = appointment["reference"]
    tracker = form_tracker(make_tracker, "cancel_appointment_form", "appointment_reference",
                           f"c'est le {reference}", "inform", entities=[entity("case_reference", reference)],
                           slots={"citizen_email": appointment["citizen"]["email"]})
    slots = slots_set(run(ValidateCancelAppointmentForm(), dispatcher, tracker, domain))
    assert slots["appointment_reference"] == reference
    assert slots["appointment_details"]["reference"] == reference


def test_a_reference_known_from_the_booking_is_kept_when_cancelling(make_tracker, dispatcher, domain):
    tracker = form_tracker(make_tracker, "cancel_appointment_form", None, "je veux annuler mon rendez-vous",
                           "cancel_appointment", slots={"appointment_reference": "RDV-2026-00001"})
    tracker.active_loop = {}
    slots = slots_set(run(ValidateCancelAppointmentForm(), dispatcher, tracker, domain))
    assert slots.get("appointment_reference", "RDV-2026-00001") == "RDV-2026-00001"
    assert "Je n'ai pas trouvé de référence" not in texts(dispatcher)
