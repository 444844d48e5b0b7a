"""Booking an appointment: the form, its questions and the booking itself.

``appointment_form`` asks, in order: the procedure, the date wish, a free slot, the
citizen's name, e-mail and (optional) phone, then a summary to confirm. Anything given
earlier — "rdv passeport mardi prochain le matin" — is taken at once, and any value can
be changed along the way ("non, plutôt jeudi", "en fait c'est pour un passeport").
``action_book_appointment`` then books with POST /appointments (idempotency key from the
conversation and the values, so a retry never books twice) and answers with the
reference, the date, the place and the documents to bring — or says clearly that
nothing was booked, offering other slots when the chosen one was taken meanwhile.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.api.backoffice import BackOfficeError, BackOfficeUnavailable, get_client, idempotency_key
from actions.appointments.choosing import SlotChoiceMixin
from actions.appointments.procedures import (SITUATIONS, bullet_list, documents_for,
                                             fallback_procedure_buttons, fetch_procedures,
                                             procedure_buttons, short_title, situation_buttons)
from actions.appointments.slots import parse_start
from actions.citizen_forms import (ContactSlotsMixin, changes_something, client_id, is_answer,
                                   latest_intent, latest_text, phone_or_none, requested_slot)
from actions.dates import french_datetime
from actions.replies import say_error, say_unavailable

FORM = "appointment_form"
NOT_BOOKED = "votre rendez-vous n'a pas été enregistré"
#: Slots forgotten once an appointment is booked (name, e-mail and phone are kept).
BOOKING_SLOTS = ("procedure", "appointment_wish", "appointment_start", "appointment_offer",
                 "appointment_confirmed")


async def bookable_codes() -> Optional[Dict[str, Dict[str, Any]]]:
    """Bookable procedures by code, or None when the back office cannot say."""
    try:
        return {p["code"]: p for p in await fetch_procedures() if p.get("bookable", True)}
    except BackOfficeError:
        return None


#: Entities that change a value of the booking when given at the summary.
CHANGING_ENTITIES = ("procedure", "date", "time", "email", "phone", "person_name")


class ValidateAppointmentForm(SlotChoiceMixin, ContactSlotsMixin, FormValidationAction):
    own_intents = ("book_appointment",)

    def name(self) -> Text:
        return "validate_appointment_form"

    async def extract_appointment_confirmed(self, dispatcher: CollectingDispatcher,
                                            tracker: Tracker,
                                            domain: Dict[Text, Any]) -> Dict[Text, Any]:
        if requested_slot(tracker, FORM) != "appointment_confirmed":
            return {}
        if changes_something(tracker, CHANGING_ENTITIES):
            return {}  # "oui mais plutôt jeudi": the change first, the summary again after
        intent, _ = latest_intent(tracker)
        if intent == "affirm":
            return {"appointment_confirmed": True}
        if intent == "deny" or not is_answer(tracker, self.own_intents):
            return {}  # "non": dropped by the rules; another topic: answered by its own rule
        dispatcher.utter_message(text="Répondez « oui » pour confirmer le rendez-vous, ou « non » "
                                      "pour abandonner. Pour changer une information, écrivez-la "
                                      "simplement, par exemple « plutôt jeudi ».")
        return {"appointment_confirmed": None}

    async def extract_procedure(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: Dict[Text, Any]) -> Dict[Text, Any]:
        """The NLU's procedure entity fills the slot; anything else said when asked is
        explained and asked again."""
        if (requested_slot(tracker, FORM) == "procedure" and not tracker.get_slot("procedure")
                and is_answer(tracker, self.own_intents) and latest_text(tracker)):
            dispatcher.utter_message(text="Je n'ai pas reconnu la démarche. Choisissez-la "
                                          "parmi les boutons ci-dessous.")
            return {"procedure": None}
        return {}

    async def validate_procedure(self, value: Any, dispatcher: CollectingDispatcher,
                                 tracker: Tracker, domain: Dict[Text, Any]) -> Dict[Text, Any]:
        if not value:
            return {"procedure": None}
        known = await bookable_codes()
        if known is not None and value not in known:
            dispatcher.utter_message(text="Cette démarche ne se réserve pas en ligne. "
                                          "Choisissez l'une des démarches proposées.")
            return {"procedure": None}
        values: Dict[Text, Any] = {"procedure": value}
        offer = tracker.get_slot("appointment_offer")
        if isinstance(offer, dict) and offer.get("procedure") not in (None, value):
            values.update(appointment_start=None, appointment_offer=None,
                          appointment_confirmed=None)
        return values

    async def validate_citizen_name(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return {"citizen_name": value}

    async def validate_citizen_email(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return {"citizen_email": value}

    async def validate_citizen_phone(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return {"citizen_phone": value}

    async def validate_appointment_confirmed(self, value: Any, dispatcher, tracker,
                                             domain) -> Dict[Text, Any]:
        return {"appointment_confirmed": True if value is True else None}


class ActionAskProcedure(Action):
    """Asks which procedure the appointment is for, with one button per bookable one."""

    def name(self) -> Text:
        return "action_ask_procedure"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        known = await bookable_codes()
        buttons = procedure_buttons(list(known.values())) if known else fallback_procedure_buttons()
        dispatcher.utter_message(text="Pour quelle démarche souhaitez-vous un rendez-vous ?",
                                 buttons=buttons)
        return []


def summary(tracker: Tracker) -> str:
    start = parse_start(tracker.get_slot("appointment_start"))
    lines = [f"• Démarche : {short_title(tracker.get_slot('procedure') or '')}",
             f"• Date : {french_datetime(start, year=True) if start else '?'}",
             f"• Nom : {tracker.get_slot('citizen_name')}",
             f"• E-mail : {tracker.get_slot('citizen_email')}"]
    phone = phone_or_none(tracker.get_slot("citizen_phone"))
    if phone:
        lines.append(f"• Téléphone : {phone}")
    return "\n".join(lines)


class ActionAskAppointmentConfirmed(Action):
    """Shows what will be booked and asks for a yes or a no."""

    def name(self) -> Text:
        return "action_ask_appointment_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(
            text=f"Je récapitule votre rendez-vous :\n{summary(tracker)}\nJe confirme la réservation ?",
            buttons=[{"title": "Oui, je confirme", "payload": "/affirm"},
                     {"title": "Non, abandonner", "payload": "/deny"}])
        return []


def say_documents(dispatcher: CollectingDispatcher, appointment: Dict[str, Any],
                  situation: Optional[str]) -> None:
    """The documents to bring, or a choice of situation when they depend on it."""
    code = appointment.get("procedure")
    found = documents_for(appointment, situation)
    if found:
        label = SITUATIONS.get(found[0])
        title = f"À apporter ({label.lower()}) :" if label else "À apporter :"
        dispatcher.utter_message(text=f"{title}\n{bullet_list(found[1])}")
    elif appointment.get("documents"):
        dispatcher.utter_message(text="Les pièces à apporter dépendent de votre situation. "
                                      "Laquelle est la vôtre ?",
                                 buttons=situation_buttons("id_document_info", code))


class ActionBookAppointment(Action):
    """Books the confirmed appointment (POST /appointments) and tells the outcome."""

    def name(self) -> Text:
        return "action_book_appointment"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        values = {key: tracker.get_slot(key) for key in (
            "procedure", "appointment_start", "citizen_name", "citizen_email")}
        if tracker.get_slot("appointment_confirmed") is not True or not all(values.values()):
            dispatcher.utter_message(text="Je n'ai pas réservé de rendez-vous : il me manque des "
                                          "informations. Voulez-vous recommencer ?",
                                     buttons=[{"title": "Prendre rendez-vous",
                                               "payload": "/book_appointment"}])
            return [SlotSet("appointment_confirmed", None)]
        body = {"procedure": values["procedure"], "start": values["appointment_start"],
                "name": values["citizen_name"], "email": values["citizen_email"],
                "phone": phone_or_none(tracker.get_slot("citizen_phone"))}
        key = idempotency_key(tracker.sender_id, "book_appointment", body)
        try:
            appointment = await get_client().acall("POST", "/appointments", json_body=body,
                                                   idempotency=key, client_id=client_id(tracker))
        except BackOfficeUnavailable:
            say_unavailable(dispatcher, NOT_BOOKED)
            dispatcher.utter_message(text="J'ai gardé vos informations : vous pouvez relancer la "
                                          "réservation quand vous le souhaitez.",
                                     buttons=[{"title": "Relancer", "payload": "/book_appointment"}])
            return [SlotSet("appointment_confirmed", None)]
        except BackOfficeError as error:
            return self._refused(dispatcher, error)
        return self._booked(dispatcher, tracker, appointment)

    @staticmethod
    def _refused(dispatcher: CollectingDispatcher, error: BackOfficeError) -> List[Dict[Text, Any]]:
        """Slot taken meanwhile, closed, too soon...: say so and offer slots again."""
        say_error(dispatcher, error)
        if error.code == "unknown_procedure":
            reset = ["procedure", "appointment_start", "appointment_offer"]
        else:
            reset = ["appointment_start", "appointment_offer"]
            dispatcher.utter_message(text="Aucun rendez-vous n'a été pris. Je vous propose "
                                          "d'autres créneaux.")
        return ([SlotSet(slot, None) for slot in reset] + [SlotSet("appointment_confirmed", None)]
                + [FollowupAction(FORM)])

    @staticmethod
    def _booked(dispatcher: CollectingDispatcher, tracker: Tracker,
                appointment: Dict[str, Any]) -> List[Dict[Text, Any]]:
        start = parse_start(appointment.get("start"))
        place = appointment.get("address") or appointment.get("service_name") or "la mairie"
        dispatcher.utter_message(
            text=f"C'est réservé ! Votre rendez-vous « {appointment.get('procedure_name')} » est "
                 f"confirmé le {french_datetime(start, year=True)}, à l'adresse suivante : {place}.\n"
                 f"Votre référence : {appointment['reference']}. Gardez-la : avec votre e-mail, "
                 "elle permet d'annuler ou de déplacer le rendez-vous.")
        say_documents(dispatcher, appointment, tracker.get_slot("id_situation"))
        return ([SlotSet(slot, None) for slot in BOOKING_SLOTS]
                + [SlotSet("appointment_reference", appointment["reference"])])

