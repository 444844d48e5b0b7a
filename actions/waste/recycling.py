"""The recycling centre (déchetterie): open now or next opening, address, badge, what it takes.

One call to GET /waste/recycling-center; the question's words pick the part to answer
(badge and access, accepted items, or by default opening and address), with buttons
for the other parts.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.api.backoffice import BackOfficeError, get_client
from actions.entities import first_entity
from actions.general_info import weekly_hours_text
from actions.replies import say_error
from actions.territory_data import load_data
from actions.territory_text import bullet_list, matches_any

BADGE_BUTTON = {"title": "Le badge d'accès", "payload": "badge d'accès à la déchetterie"}
ACCEPTED_BUTTON = {"title": "Ce qui est accepté", "payload": "que peut-on déposer à la déchetterie ?"}
HOURS_BUTTON = {"title": "Les horaires", "payload": "horaires de la déchetterie"}


def topic_of(tracker: Tracker) -> Optional[str]:
    """ "badge", "accepted" or None (opening), from the question's words or a waste item."""
    text = (tracker.latest_message or {}).get("text") or ""
    for topic, patterns in load_data("topics")["recycling_topics"].items():
        if matches_any(text, patterns):
            return topic
    return "accepted" if first_entity(tracker, "waste_item") else None


def opening_text(centre: Dict[str, Any]) -> str:
    status = centre.get("status") or {}
    season = next((s for s in centre.get("seasons") or [] if s.get("name") == centre.get("current_season")),
                  None)
    lines = [f"{centre['name']} : {status.get('summary', '')}.", f"Adresse : {centre['address']}"]
    if season:
        lines += [f"Horaires ({season['name']}) :", weekly_hours_text(season.get("hours") or {})]
    return "\n".join(lines)


def badge_text(centre: Dict[str, Any]) -> str:
    return f"{centre['access'].strip()}\n{centre['badge'].strip()}"


def accepted_text(centre: Dict[str, Any]) -> str:
    return "\n".join([f"{centre['name']} accepte :", bullet_list(centre.get("accepted") or [], 15),
                      "Refusés :", bullet_list(centre.get("refused") or [], 10)])


class ActionRecyclingCenter(Action):
    def name(self) -> Text:
        return "action_recycling_center"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        try:
            centre = await get_client().acall("GET", "/waste/recycling-center")
        except BackOfficeError as error:
            say_error(dispatcher, error)
            return []
        topic = topic_of(tracker)
        if topic == "badge":
            dispatcher.utter_message(text=badge_text(centre), buttons=[HOURS_BUTTON, ACCEPTED_BUTTON])
        elif topic == "accepted":
            dispatcher.utter_message(text=accepted_text(centre), buttons=[HOURS_BUTTON, BADGE_BUTTON])
        else:
            dispatcher.utter_message(text=opening_text(centre), buttons=[BADGE_BUTTON, ACCEPTED_BUTTON])
        return []
