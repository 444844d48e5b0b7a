"""Greets the citizen by the commune's name, and by the place when they came by QR code.

A QR poster opens the web chat with the place in the message metadata
(``customData.place``: id, label, greeting); the greeting then suggests what people do
there (e.g. report a full container at a recycling point).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.commune_info import commune_identity, commune_name
from actions.message_context import place_context

HELP_BUTTONS = [
    {"title": "Prendre rendez-vous", "payload": "/book_appointment"},
    {"title": "Suivre mon dossier", "payload": "/check_case_status"},
    {"title": "Jours de collecte", "payload": "/waste_collection_schedule"},
    {"title": "Signaler un problème", "payload": "/report_issue"},
]


def greeting_text(name: Optional[str], place: Optional[Dict[str, Any]]) -> str:
    who = f"l'assistant de la mairie de {name}" if name else "l'assistant de votre mairie"
    text = f"Bonjour et bienvenue ! Je suis Guichet, {who}."
    if place and place.get("greeting"):
        return f"{text} {place['greeting']}"
    if place and place.get("label"):
        return f"{text} Vous êtes au lieu suivant : {place['label']}. Comment puis-je vous aider ?"
    return f"{text} Comment puis-je vous aider ?"


class ActionGreet(Action):
    def name(self) -> Text:
        return "action_greet"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        identity = await commune_identity()
        place = place_context(tracker)
        buttons = place.get("buttons") if place and place.get("buttons") else HELP_BUTTONS
        dispatcher.utter_message(text=greeting_text(commune_name(identity), place), buttons=buttons)
        return []
