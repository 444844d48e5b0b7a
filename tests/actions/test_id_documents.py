"""ID card and passport: documents by situation from the real back office, the checklist
of documents already held, what is missing, and the appointment offered."""

from actions.id_documents import (ActionAskIdDocumentsHeld, ActionIdDocumentInfo,
                                  ActionMissingDocuments, ValidateIdChecklistForm, held_numbers)
from tests.actions.flow_support import buttons, entity, form_tracker, responses, run, slots_set, texts
from tests.conftest import user_event


def ask(make_tracker, dispatcher, domain, text, entities=None, slots=None):
    tracker = make_tracker([user_event(text, "id_document_info", entities)], slots=slots)
    return slots_set(run(ActionIdDocumentInfo(), dispatcher, tracker, domain))


def test_documents_for_a_lost_passport(backoffice_client, make_tracker, dispatcher, domain):
    slots = ask(make_tracker, dispatcher, domain, "j'ai perdu mon passeport, que faire ?",
                [entity("procedure", "passeport"), entity("id_situation", "perte")])
    expected = backoffice_client.get("/procedures/passeport")["documents"]["perte"]
    assert all(document in texts(dispatcher) for document in expected)
    assert slots["id_documents"] == expected and slots["id_situation"] == "perte"
    payloads = [b["payload"] for b in buttons(dispatcher)]
    assert "/affirm" in payloads
    assert '/book_appointment{"procedure": "passeport", "id_situation": "perte"}' in payloads


def test_the_situation_is_asked_when_it_matters(backoffice_client, make_tracker, dispatcher, domain):
    ask(make_tracker, dispatcher, domain, "quels documents pour une carte d'identité",
        [entity("procedure", "carte_identite")])
    assert "dépendent de votre situation" in texts(dispatcher)
    assert len(buttons(dispatcher)) == 5
    assert all(b["payload"].startswith('/id_document_info{"procedure": "carte_identite"') for b in buttons(dispatcher))


def test_the_document_is_asked_when_unknown(make_tracker, dispatcher, domain):
    ask(make_tracker, dispatcher, domain, "combien de temps pour l'avoir ?")
    assert [b["title"] for b in buttons(dispatcher)] == ["Carte d'identité", "Passeport"]


def test_general_information_when_the_back_office_is_down(backoffice_down, make_tracker, dispatcher, domain):
    ask(make_tracker, dispatcher, domain, "papiers passeport", [entity("procedure", "passeport")])
    assert responses(dispatcher)[0] == "utter_info_id_document_info"
    assert "ne répond pas" in texts(dispatcher)


def test_the_checklist_is_numbered_from_the_back_office(backoffice_client, make_tracker, dispatcher, domain):
    tracker = make_tracker([], slots={"procedure": "carte_identite", "id_situation": "vol"})
    slots = slots_set(run(ActionAskIdDocumentsHeld(), dispatcher, tracker, domain))
    expected = backoffice_client.get("/procedures/carte_identite")["documents"]["vol"]
    assert slots["id_documents"] == expected
    assert f"1. {expected[0]}" in texts(dispatcher) and f"{len(expected)}. {expected[-1]}" in texts(dispatcher)


def test_numbers_all_or_none():
    assert held_numbers("1 3 et 4", 6) == [1, 3, 4]
    assert held_numbers("j'ai le 2", 6) == [2]
    assert held_numbers("toutes", 3) == [1, 2, 3]
    assert held_numbers("aucune", 3) == []
    assert held_numbers("pas toutes", 3) is None
    assert held_numbers("le 9", 6) is None
    assert held_numbers("bof", 6) is None


DOCUMENTS = ["Numéro de pré-demande", "Photo d'identité", "Justificatif de domicile"]


def answer(make_tracker, dispatcher, domain, text, intent="inform"):
    tracker = form_tracker(make_tracker, "id_checklist_form", "id_documents_held", text, intent,
                           slots={"procedure": "passeport", "id_situation": "renouvellement",
                                  "id_documents": DOCUMENTS})
    return slots_set(run(ValidateIdChecklistForm(), dispatcher, tracker, domain))


def test_checklist_answers(make_tracker, dispatcher, domain):
    assert answer(make_tracker, dispatcher, domain, "1 et 3")["id_documents_held"] == [1, 3]
    assert answer(make_tracker, dispatcher, domain, "non", "deny")["id_documents_held"] == []
    assert answer(make_tracker, dispatcher, domain, "7")["id_documents_held"] is None
    assert "entre 1 et 3" in texts(dispatcher)
    assert answer(make_tracker, dispatcher, domain, "laissez tomber", "deny") == {}  # the form stops


def test_missing_documents_and_the_appointment_offered(make_tracker, dispatcher, domain):
    tracker = make_tracker([], slots={"procedure": "passeport", "id_situation": "renouvellement",
                                      "id_documents": DOCUMENTS, "id_documents_held": [1, 3]})
    events = run(ActionMissingDocuments(), dispatcher, tracker, domain)
    said = texts(dispatcher)
    assert "Photo d'identité" in said and "Numéro de pré-demande" not in said
    assert buttons(dispatcher)[0]["payload"] == \
        '/book_appointment{"procedure": "passeport", "id_situation": "renouvellement"}'
    assert slots_set(events)["id_documents_held"] is None


def test_all_documents_held(make_tracker, dispatcher, domain):
    tracker = make_tracker([], slots={"procedure": "passeport", "id_documents": DOCUMENTS,
                                      "id_documents_held": [1, 2, 3]})
    run(ActionMissingDocuments(), dispatcher, tracker, domain)
    assert "Vous avez toutes les pièces" in texts(dispatcher)


def test_a_typed_choice_is_understood(make_tracker, dispatcher, domain):
    tracker = form_tracker(make_tracker, "id_checklist_form", "id_situation", "je l'ai perdu", "inform",
                           slots={"procedure": "passeport"})
    assert slots_set(run(ValidateIdChecklistForm(), dispatcher, tracker, domain))["id_situation"] == "perte"
