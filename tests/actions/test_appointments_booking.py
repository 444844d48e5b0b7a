"""Booking an appointment against the real back office: the form's answers, the slots
offered (and why a wish cannot be met), the booking itself and its failures."""

from datetime import timedelta

import pytest

from actions.appointments.booking import (ActionAskAppointmentConfirmed, ActionAskProcedure,
                                          ActionBookAppointment, ValidateAppointmentForm)
from actions.appointments.choosing import ActionAskAppointmentStart, ActionAskAppointmentWish
from actions.citizen_forms import NO_PHONE, ActionStopForm
from actions.dates import paris_today, parse_date_wish
from tests.actions.flow_support import (buttons, entity, form_tracker, free_starts, has_event,
                                        next_weekday, run, sender, slots_set, texts)

FORM = "appointment_form"


def validate(make_tracker, dispatcher, domain, requested, text, intent, **kwargs):
    tracker = form_tracker(make_tracker, FORM, requested, text, intent, **kwargs)
    return slots_set(run(ValidateAppointmentForm(), dispatcher, tracker, domain))


def wish_slot(text):
    return parse_date_wish(text).to_slot()


# ----------------------------------------------------------------- the form's answers

def test_everything_in_the_first_message_is_taken(backoffice_client, make_tracker, dispatcher, domain):
    slots = validate(make_tracker, dispatcher, domain, None, "rdv passeport mardi prochain le matin",
                     "book_appointment",
                     entities=[entity("procedure", "passeport"), entity("date", "mardi prochain"),
                               entity("time", "le matin")],
                     extracted={"procedure": "passeport"})
    assert slots["procedure"] == "passeport"
    assert slots["appointment_wish"]["part_of_day"] == "matin"
    # "mardi prochain" is the Tuesday of next week (weeks start on Monday), also said on a Sunday
    assert slots["appointment_wish"]["earliest"] == (next_weekday(0) + timedelta(days=1)).isoformat()


@pytest.mark.parametrize("intent", ["deny", "inform", "affirm"])
def test_a_date_change_at_the_summary_drops_the_chosen_slot(backoffice_client, make_tracker,
                                                            dispatcher, domain, intent):
    tuesday = next_weekday(1)
    slots = validate(make_tracker, dispatcher, domain, "appointment_confirmed", "non, plutôt jeudi",
                     intent, entities=[entity("date", "jeudi")],
                     slots={"procedure": "passeport", "appointment_wish": wish_slot("mardi"),
                            "appointment_start": f"{tuesday.isoformat()}T09:00:00+01:00"})
    assert slots["appointment_wish"]["earliest"] == next_weekday(3).isoformat()
    assert slots["appointment_start"] is None and slots["appointment_confirmed"] is None
    assert "Répondez" not in texts(dispatcher)  # a change is not a wrong answer


def test_only_a_part_of_the_day_keeps_the_day_already_asked(backoffice_client, make_tracker,
                                                           dispatcher, domain):
    slots = validate(make_tracker, dispatcher, domain, "appointment_start", "plutôt l'après-midi",
                     "inform", entities=[entity("time", "l'après-midi")],
                     slots={"procedure": "passeport", "appointment_wish": wish_slot("jeudi")})
    assert slots["appointment_wish"]["earliest"] == next_weekday(3).isoformat()
    assert slots["appointment_wish"]["part_of_day"] == "après-midi"


def test_a_new_procedure_drops_slots_offered_for_the_old_one(backoffice_client, make_tracker,
                                                             dispatcher, domain):
    slots = validate(make_tracker, dispatcher, domain, "citizen_name",
                     "en fait c'est pour un passeport", "inform",
                     entities=[entity("procedure", "passeport")],
                     slots={"appointment_offer": {"procedure": "carte_identite", "starts": []},
                            "appointment_start": "2030-01-07T09:00:00+01:00"},
                     extracted={"procedure": "passeport"})
    assert slots["procedure"] == "passeport"
    assert slots["appointment_start"] is None


def test_a_procedure_that_cannot_be_booked_is_refused(backoffice_client, make_tracker, dispatcher, domain):
    slots = validate(make_tracker, dispatcher, domain, "procedure", "pour la piscine", "inform",
                     extracted={"procedure": "piscine"})
    assert slots["procedure"] is None
    assert "ne se réserve pas en ligne" in texts(dispatcher)


def test_an_impossible_date_is_explained_and_asked_again(backoffice_client, make_tracker,
                                                         dispatcher, domain):
    slots = validate(make_tracker, dispatcher, domain, "appointment_wish", "le 31 février", "inform",
                     entities=[entity("date", "le 31 février")], slots={"procedure": "passeport"})
    assert slots["appointment_wish"] is None
    assert "Le 31 février n'existe pas" in texts(dispatcher)


def test_a_past_date_is_explained(backoffice_client, make_tracker, dispatcher, domain):
    slots = validate(make_tracker, dispatcher, domain, "appointment_wish", "hier", "inform",
                     slots={"procedure": "passeport"})
    assert slots["appointment_wish"] is None and "passée" in texts(dispatcher)


def test_contact_details_are_checked(backoffice_client, make_tracker, dispatcher, domain):
    assert validate(make_tracker, dispatcher, domain, "citizen_name", "je m'appelle claire martin",
                    "inform")["citizen_name"] == "Claire Martin"
    assert validate(make_tracker, dispatcher, domain, "citizen_email", "claire.martin@gmail",
                    "inform")["citizen_email"] is None
    assert "semble incomplète" in texts(dispatcher)
    assert validate(make_tracker, dispatcher, domain, "citizen_email", "c'est Claire.Martin@Example.fr",
                    "inform")["citizen_email"] == "claire.martin@example.fr"
    assert validate(make_tracker, dispatcher, domain, "citizen_phone", "0612345678",
                    "inform")["citizen_phone"] == "06 12 34 56 78"
    assert validate(make_tracker, dispatcher, domain, "citizen_phone", "/deny",
                    "deny")["citizen_phone"] == NO_PHONE


def test_a_name_that_is_not_one_is_asked_again(backoffice_client, make_tracker, dispatcher, domain):
    slots = validate(make_tracker, dispatcher, domain, "citizen_name", "<script>alert(1)</script>",
                     "nlu_fallback")
    assert slots["citizen_name"] is None and "ne semble pas valide" in texts(dispatcher)


def test_no_at_the_summary_lets_the_rules_drop_the_form(backoffice_client, make_tracker,
                                                        dispatcher, domain):
    slots = validate(make_tracker, dispatcher, domain, "appointment_confirmed", "non", "deny")
    assert slots == {}  # nothing extracted: the form is rejected and the deny rule stops it


def test_yes_at_the_summary_confirms(backoffice_client, make_tracker, dispatcher, domain):
    assert validate(make_tracker, dispatcher, domain, "appointment_confirmed", "oui",
                    "affirm")["appointment_confirmed"] is True


def test_stopping_the_form_says_nothing_was_booked(dispatcher, make_tracker, domain):
    tracker = make_tracker([], active_loop={"name": FORM})
    events = run(ActionStopForm(), dispatcher, tracker, domain)
    assert has_event(events, "active_loop", None)
    assert slots_set(events)["appointment_start"] is None
    assert "je n'ai pris aucun rendez-vous" in texts(dispatcher)


# ----------------------------------------------------------------- questions asked

def test_the_procedures_offered_come_from_the_back_office(backoffice_client, make_tracker,
                                                          dispatcher, domain):
    run(ActionAskProcedure(), dispatcher, make_tracker([]), domain)
    codes = {p["code"] for p in backoffice_client.get("/procedures") if p["bookable"]}
    payloads = " ".join(b["payload"] for b in buttons(dispatcher))
    assert codes and all(f'"{code}"' in payloads for code in codes)
    assert all(len(b["title"]) <= 20 for b in buttons(dispatcher))


def test_procedures_are_still_offered_when_the_back_office_is_down(backoffice_down, make_tracker,
                                                                   dispatcher, domain):
    run(ActionAskProcedure(), dispatcher, make_tracker([]), domain)
    assert '"passeport"' in " ".join(b["payload"] for b in buttons(dispatcher))


def test_the_date_question_suggests_answers(make_tracker, dispatcher, domain):
    run(ActionAskAppointmentWish(), dispatcher, make_tracker([]), domain)
    assert "Quel jour" in texts(dispatcher) and len(buttons(dispatcher)) == 3


def ask_slots(make_tracker, dispatcher, domain, procedure, wish_text):
    tracker = make_tracker([], slots={"procedure": procedure, "appointment_wish": wish_slot(wish_text)})
    return slots_set(run(ActionAskAppointmentStart(), dispatcher, tracker, domain))


def test_free_slots_are_offered_as_buttons(backoffice_client, make_tracker, dispatcher, domain):
    day = next_weekday(1, paris_today() + timedelta(days=2))
    slots = ask_slots(make_tracker, dispatcher, domain, "passeport", f"le {day.day}/{day.month} matin")
    offered = slots["appointment_offer"]["starts"]
    assert 1 <= len(offered) <= 6
    assert all(start.startswith(day.isoformat()) and int(start[11:13]) < 12 for start in offered)
    assert all(len(b["title"]) <= 20 and b["payload"].startswith('/inform{"time": ') for b in buttons(dispatcher))


def test_a_sunday_is_explained_and_the_next_slots_offered(backoffice_client, make_tracker,
                                                          dispatcher, domain):
    sunday = next_weekday(6, paris_today() + timedelta(days=2))
    slots = ask_slots(make_tracker, dispatcher, domain, "passeport", f"le {sunday.day}/{sunday.month}")
    assert "ne reçoit pas le dimanche" in texts(dispatcher)
    assert "Voici les prochains créneaux disponibles" in texts(dispatcher)
    assert all(start > sunday.isoformat() for start in slots["appointment_offer"]["starts"])


def test_a_public_holiday_gives_the_back_office_reason(backoffice_client, make_tracker,
                                                       dispatcher, domain):
    first = paris_today() + timedelta(days=2)
    closed = []
    for offset in range(0, 88, 31):
        start = first + timedelta(days=offset)
        body = backoffice_client.get("/slots", procedure="passeport", start=start.isoformat(),
                                     end=(start + timedelta(days=30)).isoformat())
        closed += [d for d in body["closed_days"] if "férié" in d["reason"]]
    assert closed, "the demo calendar has public holidays within the booking horizon"
    holiday = closed[0]
    day = holiday["date"]
    ask_slots(make_tracker, dispatcher, domain, "passeport", f"le {day[8:10]}/{day[5:7]}/{day[:4]}")
    assert holiday["reason"] in texts(dispatcher)
    assert buttons(dispatcher)


def test_a_date_beyond_the_booking_horizon_is_explained(backoffice_client, make_tracker,
                                                        dispatcher, domain):
    far = paris_today() + timedelta(days=200)
    ask_slots(make_tracker, dispatcher, domain, "passeport", f"le {far.day}/{far.month}/{far.year}")
    assert "ouverts jusqu'au" in texts(dispatcher) and buttons(dispatcher)


def test_slots_cannot_be_offered_when_the_back_office_is_down(backoffice_down, make_tracker,
                                                              dispatcher, domain):
    slots = ask_slots(make_tracker, dispatcher, domain, "passeport", "jeudi")
    assert "ne répond pas" in texts(dispatcher) and "Aucun rendez-vous n'a été réservé" in texts(dispatcher)
    assert slots["appointment_offer"] is None


def test_a_slot_is_chosen_by_button_or_by_typing_its_time(backoffice_client, make_tracker,
                                                          dispatcher, domain):
    starts = [s.isoformat() for s in free_starts(backoffice_client, "passeport")[:3]]
    offer = {"procedure": "passeport", "starts": starts}
    clicked = validate(make_tracker, dispatcher, domain, "appointment_start", "/inform", "inform",
                       entities=[entity("time", starts[1])], slots={"appointment_offer": offer})
    assert clicked["appointment_start"] == starts[1]
    hour, minute = int(starts[2][11:13]), starts[2][14:16]
    typed = validate(make_tracker, dispatcher, domain, "appointment_start",
                     f"celui de {hour}h{minute}", "inform", slots={"appointment_offer": offer})
    assert typed["appointment_start"] == starts[2]


@pytest.mark.parametrize("answer, index", [("le deuxième", 1), ("la première", 0), ("le 3e", 2),
                                           ("je prends le dernier", 2), ("le 2nd créneau", 1)])
def test_a_slot_is_chosen_by_its_rank(backoffice_client, make_tracker, dispatcher, domain,
                                      answer, index):
    starts = [s.isoformat() for s in free_starts(backoffice_client, "passeport")[:3]]
    offer = {"procedure": "passeport", "starts": starts}
    chosen = validate(make_tracker, dispatcher, domain, "appointment_start", answer, "inform",
                      slots={"appointment_offer": offer})
    assert chosen["appointment_start"] == starts[index]


def test_a_rank_beyond_the_offer_is_not_a_choice(backoffice_client, make_tracker, dispatcher,
                                                 domain):
    starts = [s.isoformat() for s in free_starts(backoffice_client, "passeport")[:2]]
    chosen = validate(make_tracker, dispatcher, domain, "appointment_start", "le 5e", "inform",
                      slots={"appointment_offer": {"procedure": "passeport", "starts": starts}})
    assert chosen.get("appointment_start") is None
    assert "Je n'ai pas reconnu ce créneau" in texts(dispatcher)


def test_the_summary_shows_what_will_be_booked(make_tracker, dispatcher, domain):
    tracker = make_tracker([], slots={"procedure": "passeport", "appointment_start": "2030-01-08T09:30:00+01:00",
                                      "citizen_name": "Claire Martin", "citizen_email": "c@example.fr",
                                      "citizen_phone": NO_PHONE})
    run(ActionAskAppointmentConfirmed(), dispatcher, tracker, domain)
    said = texts(dispatcher)
    assert "mardi 8 janvier 2030 à 9 h 30" in said and "Claire Martin" in said
    assert "Téléphone" not in said
    assert [b["payload"] for b in buttons(dispatcher)] == ["/affirm", "/deny"]


# ----------------------------------------------------------------- booking


def booking_tracker(make_tracker, start, sender_id, **extra):
    slots = {"procedure": "passeport", "appointment_start": start, "citizen_name": "Claire Martin",
             "citizen_email": "claire.martin@example.fr", "citizen_phone": "06 12 34 56 78",
             "appointment_confirmed": True, **extra}
    return make_tracker([], slots=slots, sender_id=sender_id)


def test_a_confirmed_appointment_is_booked_once(backoffice_client, make_tracker, domain):
    from rasa_sdk.executor import CollectingDispatcher
    start = free_starts(backoffice_client, "passeport")[0].isoformat()
    conversation = sender("book")
    first, again = CollectingDispatcher(), CollectingDispatcher()
    events = run(ActionBookAppointment(), first, booking_tracker(make_tracker, start, conversation,
                                                                 id_situation="perte"), domain)
    reference = slots_set(events)["appointment_reference"]
    assert reference.startswith("RDV-")
    said = texts(first)
    assert reference in said and "C'est réservé" in said and "Villebrune" in said
    assert "Déclaration de perte" in said  # the documents of the situation given earlier
    assert slots_set(events)["appointment_start"] is None
    # the same request again (a retry) returns the same appointment, not a second one
    events = run(ActionBookAppointment(), again, booking_tracker(make_tracker, start, conversation), domain)
    assert slots_set(events)["appointment_reference"] == reference


def test_documents_depend_on_the_situation_when_it_is_unknown(backoffice_client, make_tracker, dispatcher, domain):
    start = free_starts(backoffice_client, "carte_identite")[0].isoformat()
    run(ActionBookAppointment(), dispatcher,
        booking_tracker(make_tracker, start, sender("book"), procedure="carte_identite"), domain)
    assert "dépendent de votre situation" in texts(dispatcher)
    assert any('"id_situation": "renouvellement"' in b["payload"] for b in buttons(dispatcher))


def test_a_slot_taken_meanwhile_offers_other_slots(backoffice_client, make_tracker, dispatcher, domain):
    start = free_starts(backoffice_client, "mariage")[0].isoformat()  # one counter only
    backoffice_client.post("/appointments", {"procedure": "mariage", "start": start, "name": "Paul Roux",
                                             "email": "paul.roux@example.fr"}, idempotency=sender("other"))
    events = run(ActionBookAppointment(), dispatcher,
                 booking_tracker(make_tracker, start, sender("book"), procedure="mariage"), domain)
    assert "n'est plus disponible" in texts(dispatcher)
    assert "Aucun rendez-vous n'a été pris" in texts(dispatcher)
    assert slots_set(events)["appointment_start"] is None
    assert has_event(events, "followup", FORM)


def test_nothing_is_booked_when_the_back_office_is_down(backoffice_down, make_tracker, dispatcher, domain):
    events = run(ActionBookAppointment(), dispatcher,
                 booking_tracker(make_tracker, "2030-01-08T09:30:00+01:00", sender("book")), domain)
    assert "Votre rendez-vous n'a pas été enregistré" in texts(dispatcher)
    assert "RDV-" not in texts(dispatcher)
    assert slots_set(events) == {"appointment_confirmed": None}
    assert any(b["payload"] == "/book_appointment" for b in buttons(dispatcher))


def test_nothing_is_booked_without_confirmation(make_tracker, dispatcher, domain):
    tracker = booking_tracker(make_tracker, "2030-01-08T09:30:00+01:00", sender("book"),
                              appointment_confirmed=None)
    run(ActionBookAppointment(), dispatcher, tracker, domain)
    assert "Je n'ai pas réservé" in texts(dispatcher)


def test_every_response_and_action_used_is_in_the_domain(domain):
    for name in ("action_ask_procedure", "action_ask_appointment_wish", "action_ask_appointment_start",
                 "action_ask_appointment_confirmed", "action_book_appointment", "action_stop_form",
                 "validate_appointment_form"):
        assert name in domain["actions"]
    for name in ("utter_ask_citizen_name", "utter_ask_citizen_email", "utter_ask_citizen_phone"):
        assert name in domain["responses"]
    assert domain["forms"][FORM]["required_slots"][0] == "procedure"
