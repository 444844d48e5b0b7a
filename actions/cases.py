"""Following a case: reference + e-mail, then its status, next step and missing documents.

``case_status_form`` asks for the reference (a malformed one gets the expected format
and the meaning of the prefixes) and the requester's e-mail. ``action_check_case_status``
calls POST /cases/lookup (POST /appointments/lookup for an RDV-… reference) with the
conversation id as client id, so the back office can limit guesses. Details are told only
when both match; a wrong pair gets the back office's neutral answer, counted in
``identity_failures``: from the third, a person is offered. Too many attempts (429) get
the back office's French message.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.api.backoffice import BackOfficeError, BackOfficeUnavailable, get_client
from actions.appointments.changes import describe as describe_appointment
from actions.appointments.procedures import bullet_list
from actions.citizen_forms import (REFERENCE_HELP, ContactSlotsMixin, client_id, find_reference,
                                   identity_failure, is_answer, reference_prefix, requested_slot)
from actions.dates import french_date
from actions.replies import HUMAN_BUTTON, say_refused, say_unavailable

FORM = "case_status_form"
RETRY = "/check_case_status"


class ValidateCaseStatusForm(ContactSlotsMixin, FormValidationAction):
    own_intents = ("check_case_status",)

    def name(self) -> Text:
        return "validate_case_status_form"

    async def extract_case_reference(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: Dict[Text, Any]) -> Dict[Text, Any]:
        asked = requested_slot(tracker, FORM)
        found = find_reference(tracker)
        if found.value:
            return {"case_reference": found.value}
        if asked in (None, "case_reference") and found.problem:  # None: the first message
            dispatcher.utter_message(text=found.problem)
            return {"case_reference": None}
        if asked == "case_reference" and is_answer(tracker, self.own_intents):
            dispatcher.utter_message(text="Je n'ai pas trouvé de référence dans votre message. "
                                          + REFERENCE_HELP)
            return {"case_reference": None}
        return {}

    async def validate_case_reference(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return {"case_reference": value}

    async def validate_citizen_email(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return {"citizen_email": value}


def _day(value: Any) -> str:
    try:
        return french_date(datetime.fromisoformat(str(value)).date(), year=True)
    except ValueError:
        return ""


def case_text(case: Dict[str, Any]) -> str:
    """Status, date, next step and missing documents of a case, in French."""
    since = _day(case.get("updated_at"))
    lines = [f"{case.get('kind_label', 'Dossier')} {case['reference']} : {case.get('title', '')}".strip(),
             f"Statut : {case.get('status_label') or case.get('status')}"
             + (f" (depuis le {since})" if since else "") + "."]
    missing = case.get("missing_documents") or []
    if missing:
        lines.append("Pièces manquantes :\n" + bullet_list(missing))
    if case.get("next_step"):
        lines.append(f"Prochaine étape : {case['next_step']}")
    return "\n".join(lines)


class ActionCheckCaseStatus(Action):
    """Tells the status of the case (or appointment) when reference and e-mail match."""

    def name(self) -> Text:
        return "action_check_case_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        reference = tracker.get_slot("case_reference")
        email = tracker.get_slot("citizen_email")
        if not (reference and email):
            dispatcher.utter_message(text="Il me faut la référence du dossier et l'adresse e-mail "
                                          "donnée lors de la demande.",
                                     buttons=[{"title": "Suivre un dossier", "payload": RETRY}])
            return [SlotSet("case_reference", None)]
        appointment = reference_prefix(reference) == "RDV"
        path = "/appointments/lookup" if appointment else "/cases/lookup"
        try:
            found = await get_client().acall("POST", path, json_body={"reference": reference,
                                                                       "email": email},
                                             client_id=client_id(tracker))
        except BackOfficeUnavailable:
            say_unavailable(dispatcher)
            return [SlotSet("case_reference", None)]
        except BackOfficeError as error:
            return self._failed(dispatcher, tracker, error)
        if appointment:
            state = "annulé" if found.get("status") == "cancelled" else "confirmé"
            dispatcher.utter_message(text=f"Votre rendez-vous {describe_appointment(found)} est {state} "
                                          f"(référence {found['reference']}).")
        else:
            dispatcher.utter_message(text=case_text(found))
        return [SlotSet("case_reference", None)]

    @staticmethod
    def _failed(dispatcher: CollectingDispatcher, tracker: Tracker,
                error: BackOfficeError) -> List[Dict[Text, Any]]:
        reset = [SlotSet("case_reference", None), SlotSet("citizen_email", None)]
        if error.status == 429:
            dispatcher.utter_message(text=error.message, buttons=[HUMAN_BUTTON])
            return reset
        if error.status == 404:
            return reset + identity_failure(dispatcher, tracker, error.message, RETRY)
        say_refused(dispatcher, error)
        return reset
