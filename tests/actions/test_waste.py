"""Waste flows against the real back office: collection days, bulky-waste booking, recycling
centre, sorting guide and bin requests; and what happens when the back office is down."""

import pytest

from actions.territory_forms import ABORTED_SLOT, RETRIES_SLOT, SKIPPED
from actions.waste.bins import ActionAskBinConfirm, ActionSubmitBinRequest, ValidateBinRequestForm
from actions.waste.bulky import (ActionAskBulkyConfirm, ActionAskBulkyStreet, ActionSubmitBulkyWaste,
                                 ValidateBulkyWasteForm, split_items)
from actions.waste.recycling import ActionRecyclingCenter
from actions.waste.schedule import (ActionWasteCollectionSchedule, ValidateWasteScheduleForm,
                                    asked_waste_type, schedule_text)
from actions.waste.sorting import ActionWasteSorting, ValidateWasteSortingForm
from tests.actions.territory_support import (all_text, assert_button_rules, buttons, call, run, said,
                                             slots_set)
from tests.conftest import user_event

BOOKING = {"bulky_street": "rue Victor Hugo", "bulky_address_details": "n° 12", "bulky_booking": True,
           "bulky_items": ["canapé", "matelas"], "bulky_name": "Jeanne Dupont",
           "bulky_email": "jeanne.dupont@example.fr", "bulky_phone": SKIPPED, "bulky_confirm": True}


# -- collection days -----------------------------------------------------------------
def test_typo_in_the_street_is_resolved(backoffice_client, dispatcher, make_tracker, domain):
    result = call(ValidateWasteScheduleForm().validate_waste_street("14 rue des lilsa", dispatcher,
                                                                    make_tracker(), domain))
    assert result["waste_street"] == "rue des Lilas"


def test_every_waste_type_with_its_next_dates(backoffice_client, dispatcher, make_tracker, domain):
    tracker = make_tracker([said("jour de collecte rue victor hugo", "waste_collection_schedule",
                                 street="rue victor hugo")], slots={"waste_street": "rue Victor Hugo"})
    events = run(ActionWasteCollectionSchedule(), dispatcher, tracker, domain)
    body = backoffice_client.get("/waste/collections", street="rue Victor Hugo")
    text = all_text(dispatcher)
    assert text.startswith(f"Rue Victor Hugo ({body['sector_name'].lower()})")
    for collection in body["collections"]:
        assert f"• {collection['name']} : " in text
    assert slots_set(events)["waste_street"] is None


def test_only_the_waste_type_asked(backoffice_client, dispatcher, make_tracker, domain):
    events = [said("c'est quand le verre ?", "waste_collection_schedule", waste_type="verre"),
              said("rue des roses", "inform", street="rue des roses")]
    tracker = make_tracker(events, slots={"waste_street": "rue des Roses"})
    assert asked_waste_type(tracker) == "verre"
    run(ActionWasteCollectionSchedule(), dispatcher, tracker, domain)
    text = all_text(dispatcher)
    assert "• Verre : " in text and "Ordures ménagères" not in text


def test_holiday_shift_is_explained(backoffice_client):
    body = backoffice_client.get("/waste/collections", street="rue des Roses", **{"from": "2026-12-21"})
    shifted = [d for c in body["collections"] for d in c["dates"] if d["shifted_from"]]
    assert shifted, "the demo data shifts Christmas collections"
    assert "est férié (Noël) : collecte reportée" in schedule_text(body, None)


def test_collection_days_when_the_back_office_is_down(backoffice_down, dispatcher, make_tracker, domain):
    tracker = make_tracker([said("rue victor hugo", "inform")], slots={"waste_street": "rue Victor Hugo"})
    run(ActionWasteCollectionSchedule(), dispatcher, tracker, domain)
    assert "ne répond pas" in all_text(dispatcher)


def test_stopped_form_says_nothing_more(dispatcher, make_tracker, domain):
    tracker = make_tracker(slots={ABORTED_SLOT: True})
    events = run(ActionWasteCollectionSchedule(), dispatcher, tracker, domain)
    assert dispatcher.messages == [] and slots_set(events)[ABORTED_SLOT] is None


# -- bulky waste -----------------------------------------------------------------------
def test_street_gives_the_next_rounds_and_what_is_accepted(backoffice_client, dispatcher, make_tracker,
                                                           domain):
    result = call(ValidateBulkyWasteForm().validate_bulky_street("12 rue victor hugo", dispatcher,
                                                                 make_tracker(), domain))
    assert result["bulky_street"] == "rue Victor Hugo" and result["bulky_address_details"] == "n° 12"
    rounds = backoffice_client.get("/waste/bulky-rounds", street="rue Victor Hugo")
    text = all_text(dispatcher)
    assert "prochaine tournée des encombrants le" in text
    assert rounds["accepted"][0] in text and rounds["refused"][0] in text


def test_items_are_split_and_bounded():
    assert split_items("un canapé, 2 chaises et un matelas") == ["un canapé", "2 chaises", "un matelas"]
    assert split_items("   ") == []


def test_too_many_items_are_refused(dispatcher, make_tracker, domain):
    text = ", ".join(f"objet {n}" for n in range(25))
    result = call(ValidateBulkyWasteForm().validate_bulky_items(text, dispatcher, make_tracker(), domain))
    assert result["bulky_items"] is None and "au plus 20" in all_text(dispatcher)


@pytest.mark.parametrize("method,value,expected", [
    ("validate_bulky_name", "je m'appelle Jeanne Dupont", "Jeanne Dupont"),
    ("validate_bulky_name", "jeanne@example.fr", None),
    ("validate_bulky_name", "12345", None),
    ("validate_bulky_email", "c'est jeanne.dupont@example.fr", "jeanne.dupont@example.fr"),
    ("validate_bulky_email", "jeanne arobase example", None),
    ("validate_bulky_phone", "06 12 34 56 78", "06 12 34 56 78"),
    ("validate_bulky_phone", "non merci", SKIPPED),
    ("validate_bulky_phone", "123", None),
])
def test_contact_answers(dispatcher, make_tracker, domain, method, value, expected):
    slot = method.replace("validate_", "")
    result = call(getattr(ValidateBulkyWasteForm(), method)(value, dispatcher, make_tracker(), domain))
    assert result[slot] == expected
    assert (dispatcher.messages == []) == (expected is not None)


def test_no_booking_wanted_ends_the_form_early(make_tracker):
    tracker = make_tracker(slots={"bulky_street": "rue Victor Hugo", "bulky_booking": False})
    assert ValidateBulkyWasteForm().active_slots(tracker) == ["bulky_street", "bulky_booking"]


def test_summary_before_confirmation(dispatcher, make_tracker, domain):
    run(ActionAskBulkyConfirm(), dispatcher, make_tracker(slots=BOOKING), domain)
    text = all_text(dispatcher)
    assert "n° 12 rue Victor Hugo" in text and "canapé, matelas" in text and "Jeanne Dupont" in text
    assert [b["payload"] for b in buttons(dispatcher)] == ["/affirm", "/deny"]


def test_booking_gives_a_reference_and_the_date_and_never_books_twice(backoffice_client, make_tracker,
                                                                      domain):
    from rasa_sdk.executor import CollectingDispatcher
    first, second = CollectingDispatcher(), CollectingDispatcher()
    tracker = make_tracker([user_event("oui", "affirm")], slots=BOOKING, sender_id="bulky-citizen")
    events = run(ActionSubmitBulkyWaste(), first, tracker, domain)
    run(ActionSubmitBulkyWaste(), second, tracker, domain)
    text = all_text(first)
    assert "C'est réservé" in text and "Enlèvement le " in text
    reference = text.split("Votre référence : ")[1].split(".")[0]
    assert reference.startswith("DEC-")
    assert f"Votre référence : {reference}." in all_text(second)
    assert slots_set(events)["bulky_items"] is None


def test_refusal_says_nothing_was_booked(backoffice_client, dispatcher, make_tracker, domain):
    tracker = make_tracker([user_event("oui", "affirm")], slots={**BOOKING, "bulky_street": "rue Xqztwvk"})
    run(ActionSubmitBulkyWaste(), dispatcher, tracker, domain)
    text = all_text(dispatcher)
    assert "n'a pas été enregistrée" in text and "DEC-" not in text


def test_cancelled_booking_is_not_made(backoffice_down, dispatcher, make_tracker, domain):
    run(ActionSubmitBulkyWaste(), dispatcher, make_tracker(slots={**BOOKING, "bulky_confirm": False}), domain)
    assert "aucun enlèvement n'a été réservé" in all_text(dispatcher)


def test_street_question_comes_with_every_sectors_rounds(backoffice_client, dispatcher, make_tracker,
                                                         domain):
    run(ActionAskBulkyStreet(), dispatcher, make_tracker([said("encombrants", "bulky_waste")]), domain)
    body = backoffice_client.get("/waste/bulky-rounds")
    text = all_text(dispatcher)
    for sector in body["sectors"]:
        assert sector["sector_name"] in text
    assert "1er mardi du mois" in text and "(prochaine le " in text
    assert dispatcher.messages[-1]["response"] == "utter_ask_bulky_street"


def test_street_question_alone_when_the_back_office_is_down(backoffice_down, dispatcher, make_tracker,
                                                            domain):
    run(ActionAskBulkyStreet(), dispatcher, make_tracker([said("encombrants", "bulky_waste")]), domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_ask_bulky_street"]


def test_booking_when_the_back_office_is_down(backoffice_down, dispatcher, make_tracker, domain):
    run(ActionSubmitBulkyWaste(), dispatcher, make_tracker(slots=BOOKING), domain)
    text = all_text(dispatcher)
    assert "ne répond pas" in text and "Votre demande d'enlèvement n'a pas été enregistrée" in text
    assert buttons(dispatcher)[-1]["payload"] == "/human_handoff"


# -- recycling centre --------------------------------------------------------------------
def test_recycling_centre_open_or_next_opening(backoffice_client, dispatcher, make_tracker, domain):
    run(ActionRecyclingCenter(), dispatcher, make_tracker([said("la déchetterie est ouverte ?",
                                                                "recycling_center")]), domain)
    centre = backoffice_client.get("/waste/recycling-center")
    text = all_text(dispatcher)
    assert f"{centre['name']} : {centre['status']['summary']}" in text and centre["address"] in text
    assert_button_rules(dispatcher)


def test_recycling_centre_badge(backoffice_client, dispatcher, make_tracker, domain):
    run(ActionRecyclingCenter(), dispatcher, make_tracker([said("comment avoir le badge ?",
                                                                "recycling_center")]), domain)
    assert backoffice_client.get("/waste/recycling-center")["badge"].strip() in all_text(dispatcher)


def test_recycling_centre_down(backoffice_down, dispatcher, make_tracker, domain):
    run(ActionRecyclingCenter(), dispatcher, make_tracker([said("déchetterie", "recycling_center")]), domain)
    assert "ne répond pas" in all_text(dispatcher)


# -- sorting -----------------------------------------------------------------------------
def test_known_item_is_kept(backoffice_client, dispatcher, make_tracker, domain):
    result = call(ValidateWasteSortingForm().validate_sorting_item("piles", dispatcher, make_tracker(), domain))
    assert result["sorting_item"] == "piles"


def test_vague_item_offers_choices(backoffice_client, dispatcher, make_tracker, domain):
    result = call(ValidateWasteSortingForm().validate_sorting_item("pot", dispatcher, make_tracker(), domain))
    assert result["sorting_item"] is None and result[RETRIES_SLOT] == 1
    assert {"pot de yaourt", "pot en verre"} <= {b["title"] for b in buttons(dispatcher)}


def test_unknown_item_is_asked_again(backoffice_client, dispatcher, make_tracker, domain):
    result = call(ValidateWasteSortingForm().validate_sorting_item("xqzt", dispatcher, make_tracker(), domain))
    assert result["sorting_item"] is None and "Je ne connais pas « xqzt »" in all_text(dispatcher)


def test_sorting_answer_with_its_follow_up(backoffice_client, dispatcher, make_tracker, domain):
    run(ActionWasteSorting(), dispatcher, make_tracker(slots={"sorting_item": "canapé"}), domain)
    match = backoffice_client.get("/waste/sorting", item="canapé")["matches"][0]
    assert all_text(dispatcher).startswith(f"Canapé : {match['bin_name']}.")
    assert buttons(dispatcher) == [{"title": "Réserver un enlèvement", "payload": "/bulky_waste"}]


def test_sorting_when_the_back_office_is_down(backoffice_down, dispatcher, make_tracker, domain):
    result = call(ValidateWasteSortingForm().validate_sorting_item("piles", dispatcher, make_tracker(), domain))
    assert result[ABORTED_SLOT] is True and "ne répond pas" in all_text(dispatcher)


# -- bins --------------------------------------------------------------------------------
BIN = {"bin_problem": "casse", "bin_street": "rue Victor Hugo", "bin_name": "Jeanne Dupont",
       "bin_email": "jeanne.dupont@example.fr", "bin_confirm": True}


@pytest.mark.parametrize("answer, problem", [
    ("casse", "casse"), ("on me l'a volée", "vol"), ("il est trop petit", "plus_grand"),
    ("je viens d'emménager", "nouveau"), ("un nouveau bac, le mien est fendu", "casse")])
def test_bin_problem_from_a_button_or_words(answer, problem, dispatcher, make_tracker, domain):
    result = call(ValidateBinRequestForm().validate_bin_problem(answer, dispatcher, make_tracker(), domain))
    assert result["bin_problem"] == problem and all_text(dispatcher)


def test_unclear_bin_problem_is_asked_again_with_buttons(dispatcher, make_tracker, domain):
    result = call(ValidateBinRequestForm().validate_bin_problem("bonjour", dispatcher, make_tracker(), domain))
    assert result["bin_problem"] is None and result[RETRIES_SLOT] == 1
    assert [b["payload"] for b in buttons(dispatcher)][2] == '/inform{"bin_problem": "casse"}'


def test_bin_request_summary_then_recorded_once(backoffice_client, make_tracker, domain):
    from rasa_sdk.executor import CollectingDispatcher
    summary, first, second = CollectingDispatcher(), CollectingDispatcher(), CollectingDispatcher()
    tracker = make_tracker([user_event("oui", "affirm")], slots=BIN, sender_id="bin-citizen")
    run(ActionAskBinConfirm(), summary, tracker, domain)
    assert "Bac cassé" in all_text(summary) and "jeanne.dupont@example.fr" in all_text(summary)
    events = run(ActionSubmitBinRequest(), first, tracker, domain)
    run(ActionSubmitBinRequest(), second, tracker, domain)
    text = all_text(first)
    reference = text.split("Votre référence : ")[1].split(".")[0]
    assert reference.startswith("DEC-") and f"Votre référence : {reference}." in all_text(second)
    case = backoffice_client.post("/cases/lookup", {"reference": reference,
                                                    "email": "jeanne.dupont@example.fr"})
    assert (case["type"], case["status"]) == ("bac_casse", "recu")
    assert slots_set(events)["bin_problem"] is None


def test_cancelled_bin_request_is_not_recorded(backoffice_down, dispatcher, make_tracker, domain):
    run(ActionSubmitBinRequest(), dispatcher, make_tracker(slots={**BIN, "bin_confirm": False}), domain)
    assert "votre demande de bac n'a pas été enregistrée" in all_text(dispatcher)


def test_bin_request_when_the_back_office_is_down(backoffice_down, dispatcher, make_tracker, domain):
    run(ActionSubmitBinRequest(), dispatcher, make_tracker(slots=BIN), domain)
    text = all_text(dispatcher)
    assert "ne répond pas" in text and "Votre demande de bac n'a pas été enregistrée" in text
    assert "DEC-" not in text
