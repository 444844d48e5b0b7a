"""Street resolution: one clear street, several (buttons "Laquelle ?"), none, or a failure."""

import json

from actions.streets import StreetLookup, lookup_street, street_buttons, validate_street_answer
from actions.territory_forms import ABORTED_SLOT, RETRIES_SLOT
from tests.actions.territory_support import all_text, assert_button_rules, buttons, call


def test_the_only_perfect_match_is_kept(backoffice_client):
    found = call(lookup_street("rue pasteur"))
    assert found.name == "rue Pasteur" and found.sector == "ouest"


def test_close_candidates_are_offered_when_none_is_clear(backoffice_client):
    found = call(lookup_street("curie"))
    assert not found.found
    assert found.candidates == ["rue Marie Curie", "rue Pierre et Marie Curie"]


def test_a_type_alone_is_too_vague(backoffice_client):
    found = call(lookup_street("rue des"))
    assert found.too_vague and not found.found


def test_typo_and_house_number_are_matched_by_the_back_office(backoffice_client):
    found = call(lookup_street("12 rue victr hugo"))
    assert found.name == "rue Victor Hugo"


def test_unknown_street_has_no_candidate(backoffice_client):
    found = call(lookup_street("rue Xqztwvk"))
    assert not found.found and found.candidates == []


def test_empty_query_is_not_sent():
    assert call(lookup_street("   ")) == StreetLookup("")


def test_buttons_carry_the_official_name_as_an_entity():
    payload = street_buttons(["rue de l'Église"])[0]["payload"]
    assert payload.startswith("/inform")
    assert json.loads(payload[len("/inform"):]) == {"street": "rue de l'Église"}


def test_form_answer_resolved_to_the_official_name(backoffice_client, dispatcher, make_tracker):
    result = call(validate_street_answer("waste_street", "12 Rue Victor-Hugo", make_tracker(), dispatcher))
    assert result == {"waste_street": "rue Victor Hugo", RETRIES_SLOT: None}
    assert dispatcher.messages == []


def test_ambiguous_answer_asks_which_one_with_buttons(backoffice_client, dispatcher, make_tracker):
    result = call(validate_street_answer("waste_street", "curie", make_tracker(), dispatcher))
    assert result["waste_street"] is None and result[RETRIES_SLOT] == 1
    assert "Laquelle" in all_text(dispatcher)
    titles = [b["title"] for b in buttons(dispatcher)]
    assert "rue Marie Curie" in titles
    assert_button_rules(dispatcher)


def test_third_wrong_answer_stops_the_form(backoffice_client, dispatcher, make_tracker):
    tracker = make_tracker(slots={RETRIES_SLOT: 2.0})
    result = call(validate_street_answer("waste_street", "zzzz qqqq", tracker, dispatcher))
    assert result[ABORTED_SLOT] is True
    assert buttons(dispatcher)[-1]["payload"] == "/human_handoff"


def test_back_office_down_stops_the_form_and_says_nothing_was_done(backoffice_down, dispatcher,
                                                                   make_tracker):
    result = call(validate_street_answer("bulky_street", "rue Victor Hugo", make_tracker(), dispatcher,
                                         "aucun enlèvement n'a été réservé"))
    assert result[ABORTED_SLOT] is True
    text = all_text(dispatcher)
    assert "ne répond pas" in text and "Aucun enlèvement n'a été réservé" in text


def test_question_not_repeated_after_the_validation_asked_again(dispatcher, make_tracker, domain):
    from actions.territory_forms import ASK_ACTIONS
    from tests.conftest import user_event
    from tests.actions.territory_support import run
    ask = ASK_ACTIONS["waste_street"]()
    rejected = make_tracker([user_event("curie", "inform"),
                             {"event": "slot", "name": RETRIES_SLOT, "value": 1.0}])
    run(ask, dispatcher, rejected, domain)
    assert dispatcher.messages == []
    accepted = make_tracker([user_event("rue Pasteur", "inform"),
                             {"event": "slot", "name": RETRIES_SLOT, "value": None}])
    run(ask, dispatcher, accepted, domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_ask_waste_street"]
    assert ask.name() == "action_ask_waste_street" and "utter_ask_waste_street" in domain["responses"]


# -- another request in the middle of a form (shared by every territory form) ---------------
def asked_then_said(make_tracker, text, intent, confidence=0.95):
    from tests.conftest import user_event
    return make_tracker([{"event": "action", "name": "bulky_waste_form"},
                         {"event": "action", "name": "action_listen"},
                         user_event(text, intent, confidence=confidence)],
                        slots={"requested_slot": "bulky_items"}, active_loop={"name": "bulky_waste_form"})


def test_another_request_stops_the_form_for_its_own_flow(dispatcher, make_tracker, domain):
    from actions.territory_forms import OTHER_REQUEST, STOP_SLOT
    from actions.waste.bulky import ValidateBulkyWasteForm
    from tests.actions.territory_support import run, slots_set
    tracker = asked_then_said(make_tracker, "la mairie ferme à quelle heure ?", "opening_hours")
    slots = slots_set(run(ValidateBulkyWasteForm(), dispatcher, tracker, domain))
    assert slots[ABORTED_SLOT] is True and slots[STOP_SLOT] == OTHER_REQUEST and slots["requested_slot"] is None
    assert dispatcher.messages == []


def test_answers_and_unsure_guesses_are_not_other_requests(make_tracker):
    from actions.waste.bulky import ValidateBulkyWasteForm
    form = ValidateBulkyWasteForm()
    assert not form.is_other_request(asked_then_said(make_tracker, "un canapé", "inform"))
    assert not form.is_other_request(asked_then_said(make_tracker, "un frigo", "waste_sorting"))
    assert not form.is_other_request(asked_then_said(make_tracker, "une table", "opening_hours", 0.4))
    assert form.is_other_request(asked_then_said(make_tracker, "/report_issue", "report_issue", 1.0))


def test_asking_for_a_person_always_stops_the_form_whatever_the_confidence(make_tracker):
    from actions.waste.bulky import ValidateBulkyWasteForm
    tracker = asked_then_said(make_tracker, "un humain svp", "human_handoff", confidence=0.3)
    assert ValidateBulkyWasteForm().is_other_request(tracker)


def test_bus_stop_names_are_answers_whatever_their_intent(make_tracker):
    from actions.transport import ValidateBusDeparturesForm
    from tests.conftest import user_event
    tracker = make_tracker([{"event": "action", "name": "action_listen"},
                            user_event("Déchetterie", "recycling_center", confidence=0.97)],
                           slots={"requested_slot": "bus_stop"}, active_loop={"name": "bus_departures_form"})
    assert not ValidateBusDeparturesForm().is_other_request(tracker)


def test_no_second_check_after_the_other_request_was_answered(make_tracker):
    from actions.territory_forms import fresh_message
    from tests.conftest import user_event
    tracker = make_tracker([user_event("horaires ?", "opening_hours"),
                            {"event": "action", "name": "action_opening_hours"},
                            {"event": "action", "name": "bulky_waste_form"}])
    assert not fresh_message(tracker, "bulky_waste_form")
