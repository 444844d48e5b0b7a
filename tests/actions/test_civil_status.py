"""État civil against the real back office: certificate requests (form and request),
marriage and PACS information, electoral roll."""

from actions.civil_status import (ActionAskCivilStatusConfirmed, ActionAskRequesterRelation,
                                  ActionRequestCivilStatus, ValidateCivilStatusForm, relation_in)
from actions.etat_civil_info import ActionElectoralRoll, ActionMarriagePacsInfo
from tests.actions.flow_support import buttons, entity, form_tracker, responses, run, sender, slots_set, texts
from tests.conftest import user_event

FORM = "civil_status_form"


def validate(make_tracker, dispatcher, domain, requested, text, intent="inform", **kwargs):
    tracker = form_tracker(make_tracker, FORM, requested, text, intent, **kwargs)
    return slots_set(run(ValidateCivilStatusForm(), dispatcher, tracker, domain))


def test_the_first_message_gives_the_act_the_copy_and_for_whom(make_tracker, dispatcher, domain):
    slots = validate(make_tracker, dispatcher, domain, None,
                     "le notaire me demande un extrait d'acte de décès de mon grand-père",
                     "civil_status_certificate", entities=[entity("document_type", "acte_deces")],
                     extracted={"document_type": "acte_deces"})
    assert slots["document_type"] == "acte_deces"
    assert slots["requester_relation"] == "petit_enfant"
    assert slots["copy_type"] == "extrait_avec_filiation"


def test_whose_act_it_is_is_read_from_the_words():
    assert relation_in("c'est mon acte de mariage, pour mon épouse") == "titulaire"
    assert relation_in("l'acte de naissance de ma fille") == "parent"
    assert relation_in("Mon père ou ma mère") == "enfant"
    assert relation_in("pour mon petit-fils") == "grand_parent"
    assert relation_in("je ne sais pas") is None


def test_one_cannot_ask_for_ones_own_death_certificate(make_tracker, dispatcher, domain):
    slots = validate(make_tracker, dispatcher, domain, "requester_relation", "pour moi",
                     slots={"document_type": "acte_deces"})
    assert slots["requester_relation"] is None
    run(ActionAskRequesterRelation(), dispatcher, make_tracker([], slots={"document_type": "acte_deces"}), domain)
    assert "Pour moi-même" not in [b["title"] for b in buttons(dispatcher)]


def test_the_holder_name_is_also_the_requester_name(make_tracker, dispatcher, domain):
    slots = validate(make_tracker, dispatcher, domain, "concerned_person", "Marie Durand",
                     slots={"requester_relation": "titulaire"})
    assert slots["concerned_person"] == slots["citizen_name"] == "Marie Durand"


def test_event_dates_are_checked(make_tracker, dispatcher, domain):
    assert validate(make_tracker, dispatcher, domain, "event_date", "31 février 1990")["event_date"] is None
    assert "n'existe pas" in texts(dispatcher)
    assert validate(make_tracker, dispatcher, domain, "event_date", "né le 12/04/1985")["event_date"] == "1985-04-12"


def test_delivery_by_post_asks_for_a_full_address(make_tracker, dispatcher, domain):
    assert validate(make_tracker, dispatcher, domain, "delivery", "par la poste")["delivery"] == "courrier"
    form = ValidateCivilStatusForm()
    tracker = make_tracker([], slots={"delivery": "courrier"})
    import asyncio
    required = asyncio.run(form.required_slots(domain["forms"][FORM]["required_slots"], dispatcher,
                                               tracker, domain))
    assert required.index("postal_address") == required.index("delivery") + 1
    by_post = {"delivery": "courrier"}
    assert validate(make_tracker, dispatcher, domain, "postal_address", "rue Victor Hugo",
                    slots=by_post)["postal_address"] is None
    assert "code postal" in texts(dispatcher)
    assert validate(make_tracker, dispatcher, domain, "postal_address", "12 rue Victor Hugo, 41999 Villebrune",
                    slots=by_post)["postal_address"] == "12 rue Victor Hugo, 41999 Villebrune"


def test_a_family_record_book_cannot_be_requested_here(make_tracker, dispatcher, domain):
    slots = validate(make_tracker, dispatcher, domain, "document_type", "un livret de famille",
                     extracted={"document_type": "livret_famille"})
    assert slots["document_type"] is None and "livret de famille" in texts(dispatcher)


REQUEST = {"document_type": "acte_naissance", "copy_type": "copie_integrale",
           "requester_relation": "titulaire", "concerned_person": "Marie Durand",
           "event_date": "1985-04-12", "citizen_name": "Marie Durand",
           "citizen_email": "marie.durand@example.fr", "delivery": "courrier",
           "postal_address": "12 rue Victor Hugo, 41999 Villebrune", "civil_status_confirmed": True}


def test_the_summary_shows_the_request(make_tracker, dispatcher, domain):
    run(ActionAskCivilStatusConfirmed(), dispatcher, make_tracker([], slots=REQUEST), domain)
    said = texts(dispatcher)
    assert "Acte de naissance (copie intégrale)" in said and "12 avril 1985" in said
    assert "12 rue Victor Hugo" in said


def test_a_confirmed_request_gets_an_ec_reference_once(backoffice_client, make_tracker, domain):
    from rasa_sdk.executor import CollectingDispatcher
    conversation = sender("acte")
    first, again = CollectingDispatcher(), CollectingDispatcher()
    events = run(ActionRequestCivilStatus(), first, make_tracker([], slots=REQUEST, sender_id=conversation), domain)
    reference = next(word.strip(".") for word in texts(first).split() if word.startswith("EC-"))
    assert "enregistrée" in texts(first) and slots_set(events)["document_type"] is None
    run(ActionRequestCivilStatus(), again, make_tracker([], slots=REQUEST, sender_id=conversation), domain)
    assert reference in texts(again)  # a retry does not create a second request
    case = backoffice_client.post("/cases/lookup", {"reference": reference, "email": REQUEST["citizen_email"]})
    assert case["civil_status"]["person_name"] == "Marie Durand"


def test_nothing_is_recorded_when_the_back_office_is_down(backoffice_down, make_tracker, dispatcher, domain):
    events = run(ActionRequestCivilStatus(), dispatcher, make_tracker([], slots=REQUEST), domain)
    assert "Votre demande d'acte n'a pas été enregistrée" in texts(dispatcher)
    assert "EC-" not in texts(dispatcher)
    assert slots_set(events) == {"civil_status_confirmed": None}


def test_nothing_is_recorded_without_confirmation(make_tracker, dispatcher, domain):
    run(ActionRequestCivilStatus(), dispatcher,
        make_tracker([], slots={**REQUEST, "civil_status_confirmed": None}), domain)
    assert "Je n'ai enregistré aucune demande" in texts(dispatcher)


# ----------------------------------------------------------------- marriage and PACS


def info(make_tracker, dispatcher, domain, action, text, intent, entities=None):
    return run(action, dispatcher, make_tracker([user_event(text, intent, entities)]), domain)


def test_marriage_documents_come_from_the_back_office(backoffice_client, make_tracker, dispatcher, domain):
    info(make_tracker, dispatcher, domain, ActionMarriagePacsInfo(), "quels documents pour un mariage",
         "marriage_pacs_info", [entity("procedure", "mariage")])
    procedure = backoffice_client.get("/procedures/mariage")
    said = texts(dispatcher)
    assert all(doc in said for doc in procedure["documents"]["general"] + procedure["documents"]["etranger"])
    assert "utter_rules_mariage" in responses(dispatcher)
    assert any(b["payload"] == '/book_appointment{"procedure": "mariage"}' for b in buttons(dispatcher))


def test_pacs_is_recognised_from_the_words(backoffice_client, make_tracker, dispatcher, domain):
    info(make_tracker, dispatcher, domain, ActionMarriagePacsInfo(), "on voudrait se pacser",
         "marriage_pacs_info")
    assert "utter_rules_pacs" in responses(dispatcher)


def test_marriage_or_pacs_is_asked_when_unclear(make_tracker, dispatcher, domain):
    info(make_tracker, dispatcher, domain, ActionMarriagePacsInfo(), "c'est quoi un certificat de coutume",
         "marriage_pacs_info")
    assert [b["title"] for b in buttons(dispatcher)] == ["Mariage", "PACS"]


def test_marriage_information_when_the_back_office_is_down(backoffice_down, make_tracker, dispatcher, domain):
    info(make_tracker, dispatcher, domain, ActionMarriagePacsInfo(), "se marier", "marriage_pacs_info")
    assert "utter_info_marriage_pacs_info" in responses(dispatcher)
    assert "ne répond pas" in texts(dispatcher)


# ----------------------------------------------------------------- electoral roll


def test_proxy_vote_question_gets_the_proxy_answer_and_the_service(backoffice_client, make_tracker,
                                                                   dispatcher, domain):
    info(make_tracker, dispatcher, domain, ActionElectoralRoll(), "comment faire une procuration ?",
         "electoral_roll")
    assert responses(dispatcher)[0] == "utter_electoral_proxy"
    service = backoffice_client.get("/services/élections")
    assert service["phone"] in texts(dispatcher)


def test_electoral_topics(make_tracker, dispatcher, domain, backoffice_down):
    for text, response in (("où se trouve mon bureau de vote ?", "utter_electoral_polling_station"),
                           ("suis-je inscrit sur les listes électorales ?", "utter_electoral_check"),
                           ("je viens d'emménager, je veux voter ici", "utter_electoral_registration"),
                           ("j'ai perdu ma carte électorale", "utter_electoral_card")):
        from rasa_sdk.executor import CollectingDispatcher
        said = CollectingDispatcher()
        info(make_tracker, said, domain, ActionElectoralRoll(), text, "electoral_roll")
        assert responses(said) == [response], text  # the back office being down changes nothing


def test_an_unclear_electoral_question_gets_a_menu(make_tracker, dispatcher, domain):
    info(make_tracker, dispatcher, domain, ActionElectoralRoll(), "élections", "electoral_roll")
    assert len(buttons(dispatcher)) == 4 and all(len(b["title"]) <= 20 for b in buttons(dispatcher))


def test_responses_used_exist(domain):
    for name in ("utter_rules_mariage", "utter_rules_pacs", "utter_electoral_proxy",
                 "utter_electoral_polling_station", "utter_electoral_check",
                 "utter_electoral_registration", "utter_electoral_card", "utter_info_marriage_pacs_info",
                 "utter_ask_postal_address"):
        assert name in domain["responses"]


def test_a_change_at_the_summary_is_not_a_confirmation(make_tracker, dispatcher, domain):
    slots = validate(make_tracker, dispatcher, domain, "civil_status_confirmed",
                     "oui mais envoyez-le à marie@example.fr", "affirm",
                     entities=[entity("email", "marie@example.fr")],
                     slots={**REQUEST, "civil_status_confirmed": None})
    assert slots["citizen_email"] == "marie@example.fr" and "civil_status_confirmed" not in slots
    assert validate(make_tracker, dispatcher, domain, "civil_status_confirmed", "oui",
                    "affirm")["civil_status_confirmed"] is True
