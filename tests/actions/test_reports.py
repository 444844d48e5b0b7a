"""Reports: emergency numbers first for a danger, the form's answers, the SIG-… reference;
and never a half-done report (cancelled, refused or back office down)."""

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.reports import (ActionAskReportConfirm, ActionStartReport, ActionSubmitReport,
                             ValidateReportForm, danger_numbers)
from actions.territory_forms import ABORTED_SLOT, SKIPPED
from tests.actions.territory_support import (all_text, assert_button_rules, buttons, call, run, said,
                                             slots_set)
from tests.conftest import user_event

REPORT = {"report_category": "voirie", "report_street": "rue Victor Hugo",
          "report_details": "au niveau du n° 12",
          "report_description": "Un nid-de-poule profond au milieu de la chaussée.",
          "report_contact": "jeanne.dupont@example.fr", "report_confirm": True}


@pytest.mark.parametrize("text,first", [
    ("ça sent le gaz dans la rue", "0 800 47 33 33"),
    ("un câble électrique est tombé sur le trottoir", "18"),
    ("il y a un blessé au carrefour", "15"),
    ("la rue est inondée", "18"),
])
def test_danger_words_give_the_right_numbers_first(text, first):
    numbers = danger_numbers(text, None)
    assert numbers[0] == first and "112" in numbers


def test_no_danger_no_numbers():
    assert danger_numbers("un lampadaire ne s'allume plus", "eclairage") == []


def test_danger_category_alone_gives_the_general_numbers():
    assert danger_numbers("c'est dangereux", "danger") == ["18", "112"]


def test_gas_gets_the_emergency_numbers_before_anything_else(backoffice_client, dispatcher, make_tracker,
                                                            domain):
    tracker = make_tracker([said("ça sent le gaz très fort rue Victor Hugo", "report_issue",
                                 issue_category="danger", street="rue Victor Hugo")])
    events = run(ActionStartReport(), dispatcher, tracker, domain)
    first = dispatcher.messages[0]["text"]
    assert first.startswith("⚠️ En cas de danger immédiat")
    assert first.index("0 800 47 33 33") < first.index("112")
    slots = slots_set(events)
    assert slots["urgency"] == "high" and slots["report_priority"] == "high"
    assert slots["report_description"] == "ça sent le gaz très fort rue Victor Hugo"


def test_emergency_numbers_are_given_even_when_the_back_office_is_down(backoffice_down, dispatcher,
                                                                      make_tracker, domain):
    run(ActionStartReport(), dispatcher, make_tracker([said("quelqu'un est blessé", "report_issue")]), domain)
    text = all_text(dispatcher)
    assert "• 15 — " in text and "• 18 — " in text and "• 112 — " in text


def test_ordinary_report_starts_fresh_without_urgency(dispatcher, make_tracker, domain):
    tracker = make_tracker([said("je voudrais signaler un problème", "report_issue")],
                           slots={"report_street": "rue Pasteur", "report_confirm": True})
    events = run(ActionStartReport(), dispatcher, tracker, domain)
    slots = slots_set(events)
    assert dispatcher.messages == []
    assert slots["report_street"] is None and slots["report_confirm"] is None and "urgency" not in slots


def test_category_from_a_free_answer(dispatcher, make_tracker, domain):
    result = call(ValidateReportForm().validate_report_category("le lampadaire", dispatcher, make_tracker(),
                                                                domain))
    assert result["report_category"] == "eclairage"


def test_unknown_category_offers_the_ten_categories(dispatcher, make_tracker, domain):
    result = call(ValidateReportForm().validate_report_category("bof", dispatcher, make_tracker(), domain))
    assert result["report_category"] is None and len(buttons(dispatcher)) == 10
    assert_button_rules(dispatcher)


def test_danger_chosen_later_still_gets_the_numbers_once(backoffice_client, dispatcher, make_tracker,
                                                          domain):
    result = call(ValidateReportForm().validate_report_category("danger", dispatcher, make_tracker(), domain))
    assert result["urgency"] == "high" and "• 18 — " in all_text(dispatcher)
    again = CollectingDispatcher()
    call(ValidateReportForm().validate_report_category("danger", again,
                                                        make_tracker(slots={"report_priority": "high"}), domain))
    assert again.messages == []


def test_house_number_becomes_the_location_details(backoffice_client, dispatcher, make_tracker, domain):
    result = call(ValidateReportForm().validate_report_street("12 rue victor hugo", dispatcher, make_tracker(),
                                                              domain))
    assert result["report_street"] == "rue Victor Hugo"
    assert result["report_details"] == "au niveau du n° 12"


def test_street_when_the_back_office_is_down_says_nothing_was_recorded(backoffice_down, dispatcher,
                                                                        make_tracker, domain):
    result = call(ValidateReportForm().validate_report_street("rue victor hugo", dispatcher, make_tracker(),
                                                              domain))
    assert result[ABORTED_SLOT] is True
    assert "Votre signalement n'a pas été enregistré" in all_text(dispatcher)


def test_description_too_short_is_asked_again(dispatcher, make_tracker, domain):
    result = call(ValidateReportForm().validate_report_description("trou", dispatcher, make_tracker(), domain))
    assert result["report_description"] is None


def test_description_revealing_a_danger_gives_the_numbers(backoffice_client, dispatcher, make_tracker,
                                                          domain):
    result = call(ValidateReportForm().validate_report_description(
        "des fils électriques pendent du poteau", dispatcher, make_tracker(), domain))
    assert result["report_priority"] == "high" and "• 18 — " in all_text(dispatcher)


def test_hostile_description_is_cleaned(dispatcher, make_tracker, domain):
    result = call(ValidateReportForm().validate_report_description(
        "<script>\x00alert(1)</script>   tag   injurieux sur le mur de l'école", dispatcher, make_tracker(),
        domain))
    assert "\x00" not in result["report_description"] and "  " not in result["report_description"]


@pytest.mark.parametrize("value,expected", [("non", SKIPPED), (SKIPPED, SKIPPED),
                                            ("mon mail : a.b@example.fr", "a.b@example.fr"),
                                            ("06 12 34 56 78", "06 12 34 56 78"), ("bonjour", None)])
def test_optional_contact(dispatcher, make_tracker, domain, value, expected):
    result = call(ValidateReportForm().validate_report_contact(value, dispatcher, make_tracker(), domain))
    assert result["report_contact"] == expected


def test_summary_before_sending(dispatcher, make_tracker, domain):
    run(ActionAskReportConfirm(), dispatcher, make_tracker(slots={**REPORT, "report_priority": "high"}), domain)
    text = all_text(dispatcher)
    assert "(prioritaire)" in text and "rue Victor Hugo, au niveau du n° 12" in text
    assert [b["payload"] for b in buttons(dispatcher)] == ["/affirm", "/deny"]


def test_confirmed_report_gets_its_reference_once(backoffice_client, make_tracker, domain):
    first, second = CollectingDispatcher(), CollectingDispatcher()
    slots = {**REPORT, "report_priority": "high"}
    tracker = make_tracker([user_event("oui", "affirm")], slots=slots, sender_id="report-citizen")
    events = run(ActionSubmitReport(), first, tracker, domain)
    run(ActionSubmitReport(), second, tracker, domain)
    reference = all_text(first).split("Référence : ")[1].split(".")[0]
    assert reference.startswith("SIG-") and f"Référence : {reference}." in all_text(second)
    case = backoffice_client.post("/cases/lookup", {"reference": reference,
                                                     "email": "jeanne.dupont@example.fr"})
    assert case["report"]["priority"] == "high" and case["report"]["street"] == "rue Victor Hugo"
    assert slots_set(events)["report_category"] is None


def test_anonymous_report_is_told_it_cannot_be_followed_online(backoffice_client, dispatcher, make_tracker,
                                                               domain):
    run(ActionSubmitReport(), dispatcher, make_tracker(slots={**REPORT, "report_contact": SKIPPED}), domain)
    assert "SIG-" in all_text(dispatcher) and "sans e-mail" in all_text(dispatcher)


def test_declined_report_is_not_sent(backoffice_down, dispatcher, make_tracker, domain):
    run(ActionSubmitReport(), dispatcher, make_tracker(slots={**REPORT, "report_confirm": False}), domain)
    assert "votre signalement n'a pas été enregistré" in all_text(dispatcher)


def test_refused_report_says_it_was_not_recorded(backoffice_client, dispatcher, make_tracker, domain):
    run(ActionSubmitReport(), dispatcher, make_tracker(slots={**REPORT, "report_category": "inconnue"}), domain)
    text = all_text(dispatcher)
    assert "Votre signalement n'a pas été enregistré." in text and "SIG-" not in text


def test_report_when_the_back_office_is_down(backoffice_down, dispatcher, make_tracker, domain):
    run(ActionSubmitReport(), dispatcher, make_tracker(slots=REPORT), domain)
    text = all_text(dispatcher)
    assert "ne répond pas" in text and "Votre signalement n'a pas été enregistré" in text
    assert buttons(dispatcher)[-1]["payload"] == "/human_handoff"


def test_slots_cleared_when_a_report_starts_are_not_taken_for_answers(dispatcher, make_tracker, domain):
    """A new report clears the previous one's slots: the form must not validate those None."""
    from actions.reports import FORM_SLOTS
    events = [said("je veux signaler un problème", "report_issue"),
              {"event": "action", "name": "action_start_report"},
              *[{"event": "slot", "name": slot, "value": None} for slot in FORM_SLOTS]]
    result = run(ValidateReportForm(), dispatcher, make_tracker(events), domain)
    assert dispatcher.messages == []
    assert all(e["value"] is None for e in result if e.get("name") in FORM_SLOTS)


def test_a_button_payload_is_not_taken_for_a_description(dispatcher, make_tracker, domain):
    tracker = make_tracker([user_event('/report_issue{"issue_category": "voirie"}', "report_issue",
                                       [{"entity": "issue_category", "value": "voirie"}])])
    events = run(ActionStartReport(), dispatcher, tracker, domain)
    assert slots_set(events)["report_description"] is None


def test_danger_flagged_by_the_nlu_urgency_detector_gets_the_numbers(backoffice_down, dispatcher, make_tracker,
                                                                      domain):
    urgency = {"level": "danger", "category": "danger", "matched": "menace de tomber"}
    tracker = make_tracker([user_event("venez vite, c'est grave devant l'école", "report_issue", urgency=urgency)])
    events = run(ActionStartReport(), dispatcher, tracker, domain)
    assert "• 18 — " in all_text(dispatcher) and slots_set(events)["urgency"] == "high"


def test_urgent_but_not_dangerous_is_not_a_danger(dispatcher, make_tracker, domain):
    urgency = {"level": "urgent", "category": "urgent", "matched": "urgent"}
    tracker = make_tracker([user_event("c'est urgent, un tag sur ma porte", "report_issue", urgency=urgency)])
    run(ActionStartReport(), dispatcher, tracker, domain)
    assert dispatcher.messages == []


def test_first_message_words_give_the_category_and_the_street(backoffice_client, dispatcher, make_tracker,
                                                              domain):
    text = "il y a un gros nid de poule devant le 12 rue victor hugo"
    tracker = make_tracker([user_event(text, "report_issue")])
    slots = slots_set(run(ActionStartReport(), dispatcher, tracker, domain))
    assert slots["report_category"] == "voirie" and slots["report_description"] == text
    assert slots["report_street"] == "rue Victor Hugo" and slots["report_details"] == "au niveau du n° 12"


def test_words_of_several_categories_leave_the_choice_to_the_citizen(backoffice_client, dispatcher,
                                                                     make_tracker, domain):
    tracker = make_tracker([user_event("un tag sur le banc du parc", "report_issue")])
    assert slots_set(run(ActionStartReport(), dispatcher, tracker, domain))["report_category"] is None


def test_gas_without_a_category_entity_is_a_danger_report(backoffice_down, dispatcher, make_tracker, domain):
    tracker = make_tracker([user_event("ça sent le gaz très fort rue pasteur", "report_issue")])
    slots = slots_set(run(ActionStartReport(), dispatcher, tracker, domain))
    assert slots["report_category"] == "danger" and slots["report_street"] is None
    assert "0 800 47 33 33" in all_text(dispatcher)


def test_report_put_aside_for_another_request_says_so_and_replays_it(dispatcher, make_tracker, domain):
    from actions.territory_forms import OTHER_REQUEST, STOP_SLOT
    tracker = make_tracker([said("la mairie ferme à quelle heure ?", "opening_hours")],
                           slots={**REPORT, "report_confirm": None, ABORTED_SLOT: True, STOP_SLOT: OTHER_REQUEST})
    events = run(ActionSubmitReport(), dispatcher, tracker, domain)
    assert all_text(dispatcher) == "Je laisse de côté votre signalement : il n'a pas été enregistré."
    replayed = [e for e in events if e["event"] in ("action", "user")]
    assert [e.get("name") or e.get("text") for e in replayed] == ["action_listen",
                                                                   "la mairie ferme à quelle heure ?"]
    assert replayed[1]["parse_data"]["intent"]["name"] == "opening_hours"
    assert slots_set(events)[STOP_SLOT] is None


def test_report_given_up_after_three_wrong_answers_says_it_was_not_recorded(dispatcher, make_tracker, domain):
    from actions.territory_forms import GAVE_UP, STOP_SLOT
    tracker = make_tracker(slots={**REPORT, ABORTED_SLOT: True, STOP_SLOT: GAVE_UP})
    events = run(ActionSubmitReport(), dispatcher, tracker, domain)
    assert "il n'a pas été enregistré" in all_text(dispatcher)
    assert not [e for e in events if e["event"] == "user"]


def test_short_request_is_not_taken_for_a_description(dispatcher, make_tracker, domain):
    tracker = make_tracker([said("je veux signaler un tag", "report_issue", issue_category="tag")])
    assert slots_set(run(ActionStartReport(), dispatcher, tracker, domain))["report_description"] is None
