"""ID card and passport: the documents to bring for one's situation, then what is missing.

``action_id_document_info`` answers with the documents the back office lists for the
procedure (carte_identite or passeport) and the situation (first application, renewal,
loss, theft, minor), asking with buttons for whichever is unknown. It then offers to check
which documents the citizen already has: ``id_checklist_form`` shows the numbered list
and takes the numbers of those they have ("1 3 4", "toutes", "aucune");
``action_missing_documents`` lists what is missing and offers an appointment with the
procedure already chosen.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.api.backoffice import BackOfficeError
from actions.appointments.procedures import (ID_DOCUMENTS, SITUATIONS, bullet_list, documents_for,
                                             fetch_procedure, numbered_list, practical_details,
                                             short_title, situation_buttons)
from actions.citizen_forms import is_answer, latest_intent, latest_text, requested_slot
from actions.entities import first_entity
from actions.replies import say_error

FORM = "id_checklist_form"
ALL_RE = re.compile(r"\b(toutes?|tous|tout)\b", re.IGNORECASE)
NONE_RE = re.compile(r"\b(aucune?|rien|non|pas une|pas un)\b", re.IGNORECASE)
STOP_RE = re.compile(r"laiss|tomber|annul|arr[eê]t|stop", re.IGNORECASE)
TYPED_PROCEDURES = {"passe": "passeport", "carte": "carte_identite", "cni": "carte_identite",
                    "identit": "carte_identite"}
TYPED_SITUATIONS = {"premi": "premiere_demande", "renouvel": "renouvellement", "expir": "renouvellement",
                    "perte": "perte", "perdu": "perte", "vol": "vol", "mineur": "mineur",
                    "enfant": "mineur"}


def id_procedure(tracker: Tracker) -> Optional[str]:
    value = first_entity(tracker, "procedure") or tracker.get_slot("procedure")
    return value if value in ID_DOCUMENTS else None


def id_situation(tracker: Tracker) -> Optional[str]:
    value = first_entity(tracker, "id_situation") or tracker.get_slot("id_situation")
    return value if value in SITUATIONS else None


def procedure_choice(intent: str) -> List[Dict[str, str]]:
    return [{"title": short_title(code), "payload": f'/{intent}{{"procedure": "{code}"}}'}
            for code in ID_DOCUMENTS]


def booking_button(procedure: str, situation: Optional[str]) -> Dict[str, str]:
    extra = f', "id_situation": "{situation}"' if situation else ""
    return {"title": "Prendre rendez-vous",
            "payload": f'/book_appointment{{"procedure": "{procedure}"{extra}}}'}


class ActionIdDocumentInfo(Action):
    """The documents to bring for an ID card or a passport, by situation."""

    def name(self) -> Text:
        return "action_id_document_info"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        code, situation = id_procedure(tracker), id_situation(tracker)
        if code is None:
            dispatcher.utter_message(text="Pour quel titre souhaitez-vous des informations ?",
                                     buttons=procedure_choice("id_document_info"))
            return [SlotSet("id_situation", situation)]
        try:
            procedure = await fetch_procedure(code)
        except BackOfficeError as error:
            dispatcher.utter_message(response="utter_info_id_document_info")
            say_error(dispatcher, error)
            return [SlotSet("procedure", code)]
        found = documents_for(procedure, situation)
        if found is None:
            dispatcher.utter_message(
                text=f"{procedure['name']} : les pièces à fournir dépendent de votre situation. "
                     "Laquelle est la vôtre ?",
                buttons=situation_buttons("id_document_info", code))
            return [SlotSet("procedure", code)]
        used, documents = found
        label = SITUATIONS.get(used, "").lower()
        text = f"{procedure['name']}{f' ({label})' if label else ''} : voici les pièces à apporter au rendez-vous.\n{bullet_list(documents)}"
        details = practical_details(procedure)
        dispatcher.utter_message(text=f"{text}\n{details}" if details else text)
        dispatcher.utter_message(
            text="Voulez-vous vérifier avec moi celles qu'il vous manque ?",
            buttons=[{"title": "Vérifier mes pièces", "payload": "/affirm"},
                     booking_button(code, used if used in SITUATIONS else None),
                     {"title": "Non merci", "payload": "/deny"}])
        return [SlotSet("procedure", code), SlotSet("id_situation", used if used in SITUATIONS else None),
                SlotSet("id_documents", documents)]


def held_numbers(text: str, count: int) -> Optional[List[int]]:
    """The document numbers (1-based) the citizen says they have; None if unreadable."""
    numbers = [int(n) for n in re.findall(r"\b\d{1,2}\b", text)]
    if numbers:
        return sorted({n for n in numbers if 1 <= n <= count}) if all(
            1 <= n <= count for n in numbers) else None
    if ALL_RE.search(text) and not re.search(r"\bpas\b", text, re.IGNORECASE):
        return list(range(1, count + 1))
    if NONE_RE.search(text):
        return []
    return None


class ValidateIdChecklistForm(FormValidationAction):
    own_intents = ("id_document_info",)

    def name(self) -> Text:
        return "validate_id_checklist_form"

    async def extract_procedure(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return self._typed(dispatcher, tracker, "procedure", TYPED_PROCEDURES)

    async def extract_id_situation(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return self._typed(dispatcher, tracker, "id_situation", TYPED_SITUATIONS)

    def _typed(self, dispatcher: CollectingDispatcher, tracker: Tracker, slot: str,
               words: Dict[str, str]) -> Dict[Text, Any]:
        """A choice typed instead of clicked (when the NLU found no entity)."""
        text = latest_text(tracker).lower()
        if requested_slot(tracker, FORM) != slot or tracker.get_slot(slot) or not text \
                or not is_answer(tracker, self.own_intents):
            return {}
        found = next((code for word, code in words.items() if word in text), None)
        if found is None:
            dispatcher.utter_message(text="Je n'ai pas compris votre choix : utilisez les boutons, "
                                          "s'il vous plaît.")
        return {slot: found}

    async def validate_procedure(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if value in ID_DOCUMENTS:
            return {"procedure": value}
        dispatcher.utter_message(text="Je peux vérifier les pièces d'une carte d'identité ou "
                                      "d'un passeport.")
        return {"procedure": None}

    async def validate_id_situation(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return {"id_situation": value if value in SITUATIONS else None}

    async def extract_id_documents_held(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                        domain: Dict[Text, Any]) -> Dict[Text, Any]:
        if requested_slot(tracker, FORM) != "id_documents_held":
            return {}
        text = latest_text(tracker)
        intent, _ = latest_intent(tracker)
        if STOP_RE.search(text) or (intent != "deny" and not is_answer(tracker, self.own_intents)):
            return {}
        documents = tracker.get_slot("id_documents") or []
        held = held_numbers(text or ("non" if intent == "deny" else ""), len(documents))
        if held is None:
            dispatcher.utter_message(
                text=f"Indiquez les numéros des pièces que vous avez déjà, entre 1 et {len(documents)}, "
                     "par exemple « 1 3 4 », ou répondez « toutes » ou « aucune ».")
        return {"id_documents_held": held}

    async def validate_id_documents_held(self, value: Any, dispatcher, tracker,
                                         domain) -> Dict[Text, Any]:
        return {"id_documents_held": value if isinstance(value, list) else None}


class ActionAskIdChecklistProcedure(Action):
    def name(self) -> Text:
        return "action_ask_id_checklist_form_procedure"

    async def run(self, dispatcher, tracker, domain) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(text="Pour quel titre voulez-vous vérifier vos pièces ?",
                                 buttons=procedure_choice("inform"))
        return []


class ActionAskIdSituation(Action):
    def name(self) -> Text:
        return "action_ask_id_situation"

    async def run(self, dispatcher, tracker, domain) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(text="Quelle est votre situation ?",
                                 buttons=situation_buttons("inform", tracker.get_slot("procedure")))
        return []


class ActionAskIdDocumentsHeld(Action):
    """Shows the numbered list of documents and asks which ones the citizen has."""

    def name(self) -> Text:
        return "action_ask_id_documents_held"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        code, situation = tracker.get_slot("procedure"), tracker.get_slot("id_situation")
        try:
            found = documents_for(await fetch_procedure(code), situation)
        except BackOfficeError as error:
            say_error(dispatcher, error)
            dispatcher.utter_message(text="Je ne peux pas vérifier vos pièces pour l'instant.",
                                     buttons=[{"title": "Réessayer", "payload": "/affirm"}])
            return []
        documents = found[1] if found else []
        dispatcher.utter_message(
            text=f"Voici les pièces demandées :\n{numbered_list(documents)}\nLesquelles avez-vous "
                 "déjà ? Répondez avec leurs numéros, par exemple « 1 3 4 ».",
            buttons=[{"title": "Je les ai toutes", "payload": "toutes"},
                     {"title": "Aucune", "payload": "aucune"}])
        return [SlotSet("id_documents", documents)]


class ActionMissingDocuments(Action):
    """Lists the documents still missing and offers an appointment for the procedure."""

    def name(self) -> Text:
        return "action_missing_documents"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        documents = tracker.get_slot("id_documents") or []
        held = set(tracker.get_slot("id_documents_held") or [])
        missing = [doc for number, doc in enumerate(documents, start=1) if number not in held]
        code, situation = tracker.get_slot("procedure"), tracker.get_slot("id_situation")
        if not documents:
            text = "Je n'ai pas pu établir la liste des pièces. Vous pouvez me redemander les pièces à fournir."
        elif missing:
            text = f"Il vous manque encore :\n{bullet_list(missing)}\nRassemblez-les avant votre rendez-vous."
        else:
            text = "Vous avez toutes les pièces : il ne vous reste qu'à prendre rendez-vous."
        buttons = [booking_button(code, situation)] if code in ID_DOCUMENTS else []
        dispatcher.utter_message(text=text, buttons=buttons)
        return [SlotSet("id_documents_held", None), SlotSet("id_documents", None)]
