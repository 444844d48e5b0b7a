"""Bin requests (new, bigger, broken or stolen bin): record them as DEC cases.

``bin_request_form`` asks what the problem is (entity ``bin_problem``, or buttons), says
what the waste service will need for it, then asks the street, the name and the e-mail,
shows a summary and asks for confirmation. ``action_submit_bin_request`` then records the
request (POST /bin-requests, idempotent) and gives the DEC-… reference — or says
clearly that nothing was recorded.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.streets import validate_street_answer
from actions.territory_contacts import validate_email, validate_name
from actions.territory_data import load_data
from actions.territory_forms import (KEEP_REFERENCE, YES_NO_BUTTONS, ActionAskSlot,
                                     SubmitRequestAction, TerritoryFormValidation, accepted,
                                     ask_again)
from actions.territory_text import fold

FORM_SLOTS = ["bin_problem", "bin_street", "bin_name", "bin_email", "bin_confirm"]
NOT_RECORDED = "votre demande de bac n'a pas été enregistrée"


def problem_text(problem: Any) -> str:
    texts = load_data("topics")["bin_problems"]
    return texts.get(problem) or texts["default"]


def problem_buttons() -> List[Dict[str, str]]:
    labels = load_data("topics")["bin_problem_labels"]
    return [{"title": label, "payload": f'/inform{{"bin_problem": "{code}"}}'}
            for code, label in labels.items()]


def problem_of(value: Any) -> Any:
    """The problem code meant by ``value`` (a code, or words such as "il est cassé")."""
    if isinstance(value, list):
        value = value[-1] if value else None
    if not isinstance(value, str):
        return None
    keywords = load_data("topics")["bin_problem_keywords"]
    if value in keywords:
        return value
    words = fold(value)
    return next((code for code, found in keywords.items()
                 if any(word in words for word in found)), None)


class ActionAskBinProblem(ActionAskSlot):
    """What the bin needs, with one button per problem."""

    slot = "bin_problem"

    async def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        dispatcher.utter_message(text="Que faut-il à votre bac ?", buttons=problem_buttons())


class ValidateBinRequestForm(TerritoryFormValidation):
    form_slots = FORM_SLOTS

    def name(self) -> Text:
        return "validate_bin_request_form"

    async def validate_bin_problem(self, value: Any, dispatcher: CollectingDispatcher,
                                   tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        problem = problem_of(value)
        if problem is None:
            return ask_again(tracker, dispatcher, "bin_problem",
                             "Je n'ai pas compris ce qu'il faut à votre bac. Choisissez :",
                             problem_buttons())
        dispatcher.utter_message(text=problem_text(problem))
        return accepted("bin_problem", problem)

    async def validate_bin_street(self, value: Any, dispatcher: CollectingDispatcher,
                                  tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return await validate_street_answer("bin_street", value, tracker, dispatcher, NOT_RECORDED)

    async def validate_bin_name(self, value: Any, dispatcher: CollectingDispatcher,
                                tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return validate_name("bin_name", value, tracker, dispatcher)

    async def validate_bin_email(self, value: Any, dispatcher: CollectingDispatcher,
                                 tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return validate_email("bin_email", value, tracker, dispatcher)

    async def validate_bin_confirm(self, value: Any, dispatcher: CollectingDispatcher,
                                   tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return accepted("bin_confirm", bool(value))


def summary_text(tracker: Tracker) -> str:
    label = load_data("topics")["bin_problem_labels"].get(tracker.get_slot("bin_problem"), "")
    return (f"Je récapitule votre demande de bac :\n"
            f"• Demande : {label}\n"
            f"• Adresse : {tracker.get_slot('bin_street')}\n"
            f"• Au nom de : {tracker.get_slot('bin_name')} ({tracker.get_slot('bin_email')})\n"
            f"Je l'enregistre ?")


class ActionAskBinConfirm(Action):
    """The summary of the bin request, with Oui / Non buttons."""

    def name(self) -> Text:
        return "action_ask_bin_confirm"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(text=summary_text(tracker), buttons=YES_NO_BUTTONS)
        return []


def request_body(tracker: Tracker) -> Dict[str, Any]:
    return {"problem": tracker.get_slot("bin_problem"), "street": tracker.get_slot("bin_street"),
            "name": tracker.get_slot("bin_name"), "email": tracker.get_slot("bin_email")}


def confirmation_text(case: Dict[str, Any]) -> str:
    lines = [f"C'est enregistré ✅ Votre référence : {case['reference']}."]
    if case.get("next_step"):
        lines.append(case["next_step"])
    lines.append(KEEP_REFERENCE)
    return "\n".join(lines)


class ActionSubmitBinRequest(SubmitRequestAction):
    """Records the bin request once confirmed (idempotent: a retry never records twice)."""

    slots = FORM_SLOTS
    confirm_slot = "bin_confirm"
    path = "/bin-requests"
    not_done = NOT_RECORDED
    put_aside = f"Je laisse de côté votre demande de bac : {NOT_RECORDED}."
    declined = f"D'accord, j'annule : {NOT_RECORDED}."

    def name(self) -> Text:
        return "action_submit_bin_request"

    def body(self, tracker: Tracker) -> Dict[str, Any]:
        return request_body(tracker)

    def confirmation(self, case: Dict[str, Any], body: Dict[str, Any]) -> str:
        return confirmation_text(case)
