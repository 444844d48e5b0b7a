"""Cancelling and moving an appointment, after checking its reference and e-mail.

Both forms first ask for the RDV-… reference and the e-mail given at booking, and
check them together with POST /appointments/lookup: a wrong pair gets the back office's
neutral answer (it never says which one is wrong) and is counted in
``identity_failures``. Cancelling then shows the appointment and asks for confirmation
before POST /appointments/{ref}/cancel; moving asks for a new date wish, offers free
slots and calls POST /appointments/{ref}/reschedule with the chosen one.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.api.backoffice import BackOfficeError, BackOfficeUnavailable, get_client
from actions.appointments.choosing import SlotChoiceMixin
from actions.appointments.slots import parse_start
from actions.citizen_forms import (ContactSlotsMixin, client_id, find_reference,
                                   identity_failure, is_answer, latest_intent, reference_prefix,
                                   requested_slot)
from actions.dates import french_datetime
from actions.replies import HUMAN_BUTTON, say_error, say_refused, say_unavailable

CANCEL_FORM = "cancel_appointment_form"
RESCHEDULE_FORM = "reschedule_appointment_form"
NOT_AN_APPOINTMENT = ("La référence {reference} n'est pas celle d'un rendez-vous : une référence "
                      "de rendez-vous commence par RDV, par exemple RDV-2026-00042.")


def describe(details: Dict[str, Any]) -> str:
    """'« Passeport » le mardi 1er décembre 2026 à 9 h 30, Mairie, 1 place…'."""
    start = parse_start(details.get("start"))
    when = f" le {french_datetime(start, year=True)}" if start else ""
    place = f", {details['address']}" if details.get("address") else ""
    return f"« {details.get('procedure_name') or details.get('procedure')} »{when}{place}"


class AppointmentAccessMixin(ContactSlotsMixin):
    """Reference and e-mail of an existing appointment, checked against the back office."""

    async def extract_appointment_reference(self, dispatcher: CollectingDispatcher,
                                            tracker: Tracker,
                                            domain: Dict[Text, Any]) -> Dict[Text, Any]:
        asked = requested_slot(tracker, self.form_name())
        found = find_reference(tracker)
        if found.value and reference_prefix(found.value) != "RDV":
            dispatcher.utter_message(text=NOT_AN_APPOINTMENT.format(reference=found.value))
            return {"appointment_reference": None}
        if found.value:
            return {"appointment_reference": found.value}
        if asked in (None, "appointment_reference") and found.problem:  # None: the first message
            dispatcher.utter_message(text=found.problem)
            return {"appointment_reference": None}
        if asked == "appointment_reference" and is_answer(tracker, self.own_intents):
            dispatcher.utter_message(text="Je n'ai pas trouvé de référence dans votre message. "
                                          "Elle commence par RDV, par exemple RDV-2026-00042, et "
                                          "figure dans la confirmation de votre rendez-vous.")
            return {"appointment_reference": None}
        return {}

    async def validate_appointment_reference(self, value: Any, dispatcher: CollectingDispatcher,
                                             tracker: Tracker,
                                             domain: Dict[Text, Any]) -> Dict[Text, Any]:
        email = tracker.get_slot("citizen_email")
        if not value or not email:
            return {"appointment_reference": value, "appointment_details": None}
        return await self._verify(dispatcher, tracker, value, email)

    async def validate_citizen_email(self, value: Any, dispatcher: CollectingDispatcher,
                                     tracker: Tracker, domain: Dict[Text, Any]) -> Dict[Text, Any]:
        reference = tracker.get_slot("appointment_reference")
        details = tracker.get_slot("appointment_details")
        if tracker.get_slot("citizen_email") is None:
            return {"citizen_email": None}  # just forgotten: the pair did not match
        if not value or not reference or (isinstance(details, dict)
                                          and details.get("reference") == reference):
            return {"citizen_email": value}
        return await self._verify(dispatcher, tracker, reference, value)

    async def _verify(self, dispatcher: CollectingDispatcher, tracker: Tracker, reference: str,
                      email: str) -> Dict[Text, Any]:
        """Looks the appointment up; forgets the pair when it does not match."""
        try:
            details = await get_client().acall(
                "POST", "/appointments/lookup", json_body={"reference": reference, "email": email},
                client_id=client_id(tracker))
        except BackOfficeUnavailable:
            say_unavailable(dispatcher, "rien n'a été modifié")
            return {"appointment_reference": reference, "citizen_email": None}
        except BackOfficeError as error:
            return self._not_found(dispatcher, tracker, error)
        return {"appointment_reference": reference, "citizen_email": email,
                "appointment_details": details, "procedure": details.get("procedure")}

    @staticmethod
    def _not_found(dispatcher: CollectingDispatcher, tracker: Tracker,
                   error: BackOfficeError) -> Dict[Text, Any]:
        reset = {"citizen_email": None, "appointment_reference": None, "appointment_details": None}
        if error.status == 429:
            dispatcher.utter_message(text=error.message, buttons=[HUMAN_BUTTON])
            return reset
        if error.status != 404:
            say_refused(dispatcher, error)
            return reset
        for event in identity_failure(dispatcher, tracker, error.message):
            reset[event["name"]] = event["value"]
        return reset


class ValidateCancelAppointmentForm(AppointmentAccessMixin, FormValidationAction):
    own_intents = ("cancel_appointment",)

    def name(self) -> Text:
        return "validate_cancel_appointment_form"

    async def extract_cancel_confirmed(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                       domain: Dict[Text, Any]) -> Dict[Text, Any]:
        if requested_slot(tracker, CANCEL_FORM) != "cancel_confirmed":
            return {}
        intent, _ = latest_intent(tracker)
        if intent in ("affirm", "cancel_appointment"):
            return {"cancel_confirmed": True}
        if intent == "deny" or not is_answer(tracker, self.own_intents):
            return {}
        dispatcher.utter_message(text="Répondez « oui » pour annuler ce rendez-vous, ou « non » "
                                      "pour le garder.")
        return {"cancel_confirmed": None}

    async def validate_cancel_confirmed(self, value: Any, dispatcher, tracker,
                                        domain) -> Dict[Text, Any]:
        return {"cancel_confirmed": True if value is True else None}


class ActionAskCancelConfirmed(Action):
    def name(self) -> Text:
        return "action_ask_cancel_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        details = tracker.get_slot("appointment_details") or {}
        status = " (il est déjà annulé)" if details.get("status") == "cancelled" else ""
        dispatcher.utter_message(
            text=f"J'ai bien trouvé votre rendez-vous {describe(details)}{status}. "
                 "Confirmez-vous son annulation ?",
            buttons=[{"title": "Oui, l'annuler", "payload": "/affirm"},
                     {"title": "Non, le garder", "payload": "/deny"}])
        return []


def _reset(*slots: str) -> List[Dict[Text, Any]]:
    return [SlotSet(slot, None) for slot in slots]


class ActionCancelAppointment(Action):
    """POST /appointments/{ref}/cancel once the citizen confirmed."""

    def name(self) -> Text:
        return "action_cancel_appointment"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        reference = tracker.get_slot("appointment_reference")
        email = tracker.get_slot("citizen_email")
        done = _reset("appointment_reference", "appointment_details", "cancel_confirmed")
        if not (reference and email and tracker.get_slot("cancel_confirmed") is True):
            dispatcher.utter_message(text="Je n'ai rien annulé : il me manque la référence ou "
                                          "votre confirmation.")
            return done
        try:
            cancelled = await get_client().acall(
                "POST", f"/appointments/{reference}/cancel", json_body={"email": email},
                client_id=client_id(tracker))
        except BackOfficeUnavailable:
            say_unavailable(dispatcher, "votre rendez-vous n'a pas été annulé")
            return done
        except BackOfficeError as error:
            if error.status == 404:
                return done + identity_failure(dispatcher, tracker, error.message)
            say_refused(dispatcher, error)
            return done
        dispatcher.utter_message(
            text=f"C'est fait : votre rendez-vous {describe(cancelled)} est annulé "
                 f"(référence {cancelled['reference']}). Vous pourrez en reprendre un quand vous voudrez.",
            buttons=[{"title": "Prendre rendez-vous", "payload": "/book_appointment"}])
        return done


class ValidateRescheduleAppointmentForm(SlotChoiceMixin, AppointmentAccessMixin, FormValidationAction):
    own_intents = ("reschedule_appointment",)

    def name(self) -> Text:
        return "validate_reschedule_appointment_form"


class ActionRescheduleAppointment(Action):
    """POST /appointments/{ref}/reschedule with the chosen slot."""

    def name(self) -> Text:
        return "action_reschedule_appointment"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        reference = tracker.get_slot("appointment_reference")
        email = tracker.get_slot("citizen_email")
        start = tracker.get_slot("appointment_start")
        details: Optional[Dict[str, Any]] = tracker.get_slot("appointment_details")
        done = _reset("appointment_details", "appointment_wish", "appointment_start",
                      "appointment_offer")  # the reference stays: it does not change
        if not (reference and email and start):
            dispatcher.utter_message(text="Je n'ai rien modifié : il me manque la référence ou le "
                                          "nouveau créneau.")
            return done
        try:
            moved = await get_client().acall(
                "POST", f"/appointments/{reference}/reschedule",
                json_body={"email": email, "start": start}, client_id=client_id(tracker))
        except BackOfficeUnavailable:
            kept = f" ; il reste prévu {describe(details)}" if details else ""
            say_unavailable(dispatcher, f"votre rendez-vous n'a pas été déplacé{kept}")
            return done
        except BackOfficeError as error:
            if error.status == 404:
                return done + identity_failure(dispatcher, tracker, error.message)
            say_error(dispatcher, error)
            if error.code in ("slot_unavailable", "slot_too_soon", "slot_too_far", "slot_in_past",
                              "service_closed", "slot_outside_opening_hours"):
                dispatcher.utter_message(text="Votre rendez-vous n'a pas été modifié. Je vous "
                                              "propose d'autres créneaux.")
                return [SlotSet("appointment_start", None), SlotSet("appointment_offer", None),
                        FollowupAction(RESCHEDULE_FORM)]
            return done
        dispatcher.utter_message(
            text=f"C'est noté : votre rendez-vous est déplacé. Nouveau rendez-vous : "
                 f"{describe(moved)}. Votre référence ne change pas : {moved['reference']}.")
        return done
