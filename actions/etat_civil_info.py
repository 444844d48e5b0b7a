"""Informative answers of the état-civil domain: marriage and PACS, electoral roll.

Marriage and PACS: the documents come from the back office's procedure data (GET
/procedures/mariage or /procedures/pacs, with the extra papers for a foreign partner),
followed by the rules that hold everywhere in France (domain responses) and an offer to
book the appointment where the file is deposited. Electoral roll: the answer is chosen
by the topic of the question (registration, checking, proxy vote, polling station,
voter card), from domain responses, followed by the contacts of the commune's elections
service (GET /services); without a clear topic, a short menu.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.api.backoffice import BackOfficeError
from actions.appointments.procedures import (bullet_list, documents_for, fetch_procedure,
                                             practical_details)
from actions.citizen_forms import latest_text
from actions.entities import first_entity
from actions.general_info import contact_text, fetch_service
from actions.replies import HUMAN_BUTTON, say_error

UNION_PROCEDURES = ("mariage", "pacs")
#: Words the back office resolves to the commune's elections service (GET /services/{word}).
ELECTIONS_SERVICE = "élections"
FOREIGN = "etranger"


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii")
    return text.lower()


def union_procedure(tracker: Tracker) -> Optional[str]:
    """mariage or pacs: from the entity, the words of the message, or the slot."""
    entity = first_entity(tracker, "procedure")
    if entity in UNION_PROCEDURES:
        return entity
    words = _plain(latest_text(tracker))
    if "pacs" in words:
        return "pacs"
    if re.search(r"\bmari(?:age|er|es?)\b|epou|noces|bans", words):
        return "mariage"
    slot = tracker.get_slot("procedure")
    return slot if slot in UNION_PROCEDURES else None


class ActionMarriagePacsInfo(Action):
    def name(self) -> Text:
        return "action_marriage_pacs_info"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        code = union_procedure(tracker)
        if code is None:
            dispatcher.utter_message(text="Souhaitez-vous des informations sur le mariage ou sur le PACS ?",
                                     buttons=[{"title": title,
                                               "payload": f'/marriage_pacs_info{{"procedure": "{c}"}}'}
                                              for c, title in (("mariage", "Mariage"), ("pacs", "PACS"))])
            return []
        try:
            procedure = await fetch_procedure(code)
        except BackOfficeError as error:
            dispatcher.utter_message(response="utter_info_marriage_pacs_info")
            say_error(dispatcher, error)
            return [SlotSet("procedure", code)]
        found = documents_for(procedure, "general")
        documents = found[1] if found else []
        text = f"{procedure['name']} : voici les pièces à fournir.\n{bullet_list(documents)}"
        foreign = (procedure.get("documents") or {}).get(FOREIGN)
        if foreign:
            text += f"\nSi l'un de vous est de nationalité étrangère, il faut aussi :\n{bullet_list(foreign)}"
        details = practical_details(procedure)
        dispatcher.utter_message(text=f"{text}\n{details}" if details else text)
        dispatcher.utter_message(response=f"utter_rules_{code}")
        dispatcher.utter_message(
            text="Le dossier se dépose sur rendez-vous. Voulez-vous en prendre un ?",
            buttons=[{"title": "Prendre rendez-vous",
                      "payload": f'/book_appointment{{"procedure": "{code}"}}'}, HUMAN_BUTTON])
        return [SlotSet("procedure", code)]


#: Topic of an electoral-roll question -> response; the first matching topic wins.
ELECTORAL_TOPICS = (
    (r"procuration|mandataire|voter pour moi|vote pour moi|a ma place", "utter_electoral_proxy"),
    (r"bureau de vote|je vote ou|ou (?:je vais |est-ce que je )?vote|ou voter|ou se trouve", "utter_electoral_polling_station"),
    (r"carte (?:electorale|d'electeur)|numero d'electeur", "utter_electoral_card"),
    (r"suis-je inscrit|je suis inscrit|suis inscrite?|verifier|situation electorale|plus sur les listes|radie", "utter_electoral_check"),
    (r"inscri|voter|demenage|18 ans|naturalis|europeen|liste", "utter_electoral_registration"),
)
ELECTORAL_MENU = [
    {"title": "M'inscrire", "payload": "je veux m'inscrire sur les listes électorales"},
    {"title": "Vérifier inscription", "payload": "vérifier mon inscription électorale"},
    {"title": "Procuration", "payload": "faire une procuration"},
    {"title": "Mon bureau de vote", "payload": "où se trouve mon bureau de vote ?"},
]


def electoral_topic(text: str) -> Optional[str]:
    plain = _plain(text)
    return next((response for pattern, response in ELECTORAL_TOPICS if re.search(pattern, plain)), None)


class ActionElectoralRoll(Action):
    def name(self) -> Text:
        return "action_electoral_roll"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        topic = electoral_topic(latest_text(tracker))
        if topic is None:
            dispatcher.utter_message(text="Je peux vous renseigner sur les élections. Que souhaitez-vous faire ?",
                                     buttons=ELECTORAL_MENU)
            return []
        dispatcher.utter_message(response=topic)
        try:
            service = await fetch_service(ELECTIONS_SERVICE)
        except BackOfficeError:
            service = None  # the answer above stands on its own
        if service and contact_text(service):
            dispatcher.utter_message(text=f"{service['name']} de la mairie :\n{contact_text(service)}")
        return []
