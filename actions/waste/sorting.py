"""Which bin an item goes in (GET /waste/sorting): the item is taken from the message or asked.

``waste_sorting_form`` asks the item when the message names none and checks it against
the commune's sorting guide: a close enough item is kept, several possible items are
offered as buttons, an unknown one is asked again. ``action_waste_sorting`` answers.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.api.backoffice import BackOfficeError, get_client
from actions.replies import say_error
from actions.territory_data import load_data
from actions.territory_forms import (TerritoryFormValidation, abort_form, accepted, ask_again,
                                     reset_events, stopped_early)
from actions.territory_text import clean_input, clear_winner, first_upper, short_title

FORM_SLOTS = ["sorting_item"]
MAX_QUERY = 200


async def search_item(query: str) -> List[Dict[str, Any]]:
    body = await get_client().acall("GET", "/waste/sorting", params={"item": query, "limit": 3})
    return (body or {}).get("matches") or []


def item_buttons(matches: List[Dict[str, Any]]) -> List[Dict[str, str]]:
    return [{"title": short_title(m["item"]),
             "payload": f"/inform{json.dumps({'waste_item': m['item']}, ensure_ascii=False)}"}
            for m in matches]


class ValidateWasteSortingForm(TerritoryFormValidation):
    form_slots = FORM_SLOTS

    def name(self) -> Text:
        return "validate_waste_sorting_form"

    async def validate_sorting_item(self, value: Any, dispatcher: CollectingDispatcher,
                                    tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        if isinstance(value, list):
            value = value[-1] if value else None
        query = clean_input(value, MAX_QUERY)
        if not query:
            return ask_again(tracker, dispatcher, "sorting_item", "Quel objet voulez-vous jeter ?")
        try:
            matches = await search_item(query)
        except BackOfficeError as error:
            return abort_form(dispatcher, error)
        match = clear_winner(matches)
        if match:
            return accepted("sorting_item", match["item"])
        if matches:
            return ask_again(tracker, dispatcher, "sorting_item",
                             f"Pour « {query} », de quel objet s'agit-il ?", item_buttons(matches))
        return ask_again(tracker, dispatcher, "sorting_item",
                         f"Je ne connais pas « {query} ». Essayez avec un autre mot, par exemple "
                         "« pot de yaourt » ou « ampoule ».",
                         give_up="Je ne trouve pas cet objet dans le guide du tri, pardonnez-moi. "
                                 "En cas de doute, la déchetterie ou le service déchets de la mairie "
                                 "pourront vous renseigner.")


def answer_text(match: Dict[str, Any]) -> str:
    """ "Piles : point de collecte des piles." and the advice."""
    return f"{first_upper(match['item'])} : {match['bin_name']}.\n{match.get('advice', '')}".strip()


class ActionWasteSorting(Action):
    def name(self) -> Text:
        return "action_waste_sorting"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        stopped = stopped_early(tracker, dispatcher, FORM_SLOTS)
        item = tracker.get_slot("sorting_item")
        if stopped is not None or not item:
            return stopped or reset_events(FORM_SLOTS)
        try:
            matches = await search_item(item)
            match = next((m for m in matches if m["item"] == item), None) or clear_winner(matches)
        except BackOfficeError as error:
            say_error(dispatcher, error)
            return reset_events(FORM_SLOTS)
        if match is None:  # pragma: no cover - the form only keeps items the guide knows
            dispatcher.utter_message(text=f"Je ne trouve plus « {item} » dans le guide du tri.")
            return reset_events(FORM_SLOTS)
        followup = load_data("topics").get("sorting_followups", {}).get(match["bin"])
        dispatcher.utter_message(text=answer_text(match), buttons=[followup] if followup else [])
        return reset_events(FORM_SLOTS)
