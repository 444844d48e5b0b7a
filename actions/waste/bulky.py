"""Bulky waste (encombrants): explain for the citizen's street, then book a pick-up.

``bulky_waste_form`` asks the street (saying first, from GET /waste/bulky-rounds without a
street, when each sector's round passes, so that a citizen who gives no street still has
an answer), tells the next rounds of its sector and what is
accepted (GET /waste/bulky-rounds), asks whether to book, then the items, name, e-mail,
optional phone, shows a summary and asks for confirmation. ``action_submit_bulky_waste``
then creates the request (POST /bulky-waste-pickups, idempotent) and gives the DEC-…
reference and the date of the round — or says clearly that nothing was booked.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.api.backoffice import BackOfficeError, get_client
from actions.streets import validate_street_answer
from actions.territory_contacts import optional, validate_email, validate_name, validate_phone
from actions.territory_forms import (KEEP_REFERENCE, YES_NO_BUTTONS, ActionAskSlot,
                                     SubmitRequestAction, TerritoryFormValidation, abort_form,
                                     accepted, ask_again)
from actions.territory_text import (bullet_list, clean_input, first_upper, format_day, house_number,
                                    join_words, to_date)

FORM_SLOTS = ["bulky_street", "bulky_booking", "bulky_items", "bulky_name", "bulky_email",
              "bulky_phone", "bulky_confirm"]
FLOW_SLOTS = [*FORM_SLOTS, "bulky_address_details"]
NOT_BOOKED = "aucun enlèvement n'a été réservé"
MAX_ITEMS = 20
MAX_ITEM_LENGTH = 100
_ITEM_SEPARATORS = re.compile(r"\s*(?:[,;\n+/]|\bet\b|\bplus\b|\bainsi qu[e']\b)\s*", re.IGNORECASE)


def split_items(text: Any) -> List[str]:
    """ "un canapé, 2 chaises et un matelas" -> ["un canapé", "2 chaises", "un matelas"]."""
    cleaned = clean_input(text, 1000) if isinstance(text, str) else None
    if not cleaned:
        return []
    return [item[:MAX_ITEM_LENGTH].strip(" .") for item in _ITEM_SEPARATORS.split(cleaned)
            if item.strip(" .")]


def rounds_text(body: Dict[str, Any]) -> str:
    """Next rounds of the street's sector."""
    days = [f"le {format_day(found['date'])}" for found in body.get("rounds") or []]
    street = first_upper(body.get("street") or "votre secteur")
    if not days:
        return f"{street} : aucune tournée des encombrants n'est prévue pour le moment."
    later = f" (puis {join_words(days[1:3])})" if len(days) > 1 else ""
    return (f"{street} : prochaine tournée des encombrants {days[0]}{later}. "
            "Je peux enregistrer votre demande d'enlèvement.")


def sectors_text(body: Dict[str, Any]) -> str:
    """ "Secteur nord : 1er mardi du mois (prochaine le mardi 6 avril)" for each sector."""
    lines = []
    for sector in body.get("sectors") or []:
        week = sector["week_of_month"]
        rule = f"{'1er' if week == 1 else f'{week}e'} {sector['weekday']} du mois"
        rounds = sector.get("rounds") or []
        following = f" (prochaine le {format_day(rounds[0]['date'])})" if rounds else ""
        lines.append(f"{first_upper(sector['sector_name'])} : {rule}{following}")
    if not lines:
        return ""
    return "Tournées des encombrants, selon votre secteur :\n" + bullet_list(lines)


def accepted_text(body: Dict[str, Any]) -> str:
    lines = [f"Acceptés ({body['max_volume']}) :" if body.get("max_volume") else "Acceptés :",
             bullet_list(body.get("accepted") or []), "Refusés :", bullet_list(body.get("refused") or [])]
    return "\n".join(line for line in lines if line)


class ActionAskBulkyStreet(ActionAskSlot):
    """Asks the street, after the rounds of every sector (when the back office answers)."""

    slot = "bulky_street"

    async def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        try:
            body = await get_client().acall("GET", "/waste/bulky-rounds")
        except BackOfficeError:
            body = {}  # the question alone; the street's answer will say if it fails
        text = sectors_text(body)
        if text:
            dispatcher.utter_message(text=text)
        dispatcher.utter_message(response="utter_ask_bulky_street")


class ValidateBulkyWasteForm(TerritoryFormValidation):
    form_slots = FORM_SLOTS

    def name(self) -> Text:
        return "validate_bulky_waste_form"

    def active_slots(self, tracker: Tracker) -> List[str]:
        if tracker.get_slot("bulky_booking") is False:
            return FORM_SLOTS[:2]
        return list(FORM_SLOTS)

    async def validate_bulky_street(self, value: Any, dispatcher: CollectingDispatcher,
                                    tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        result = await validate_street_answer("bulky_street", value, tracker, dispatcher, NOT_BOOKED)
        street = result.get("bulky_street")
        if not street:
            return result
        try:
            body = await get_client().acall("GET", "/waste/bulky-rounds", params={"street": street})
        except BackOfficeError as error:
            return abort_form(dispatcher, error, NOT_BOOKED)
        dispatcher.utter_message(text=rounds_text(body))
        dispatcher.utter_message(text=accepted_text(body))
        details = house_number(value if isinstance(value, str) else "")
        return {**result, "bulky_address_details": f"n° {details}" if details else None}

    async def validate_bulky_booking(self, value: Any, dispatcher: CollectingDispatcher,
                                     tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return accepted("bulky_booking", bool(value))

    async def validate_bulky_items(self, value: Any, dispatcher: CollectingDispatcher,
                                   tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        items = split_items(value)
        if not items:
            return ask_again(tracker, dispatcher, "bulky_items",
                             "Je n'ai pas compris quels objets enlever. Listez-les, par exemple "
                             "« un canapé, un matelas ».")
        if len(items) > MAX_ITEMS:
            return ask_again(tracker, dispatcher, "bulky_items",
                             f"C'est beaucoup pour un seul enlèvement : indiquez au plus {MAX_ITEMS} objets.")
        return accepted("bulky_items", items)

    async def validate_bulky_name(self, value: Any, dispatcher: CollectingDispatcher,
                                  tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return validate_name("bulky_name", value, tracker, dispatcher)

    async def validate_bulky_email(self, value: Any, dispatcher: CollectingDispatcher,
                                   tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return validate_email("bulky_email", value, tracker, dispatcher)

    async def validate_bulky_phone(self, value: Any, dispatcher: CollectingDispatcher,
                                   tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return validate_phone("bulky_phone", value, tracker, dispatcher)

    async def validate_bulky_confirm(self, value: Any, dispatcher: CollectingDispatcher,
                                     tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return accepted("bulky_confirm", bool(value))


def summary_text(tracker: Tracker) -> str:
    where = tracker.get_slot("bulky_street")
    details = tracker.get_slot("bulky_address_details")
    contact = join_words([v for v in (tracker.get_slot("bulky_email"),
                                      optional(tracker.get_slot("bulky_phone"))) if v])
    return (f"Je récapitule votre demande d'enlèvement d'encombrants :\n"
            f"• Adresse : {details + ' ' if details else ''}{where}\n"
            f"• Objets : {', '.join(tracker.get_slot('bulky_items') or [])}\n"
            f"• Au nom de : {tracker.get_slot('bulky_name')} ({contact})\n"
            f"Je confirme la réservation ?")


class ActionAskBulkyConfirm(Action):
    """The summary of the booking, with Oui / Non buttons."""

    def name(self) -> Text:
        return "action_ask_bulky_confirm"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(text=summary_text(tracker), buttons=YES_NO_BUTTONS)
        return []


def pickup_body(tracker: Tracker) -> Dict[str, Any]:
    return {"street": tracker.get_slot("bulky_street"),
            "address_details": tracker.get_slot("bulky_address_details"),
            "items": tracker.get_slot("bulky_items"), "name": tracker.get_slot("bulky_name"),
            "email": tracker.get_slot("bulky_email"),
            "phone": optional(tracker.get_slot("bulky_phone"))}


def confirmation_text(case: Dict[str, Any]) -> str:
    """ "C'est réservé…" with the reference, the round's date and what to do."""
    pickup = case.get("pickup") or {}
    day = to_date(pickup.get("date"))
    lines = [f"C'est réservé ✅ Votre référence : {case['reference']}."]
    if day:
        lines.append(f"Enlèvement le {format_day(day)}.")
    numeric = day.strftime("%d/%m/%Y") if day else None
    steps = [s.strip() for s in (case.get("next_step") or "").split(". ") if s.strip()]
    lines.extend(s if s.endswith(".") else f"{s}." for s in steps if not numeric or numeric not in s)
    lines.append(KEEP_REFERENCE)
    return "\n".join(lines)


class ActionSubmitBulkyWaste(SubmitRequestAction):
    """Books the pick-up once confirmed (idempotent: a retry never books twice)."""

    slots = FLOW_SLOTS
    confirm_slot = "bulky_confirm"
    path = "/bulky-waste-pickups"
    not_done = "votre demande d'enlèvement n'a pas été enregistrée"
    put_aside = f"Je laisse de côté votre demande d'enlèvement : {NOT_BOOKED}."
    declined = "D'accord, j'annule : aucun enlèvement n'a été réservé."

    def name(self) -> Text:
        return "action_submit_bulky_waste"

    def declined_before_summary(self, tracker: Tracker, dispatcher: CollectingDispatcher) -> bool:
        if tracker.get_slot("bulky_booking") is not False:
            return False
        dispatcher.utter_message(text="D'accord, je n'ai rien réservé. Vous pouvez aussi "
                                      "apporter vos encombrants à la déchetterie.")
        return True

    def body(self, tracker: Tracker) -> Dict[str, Any]:
        return pickup_body(tracker)

    def confirmation(self, case: Dict[str, Any], body: Dict[str, Any]) -> str:
        return confirmation_text(case)
