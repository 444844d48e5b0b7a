"""Choosing a day and a slot, shared by the booking and the rescheduling forms.

Slots of these forms:

* ``appointment_wish``: the date wish (:meth:`DateWish.to_slot`), from the date/time
  entities of any message ("non, plutôt jeudi") or from the citizen's words when asked;
* ``appointment_offer``: what was offered last (procedure and ISO starts);
* ``appointment_start``: the chosen start (ISO), from a slot button (its payload gives
  the ``time`` entity as ISO), by rank ("le deuxième") or typed ("9h30", "jeudi 14h",
  "celui de 10h" among the offered ones).

A new wish drops a chosen slot that does not fit it, so the form offers slots again.
``action_ask_appointment_wish`` and ``action_ask_appointment_start`` ask the questions.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.api.backoffice import BackOfficeError
from actions.appointments.procedures import short_title
from actions.appointments.slots import parse_start, propose, slot_buttons
from actions.citizen_forms import is_answer, latest_intent, latest_text, requested_slot
from actions.dates import (DateWish, UnusableDate, french_datetime, paris_today,
                           parse_date_wish, parse_time_wish, wish_text)
from actions.entities import entity_values
from actions.ordinals import pick_by_rank
from actions.replies import HUMAN_BUTTON, say_error

RETRY_INTENTS = ("affirm", "book_appointment", "reschedule_appointment")
WISH_BUTTONS = [
    {"title": "Au plus tôt", "payload": "au plus tôt"},
    {"title": "Cette semaine", "payload": "cette semaine"},
    {"title": "Semaine prochaine", "payload": "la semaine prochaine"},
]


def current_wish(tracker: Tracker) -> DateWish:
    """The stored wish, or 'as soon as possible' when there is none."""
    return DateWish.from_slot(tracker.get_slot("appointment_wish")) or parse_date_wish(
        "au plus tôt")


def offered_starts(tracker: Tracker) -> List[str]:
    offer = tracker.get_slot("appointment_offer")
    return list(offer.get("starts") or []) if isinstance(offer, dict) else []


def fits(start: Optional[str], wish: DateWish) -> bool:
    moment = parse_start(start)
    if moment is None:
        return False
    day_ok = wish.asap or wish.earliest <= moment.date() <= wish.latest
    time_ok = wish.at is None or (moment.hour, moment.minute) == (wish.at.hour, wish.at.minute)
    return day_ok and time_ok and wish.accepts(moment)


def typed_choice(tracker: Tracker) -> Optional[str]:
    """The slot the citizen chose: a button's ISO ``time`` entity, the offered slot whose
    rank is typed ("le deuxième"), or one offered slot matching the time (and day) typed
    ("celui de 10h")."""
    for value in entity_values(tracker, "time"):
        moment = parse_start(value)
        if moment:
            return moment.isoformat()
    text = latest_text(tracker)
    if not text:
        return None
    ranked = pick_by_rank(text, offered_starts(tracker))
    if ranked:
        return ranked
    wish = parse_time_wish(text)
    if wish is None:
        return None
    matches = [start for start in offered_starts(tracker) if fits(start, wish)]
    return matches[0] if len(matches) == 1 else None


def _wish_words(tracker: Tracker) -> str:
    values = entity_values(tracker, "date") + [
        value for value in entity_values(tracker, "time") if parse_start(value) is None]
    return wish_text(values)


class SlotChoiceMixin:
    """``extract_``/``validate_`` methods of ``appointment_wish`` and ``appointment_start``."""

    own_intents: tuple = ()

    async def extract_appointment_wish(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                       domain: Dict[Text, Any]) -> Dict[Text, Any]:
        asked = requested_slot(tracker, self.form_name())  # type: ignore[attr-defined]
        if asked == "appointment_start" and typed_choice(tracker):
            return {}
        words = _wish_words(tracker)
        if not words and asked == "appointment_wish" and is_answer(tracker, self.own_intents):
            words = latest_text(tracker)
            if not words:
                return {}
        if not words:
            return {}
        wish = parse_date_wish(words, paris_today())
        if isinstance(wish, UnusableDate):
            dispatcher.utter_message(text=wish.reason)
            return {"appointment_wish": None, "appointment_start": None,
                    "appointment_confirmed": None}
        known = DateWish.from_slot(tracker.get_slot("appointment_wish"))
        if known:
            wish = wish.within(known)  # "plutôt l'après-midi": same days, other hours
        if wish.to_slot() == tracker.get_slot("appointment_wish"):
            return {}
        values: Dict[Text, Any] = {"appointment_wish": wish.to_slot()}
        if not fits(tracker.get_slot("appointment_start"), wish):
            values.update(appointment_start=None, appointment_confirmed=None)
        return values

    async def extract_appointment_start(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                        domain: Dict[Text, Any]) -> Dict[Text, Any]:
        choice = typed_choice(tracker)
        if choice:
            return {"appointment_start": choice, "appointment_confirmed": None}
        if requested_slot(tracker, self.form_name()) != "appointment_start":  # type: ignore[attr-defined]
            return {}
        if _wish_words(tracker):
            return {}  # a new wish: extract_appointment_wish handles it
        intent, _ = latest_intent(tracker)
        if intent in RETRY_INTENTS:
            return {"appointment_start": None}  # asked again, slots fetched again
        if is_answer(tracker, self.own_intents):
            dispatcher.utter_message(text="Je n'ai pas reconnu ce créneau. Choisissez l'un des "
                                          "boutons, ou indiquez-moi un autre jour.")
            return {"appointment_start": None}
        return {}

    async def validate_appointment_wish(self, value: Any, dispatcher: CollectingDispatcher,
                                        tracker: Tracker, domain: Dict[Text, Any]) -> Dict[Text, Any]:
        return {"appointment_wish": value if DateWish.from_slot(value) else None}

    async def validate_appointment_start(self, value: Any, dispatcher: CollectingDispatcher,
                                         tracker: Tracker, domain: Dict[Text, Any]) -> Dict[Text, Any]:
        moment = parse_start(value)
        if value is not None and (moment is None or moment <= datetime.now(moment.tzinfo)):
            dispatcher.utter_message(text="Ce créneau est déjà passé. Merci d'en choisir un autre.")
            return {"appointment_start": None}
        return {"appointment_start": moment.isoformat() if moment else None}


class ActionAskAppointmentWish(Action):
    """Asks when the citizen would like to come (to book, or to move an appointment)."""

    def name(self) -> Text:
        return "action_ask_appointment_wish"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        details = tracker.get_slot("appointment_details")
        text = "Quel jour vous arrangerait ? Vous pouvez écrire par exemple « mardi prochain le matin » ou « après le 15 »."
        if (tracker.active_loop or {}).get("name") == "reschedule_appointment_form" and isinstance(details, dict):
            start = parse_start(details.get("start"))
            when = f" du {french_datetime(start)}" if start else ""
            text = f"Votre rendez-vous{when} peut être déplacé. {text}"
        dispatcher.utter_message(text=text, buttons=WISH_BUTTONS)
        return []


class ActionAskAppointmentStart(Action):
    """Offers free slots fitting the wish (or the next ones, saying why) as buttons."""

    def name(self) -> Text:
        return "action_ask_appointment_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        procedure = tracker.get_slot("procedure")
        wish = current_wish(tracker)
        try:
            proposal = await propose(procedure, wish, paris_today())
        except BackOfficeError as error:
            say_error(dispatcher, error, "aucun rendez-vous n'a été réservé ni modifié")
            dispatcher.utter_message(text="Voulez-vous que je réessaie ?",
                                     buttons=[{"title": "Réessayer", "payload": "/affirm"}])
            return [SlotSet("appointment_offer", None)]
        if not proposal.starts:
            dispatcher.utter_message(text=proposal.note, buttons=[HUMAN_BUTTON])
            return [SlotSet("appointment_offer", None)]
        when = (f"les premiers créneaux libres{wish.describe().replace('au plus tôt', '')}"
                if wish.asap else f"les créneaux libres {wish.describe()}")
        intro = proposal.note or f"Voici {when} ({short_title(procedure)}) :"
        dispatcher.utter_message(text=intro, buttons=slot_buttons(proposal.starts))
        dispatcher.utter_message(text="Aucun ne vous convient ? Indiquez-moi simplement un autre jour.")
        return [SlotSet("appointment_offer", {"procedure": procedure,
                                              "starts": [s.isoformat() for s in proposal.starts]})]
