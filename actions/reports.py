"""Reports of problems in public space: category, place, description, contact -> SIG-… reference.

``action_start_report`` opens every report: it looks for a danger in the message (the
category "danger" or words such as gaz, câble tombé, inondation, blessé, incendie) and
then gives the emergency numbers AT ONCE, marks the report high priority and sets the
slot ``urgency`` to "high" for the hand-off. ``report_form`` then asks what is missing,
shows a summary and asks for confirmation; ``action_submit_report`` creates the report
(POST /reports, idempotent) and gives its reference, or says clearly it was not made.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.api.backoffice import BackOfficeError
from actions.commune_info import commune_identity
from actions.entities import first_entity
from actions.streets import lookup_street, validate_street_answer
from actions.territory_contacts import contact_parts, optional, validate_contact
from actions.territory_data import load_data
from actions.territory_forms import (SKIPPED, YES_NO_BUTTONS, SubmitRequestAction,
                                     TerritoryFormValidation, accepted, ask_again, is_skip,
                                     reset_events)
from actions.territory_text import (clean_input, fold, house_number,
                                    house_number_in, matches_any, names_a_street)

FORM_SLOTS = ["report_category", "report_street", "report_details", "report_description",
              "report_contact", "report_confirm"]
FLOW_SLOTS = [*FORM_SLOTS, "report_priority"]
NOT_RECORDED = "votre signalement n'a pas été enregistré"
HIGH = "high"


# -- danger ----------------------------------------------------------------------------
def danger_numbers(text: Any, category: Optional[str], flagged: bool = False) -> List[str]:
    """Emergency numbers to give for the dangers found in ``text`` (empty: no danger).

    ``flagged``: the NLU's urgency detector already marked the message as a danger.
    """
    rules = load_data("danger")
    numbers: List[str] = []
    for kind in rules["kinds"]:
        if matches_any(text, kind["patterns"]):
            numbers += [n for n in kind["numbers"] if n not in numbers]
    if not numbers and (category == "danger" or flagged):
        numbers = list(rules["default_numbers"])
    return numbers


def flagged_as_danger(tracker: Tracker) -> bool:
    """Whether the NLU's urgency detector (guichet_nlu.urgency) marked the latest message."""
    urgency = (tracker.latest_message or {}).get("urgency")
    return isinstance(urgency, dict) and urgency.get("level") == "danger"


async def emergency_text(numbers: List[str]) -> str:
    """ "⚠️ En cas de danger immédiat, appelez d'abord…" with each number's label."""
    identity = await commune_identity()
    labels = {str(e.get("number")): e.get("label") for e in identity.get("emergency_numbers") or []}
    fallback = load_data("danger")["fallback_labels"]
    lines = [f"• {number} — {labels.get(number) or fallback.get(number, '')}".rstrip(" —")
             for number in numbers]
    return ("⚠️ En cas de danger immédiat, appelez d'abord les secours :\n" + "\n".join(lines)
            + "\nJ'enregistre aussi votre signalement, en priorité.")


async def flag_danger(dispatcher: CollectingDispatcher, tracker: Tracker, text: Any,
                      category: Optional[str]) -> Dict[Text, Any]:
    """Give the emergency numbers (once per report) and mark the report urgent."""
    numbers = danger_numbers(text, category, flagged_as_danger(tracker))
    if not numbers or tracker.get_slot("report_priority") == HIGH:
        return {}
    dispatcher.utter_message(text=await emergency_text(numbers))
    return {"report_priority": HIGH, "urgency": HIGH}


# -- categories ------------------------------------------------------------------------
def categories() -> Dict[str, Dict[str, Any]]:
    return load_data("reports")["categories"]


def category_of(value: Any) -> Optional[str]:
    """The category meant by an entity value, a button or a free answer."""
    if isinstance(value, list):
        value = value[-1] if value else None
    if not isinstance(value, str):
        return None
    if value in categories():
        return value
    for name, category in categories().items():
        if fold(value) == fold(category["title"]) or matches_any(value, category["patterns"]):
            return name
    return None


def only_category_in(text: Any) -> Optional[str]:
    """The one category whose words appear in a free message (None if none or several)."""
    found = [name for name, category in categories().items()
             if matches_any(text, category["patterns"])]
    return found[0] if len(found) == 1 else None


def category_buttons() -> List[Dict[str, str]]:
    return [{"title": c["title"], "payload": f"/inform{json.dumps({'issue_category': name})}"}
            for name, c in categories().items()]


# -- actions ---------------------------------------------------------------------------
async def street_in_message(text: str) -> List[Dict[Text, Any]]:
    """The street (and house number) a report's first message names without the NLU seeing it."""
    if not names_a_street(text):
        return []
    try:
        lookup = await lookup_street(text)
    except BackOfficeError:
        return []  # the form will ask for the street, and say so if the back office is down
    if not lookup.found:
        return []
    number = house_number_in(text)
    details = [SlotSet("report_details", f"au niveau du n° {number}")] if number else []
    return [SlotSet("report_street", lookup.name), *details]


class ActionStartReport(Action):
    """Starts a fresh report: emergency numbers first when there is a danger."""

    def name(self) -> Text:
        return "action_start_report"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        events = reset_events(FLOW_SLOTS)
        text = (tracker.latest_message or {}).get("text") or ""
        typed = not text.lstrip().startswith("/")  # a citizen's words, not a button's payload
        category = category_of(first_entity(tracker, "issue_category"))
        numbers = danger_numbers(text, category, flagged_as_danger(tracker))
        if numbers:
            dispatcher.utter_message(text=await emergency_text(numbers))
            events += [SlotSet("report_priority", HIGH), SlotSet("urgency", HIGH)]
        if category is None and typed:
            category = only_category_in(text) or ("danger" if numbers else None)
            events += [SlotSet("report_category", category)] if category else []
        limits = load_data("reports")["description"]
        description = clean_input(text, limits["max_length"])
        if category and typed and description and len(description) >= limits["prefill_length"]:
            events.append(SlotSet("report_description", description))
        if typed and not first_entity(tracker, "street"):
            events += await street_in_message(text)
        return events


class ValidateReportForm(TerritoryFormValidation):
    form_slots = FORM_SLOTS

    def name(self) -> Text:
        return "validate_report_form"

    async def validate_report_category(self, value: Any, dispatcher: CollectingDispatcher,
                                       tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        category = category_of(value)
        if category is None:
            return ask_again(tracker, dispatcher, "report_category",
                             "Je n'ai pas reconnu le type de problème. Choisissez-le :",
                             category_buttons())
        return {**accepted("report_category", category),
                **await flag_danger(dispatcher, tracker, "", category)}

    async def validate_report_street(self, value: Any, dispatcher: CollectingDispatcher,
                                     tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        result = await validate_street_answer("report_street", value, tracker, dispatcher, NOT_RECORDED)
        number = house_number(value if isinstance(value, str) else "")
        if result.get("report_street") and number and not tracker.get_slot("report_details"):
            result["report_details"] = f"au niveau du n° {number}"
        return result

    async def validate_report_details(self, value: Any, dispatcher: CollectingDispatcher,
                                      tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        details = clean_input(value, 300)
        return accepted("report_details", SKIPPED if not details or is_skip(details) else details)

    async def validate_report_description(self, value: Any, dispatcher: CollectingDispatcher,
                                          tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        limits = load_data("reports")["description"]
        description = clean_input(value, limits["max_length"])
        if not description or len(description) < limits["min_length"]:
            return ask_again(tracker, dispatcher, "report_description",
                             "Pouvez-vous décrire le problème en une phrase ? Par exemple "
                             "« le lampadaire devant l'école ne s'allume plus ».")
        return {**accepted("report_description", description),
                **await flag_danger(dispatcher, tracker, description, tracker.get_slot("report_category"))}

    async def validate_report_contact(self, value: Any, dispatcher: CollectingDispatcher,
                                      tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return validate_contact("report_contact", value, tracker, dispatcher)

    async def validate_report_confirm(self, value: Any, dispatcher: CollectingDispatcher,
                                      tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return accepted("report_confirm", bool(value))


def category_title(category: Optional[str]) -> str:
    return categories().get(category or "", {}).get("title", category or "")


def summary_text(tracker: Tracker) -> str:
    details = optional(tracker.get_slot("report_details"))
    contact = optional(tracker.get_slot("report_contact"))
    urgent = " (prioritaire)" if tracker.get_slot("report_priority") == HIGH else ""
    return (f"Je récapitule votre signalement{urgent} :\n"
            f"• Type : {category_title(tracker.get_slot('report_category'))}\n"
            f"• Lieu : {tracker.get_slot('report_street')}{', ' + details if details else ''}\n"
            f"• Description : {tracker.get_slot('report_description')}\n"
            f"• Contact : {contact or 'aucun (signalement anonyme)'}\n"
            "Je l'envoie aux services de la mairie ?")


class ActionAskReportConfirm(Action):
    def name(self) -> Text:
        return "action_ask_report_confirm"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(text=summary_text(tracker), buttons=YES_NO_BUTTONS)
        return []


def report_body(tracker: Tracker) -> Dict[str, Any]:
    contact = optional(tracker.get_slot("report_contact"))
    parts = contact_parts(contact)
    email, phone = parts["email"], parts["phone"]
    return {
        "category": tracker.get_slot("report_category"),
        "location": {"street": tracker.get_slot("report_street"),
                     "details": optional(tracker.get_slot("report_details"))},
        "description": tracker.get_slot("report_description"),
        "contact": {"email": email, "phone": phone} if (email or phone) else None,
        "priority": HIGH if tracker.get_slot("report_priority") == HIGH else "normal",
    }


def confirmation_text(case: Dict[str, Any], has_email: bool) -> str:
    lines = [f"Merci, votre signalement est enregistré ✅ Référence : {case['reference']}."]
    if case.get("next_step"):
        lines.append(case["next_step"])
    lines.append("Conservez cette référence : avec votre e-mail, elle permet de suivre le signalement."
                 if has_email else
                 "Conservez cette référence pour en parler avec la mairie (sans e-mail, "
                 "le suivi en ligne n'est pas possible).")
    return "\n".join(lines)


class ActionSubmitReport(SubmitRequestAction):
    """Sends the confirmed report (idempotent), or says clearly that nothing was sent."""

    slots = FLOW_SLOTS
    confirm_slot = "report_confirm"
    path = "/reports"
    not_done = NOT_RECORDED
    put_aside = "Je laisse de côté votre signalement : il n'a pas été enregistré."
    declined = f"D'accord, je n'envoie rien : {NOT_RECORDED}."

    def name(self) -> Text:
        return "action_submit_report"

    def body(self, tracker: Tracker) -> Dict[str, Any]:
        return report_body(tracker)

    def confirmation(self, case: Dict[str, Any], body: Dict[str, Any]) -> str:
        return confirmation_text(case, has_email=bool(body["contact"] and body["contact"].get("email")))
