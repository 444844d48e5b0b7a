"""Which day the bins are collected: street (asked, fuzzy-matched) -> next dates per waste type.

The form ``waste_schedule_form`` asks the street and resolves it (actions.streets); the
answer comes from GET /waste/collections, holiday shifts explained, for every waste type
or only the one asked (entity ``waste_type``).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.api.backoffice import BackOfficeError, get_client
from actions.replies import say_error
from actions.streets import validate_street_answer
from actions.territory_forms import TerritoryFormValidation, reset_events, stopped_early
from actions.territory_text import first_upper, format_day, join_words, to_date

FORM_SLOTS = ["waste_street"]
DATES_PER_TYPE = 2


class ValidateWasteScheduleForm(TerritoryFormValidation):
    form_slots = FORM_SLOTS

    def name(self) -> Text:
        return "validate_waste_schedule_form"

    async def validate_waste_street(self, value: Any, dispatcher: CollectingDispatcher,
                                    tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return await validate_street_answer("waste_street", value, tracker, dispatcher)


def collection_line(collection: Dict[str, Any], today: Optional[date]) -> str:
    """ "• Ordures ménagères : lundi 23 novembre, puis lundi 30 novembre — bac gris"."""
    dates = collection.get("dates") or []
    container = f" — {collection['container']}" if collection.get("container") else ""
    if not dates:
        return f"• {collection['name']} : pas de collecte prévue dans l'année à venir{container}"
    days = [format_day(found["date"], today) for found in dates]
    later = f", puis {join_words(days[1:])}" if len(days) > 1 else ""
    return f"• {collection['name']} : {days[0]}{later}{container}"


def shift_notes(collections: List[Dict[str, Any]]) -> List[str]:
    """The holiday shifts among the dates given, one line per shift with the types concerned."""
    shifts: Dict[str, List[str]] = {}
    for collection in collections:
        for found in collection.get("dates") or []:
            if found.get("shifted_from") and found.get("reason"):
                names = shifts.setdefault(found["reason"], [])
                if collection["name"].lower() not in names:
                    names.append(collection["name"].lower())
    return [f"⚠️ {first_upper(reason)} ({join_words(names)})." for reason, names in shifts.items()]


def schedule_text(body: Dict[str, Any], waste_type: Optional[str]) -> str:
    """The answer for a street: next dates per waste type, or only the type asked."""
    today = to_date(body.get("start"))
    collections = body.get("collections") or []
    asked = [c for c in collections if waste_type and c.get("waste_type") == waste_type]
    where = body.get("street") or body.get("sector_name")
    head = f"{first_upper(where)} ({body.get('sector_name', '').lower()})" \
        if body.get("street") else where
    if asked:
        collection = asked[0]
        lines = [f"{head} — prochaine collecte :", collection_line(collection, today)]
        if collection.get("advice"):
            lines.append(collection["advice"])
        lines.extend(shift_notes(asked))
    else:
        lines = [f"{head} — prochaines collectes :",
                 *[collection_line(c, today) for c in collections], *shift_notes(collections)]
    return "\n".join(line for line in lines if line)


def asked_waste_type(tracker: Tracker) -> Optional[str]:
    """The waste type named since the question was asked (entity ``waste_type``), if any."""
    found = None
    for event in tracker.events:
        if event.get("event") != "user":
            continue
        parse = event.get("parse_data") or {}
        if (parse.get("intent") or {}).get("name") == "waste_collection_schedule":
            found = None
        for entity in parse.get("entities") or []:
            if entity.get("entity") == "waste_type" and found is None:
                found = entity.get("value")
    return found


class ActionWasteCollectionSchedule(Action):
    """Answers once the street is known (the form is over), then forgets the street."""

    def name(self) -> Text:
        return "action_waste_collection_schedule"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        stopped = stopped_early(tracker, dispatcher, FORM_SLOTS)
        street = tracker.get_slot("waste_street")
        if stopped is not None:
            return stopped
        if street:
            try:
                body = await get_client().acall("GET", "/waste/collections",
                                                params={"street": street, "count": DATES_PER_TYPE})
                dispatcher.utter_message(text=schedule_text(body, asked_waste_type(tracker)))
            except BackOfficeError as error:
                say_error(dispatcher, error)
        return reset_events(FORM_SLOTS)
