"""Opening hours computed live, contacts, school enrolment and social help, from the back office."""


import pytest

from actions.general_info import (ActionContactInfo, ActionOpeningHours, ActionSchoolEnrollment,
                                  ActionSocialAssistance, weekly_hours_text)
from tests.actions.territory_support import (all_text, assert_button_rules, buttons, run, said)


def service(client, query):
    return client.get(f"/services/{query}")


def test_weekly_hours_group_days_with_the_same_hours():
    window = [{"start": "08:30", "end": "12:00"}]
    text = weekly_hours_text({"lundi": window, "mardi": window, "mercredi": window,
                              "vendredi": [{"start": "09:00", "end": "12:00"}]})
    assert text == "Du lundi au mercredi : 8 h 30 – 12 h\nVendredi : 9 h – 12 h"


def test_town_hall_status_now_and_week(backoffice_client, dispatcher, make_tracker, domain):
    run(ActionOpeningHours(), dispatcher, make_tracker([said("horaires de la mairie ?", "opening_hours")]), domain)
    main = backoffice_client.get("/commune")["main_service"]
    expected = service(backoffice_client, main)
    status = backoffice_client.get(f"/services/{main}/status")
    text = all_text(dispatcher)
    assert text.startswith(f"{expected['name']} : {status['summary']}")
    assert "Samedi : 9 h – 12 h" in text


def test_named_service_is_answered(backoffice_client, dispatcher, make_tracker, domain):
    tracker = make_tracker([said("horaires du ccas", "opening_hours", service="ccas")])
    run(ActionOpeningHours(), dispatcher, tracker, domain)
    assert all_text(dispatcher).startswith(service(backoffice_client, "ccas")["name"])


def test_public_holiday_is_closed_and_says_when_it_reopens(backoffice_client, dispatcher, make_tracker,
                                                            domain):
    tracker = make_tracker([said("la mairie est ouverte le 14 juillet ?", "opening_hours",
                                 date="le 14 juillet")])
    run(ActionOpeningHours(), dispatcher, tracker, domain)
    text = all_text(dispatcher)
    assert "14 juillet : fermé (jour férié : Fête nationale), réouverture le" in text


def test_impossible_date_is_explained_and_usual_hours_given(backoffice_client, dispatcher, make_tracker,
                                                             domain):
    tracker = make_tracker([said("ouvert le 31 février ?", "opening_hours", date="31 février")])
    run(ActionOpeningHours(), dispatcher, tracker, domain)
    text = all_text(dispatcher)
    assert text.startswith("Le 31 février n'existe pas.")
    assert "Du lundi au jeudi" in text


def test_unknown_service_lists_the_services_as_buttons(backoffice_client, dispatcher, make_tracker, domain):
    tracker = make_tracker([said("horaires du service xqzw", "opening_hours", service="xqzw")])
    run(ActionOpeningHours(), dispatcher, tracker, domain)
    payloads = [b["payload"] for b in buttons(dispatcher)]
    assert '/opening_hours{"service": "ccas"}' in payloads
    assert "Je ne connais pas de service « xqzw »" in all_text(dispatcher)
    assert_button_rules(dispatcher)


def test_contacts_of_the_service_meant_by_everyday_words(backoffice_client, dispatcher, make_tracker, domain):
    tracker = make_tracker([said("numéro de la cantine", "contact_info", service="cantine")])
    run(ActionContactInfo(), dispatcher, tracker, domain)
    school = service(backoffice_client, "cantine")
    text = all_text(dispatcher)
    assert school["id"] == "scolaire"
    assert f"Téléphone : {school['phone']}" in text and school["email"] in text


def test_school_enrollment_gives_documents_and_the_service(backoffice_client, dispatcher, make_tracker,
                                                           domain):
    run(ActionSchoolEnrollment(), dispatcher, make_tracker([said("inscrire mon fils", "school_enrollment")]),
        domain)
    text = all_text(dispatcher)
    assert "livret de famille" in text
    assert service(backoffice_client, "scolaire")["phone"] in text


def test_social_help_is_human_only_and_offers_a_person(backoffice_client, dispatcher, make_tracker, domain):
    run(ActionSocialAssistance(), dispatcher, make_tracker([said("aide alimentaire", "social_assistance")]),
        domain)
    ccas = service(backoffice_client, "ccas")
    assert ccas["human_only"] is True
    text = all_text(dispatcher)
    assert "je ne peux pas la traiter moi-même" in text and ccas["phone"] in text
    assert {"title": "Parler à un agent", "payload": "/human_handoff"} in buttons(dispatcher)


@pytest.mark.parametrize("action", [ActionOpeningHours(), ActionContactInfo(), ActionSchoolEnrollment(),
                                    ActionSocialAssistance()])
def test_back_office_down_gets_a_clear_answer(backoffice_down, dispatcher, make_tracker, domain, action):
    run(action, dispatcher, make_tracker([said("horaires", "opening_hours")]), domain)
    assert "ne répond pas pour le moment" in all_text(dispatcher)
    assert buttons(dispatcher)[-1]["payload"] == "/human_handoff"


def test_every_territory_action_and_question_exists(domain):
    from rasa_sdk.executor import ActionExecutor
    from actions.territory_forms import ASKED_WITH_RESPONSE, TERRITORY_FORMS
    executor = ActionExecutor()
    executor.register_package("actions")
    for form in TERRITORY_FORMS:
        assert form in domain["forms"] and f"validate_{form}" in executor.actions
        assert f"validate_{form}" in domain["actions"]
    for slot in ASKED_WITH_RESPONSE:
        assert f"utter_ask_{slot}" in domain["responses"] and f"action_ask_{slot}" in domain["actions"]
    assert territory_actions() and [a for a in territory_actions() if a not in executor.actions] == []


def territory_actions():
    """The actions listed under the territory marker of domain.yml's actions section."""
    from tests.conftest import ROOT
    text = (ROOT / "domain.yml").read_text(encoding="utf-8").split("\nactions:\n", 1)[1]
    block = text.split("# == flows: territory", 1)[1].split("\n", 1)[1].split("# ==", 1)[0]
    return [line.strip()[2:] for line in block.splitlines() if line.strip().startswith("- ")]


def test_day_named_in_the_message_when_the_nlu_missed_it(backoffice_client, dispatcher, make_tracker, domain):
    run(ActionOpeningHours(), dispatcher, make_tracker([said("la mairie est ouverte dimanche ?",
                                                             "opening_hours")]), domain)
    assert "dimanche" in all_text(dispatcher).split("\n")[0] and ": fermé" in all_text(dispatcher)


def test_vague_words_are_not_taken_for_a_date(backoffice_client, dispatcher, make_tracker, domain):
    run(ActionOpeningHours(), dispatcher, make_tracker([said("horaires mairie c'est urgent", "opening_hours")]),
        domain)
    status = backoffice_client.get(f"/services/{backoffice_client.get('/commune')['main_service']}/status")
    assert status["summary"] in all_text(dispatcher)
