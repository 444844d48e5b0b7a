"""Hand the conversation over to a town-hall agent, or take a callback request.

``action_handoff`` runs when the citizen asks for a person (intent or the
``/human_handoff`` button other flows offer: second misunderstanding, third failed
identity check, distress, human-only topics such as the CCAS). It works out why and how
urgently (actions/handoff_context.py), then:

* an agent can answer now: it creates a live ``AGT-…`` ticket with the channel,
  conversation id, reason, priority, what the bot understood and the transcript, tells
  the citizen their place in the queue and pauses the bot (``ConversationPaused``); the
  agent console resumes it later (channels/handoff.py);
* nobody can answer (out of hours, nobody online): it offers a callback
  (``handoff_mode`` = callback starts ``handoff_callback_form``), and
  ``action_submit_handoff_callback`` creates the callback ticket; the bot stays available.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ConversationPaused, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import handoff_context as context
from actions.api.backoffice import BackOfficeError, get_client, idempotency_key
from actions.citizen_forms import check_email, check_phone
from actions.general_info import fetch_service, topic_service_query
from actions.replies import say_unavailable

LIVE, CALLBACK, UNAVAILABLE = "live", "callback", "unavailable"
EMERGENCY = ("En cas de danger immédiat, appelez sans attendre le 112 (ou le 17 pour la "
             "police, le 18 pour les pompiers).")
CONTACT_PROBLEM = ("Je n'ai reconnu ni numéro de téléphone ni adresse e-mail. Indiquez par "
                   "exemple 06 12 34 56 78 ou prenom.nom@exemple.fr.")


async def human_only_service(tracker: Tracker) -> Optional[str]:
    """The service of the topic just asked about, when the commune reserves it to agents."""
    topic = context.topic_before_request(tracker)
    if topic is None:
        return None
    try:
        service = await fetch_service(topic_service_query(topic))
    except (BackOfficeError, KeyError):
        return None
    return service["id"] if service and service.get("human_only") else None


def queue_text(ticket: Dict[str, Any]) -> str:
    reference = ticket["reference"]
    position = ticket.get("queue_position")
    if ticket.get("existing"):
        start = f"Votre demande est déjà transmise à un agent de la mairie (référence {reference})."
    else:
        start = f"Je vous mets en relation avec un agent de la mairie. Votre demande porte la référence {reference}."
    if ticket.get("status") == "claimed":
        place = "Un agent s'occupe déjà de votre demande."
    elif position == 1:
        place = "Vous êtes le prochain dans la file d'attente."
    elif position:
        place = f"Vous êtes en position {position} dans la file d'attente."
    else:
        place = ""
    return (f"{start} {place} Un agent va vous répondre ici même ; vous pouvez continuer à "
            f"écrire, vos messages lui sont transmis.").replace("  ", " ")


def callback_offer_text(details: Dict[str, Any], urgency: Optional[str]) -> str:
    if details.get("open"):
        why = "Aucun agent n'est disponible pour le moment."
    else:
        summary = (details.get("summary") or "").strip()
        why = "Les agents de la mairie ne sont pas joignables en ce moment" + (
            f" ({summary[0].lower()}{summary[1:].rstrip('.')})." if summary else ".")
    text = (f"{why} Je peux transmettre votre demande pour qu'un agent vous recontacte, par "
            "téléphone ou par e-mail, dès que possible.")
    if urgency in ("danger", "distress"):
        text = f"{EMERGENCY}\n\n{text}"
    return text


class ActionHandoff(Action):
    """Live handoff when an agent can answer, otherwise an offer to be called back."""

    def name(self) -> Text:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        service = await human_only_service(tracker)
        request = {"reason": context.reason(tracker, service),
                   "urgency": context.urgency_level(tracker), "service": service,
                   "intent": context.understood_intent(tracker)}
        events = [SlotSet("handoff_request", request)]
        conversation = context.conversation_id(tracker)
        client = get_client()
        try:
            details = await client.acall("GET", "/handoff/availability",
                                         params={"service": service})
            if details.get("available") and conversation:
                ticket = await client.acall(
                    "POST", "/handoff/tickets", json_body=self.ticket_body(tracker, request),
                    idempotency=idempotency_key("handoff", conversation,
                                                context.latest_message_id(tracker)),
                    client_id=conversation)
                dispatcher.utter_message(text=queue_text(ticket))
                return events + [SlotSet("handoff_mode", LIVE),
                                 SlotSet("handoff_reference", ticket["reference"]),
                                 ConversationPaused()]
        except BackOfficeError as error:
            if error.code != "no_agent_available":
                say_unavailable(dispatcher)
                dispatcher.utter_message(response="utter_info_human_handoff")
                return events + [SlotSet("handoff_mode", UNAVAILABLE)]
            details = error.details or {}
        dispatcher.utter_message(text=callback_offer_text(details, request["urgency"]))
        return events + [SlotSet("handoff_mode", CALLBACK), SlotSet("handoff_contact", None),
                         SlotSet("handoff_callback_time", None)]

    @staticmethod
    def ticket_body(tracker: Tracker, request: Dict[str, Any], kind: str = LIVE,
                    callback: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        body = {"kind": kind, "channel": context.channel(tracker),
                "conversation_id": context.conversation_id(tracker) or "inconnu",
                "reason": request["reason"], "urgency": request.get("urgency"),
                "service": request.get("service"), "intent": request.get("intent"),
                "slots": context.known_slots(tracker),
                "transcript": context.transcript(tracker),
                "citizen_name": tracker.get_slot("citizen_name") or None,
                "callback": callback, "callback_url": context.callback_url(tracker)}
        return {key: value for key, value in body.items() if value is not None}


class ValidateHandoffCallbackForm(FormValidationAction):
    """Checks the contact (phone or e-mail) and the preferred time of a callback request."""

    def name(self) -> Text:
        return "validate_handoff_callback_form"

    async def validate_handoff_contact(self, value: Any, dispatcher: CollectingDispatcher,
                                       tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        text = str(value or "")
        checked = check_email(text) if "@" in text else check_phone(text)
        if checked.value is None:
            dispatcher.utter_message(text=CONTACT_PROBLEM if "@" not in text else checked.problem)
            return {"handoff_contact": None}
        return {"handoff_contact": checked.value}

    async def validate_handoff_callback_time(self, value: Any, dispatcher: CollectingDispatcher,
                                             tracker: Tracker,
                                             domain: DomainDict) -> Dict[Text, Any]:
        text = context._printable(" ".join(str(value or "").split()))[:200]
        if len(text) < 2 or text.startswith("/"):
            dispatcher.utter_message(text="Dites-moi simplement quand vous préférez être "
                                          "recontacté, par exemple « le matin » ou « après 17 h ».")
            return {"handoff_callback_time": None}
        return {"handoff_callback_time": text}


class ActionSubmitHandoffCallback(Action):
    """Creates the callback ticket once the contact and the preferred time are known."""

    def name(self) -> Text:
        return "action_submit_handoff_callback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        contact = tracker.get_slot("handoff_contact") or ""
        when = tracker.get_slot("handoff_callback_time")
        request = tracker.get_slot("handoff_request") or {"reason": "citizen_request"}
        callback = {"email" if "@" in contact else "phone": contact, "preferred_time": when}
        reset = [SlotSet("handoff_mode", None), SlotSet("handoff_contact", None),
                 SlotSet("handoff_callback_time", None)]
        conversation = context.conversation_id(tracker) or "inconnu"
        try:
            ticket = await get_client().acall(
                "POST", "/handoff/tickets",
                json_body=ActionHandoff.ticket_body(tracker, request, CALLBACK, callback),
                idempotency=idempotency_key("handoff-callback", conversation, contact, when),
                client_id=context.conversation_id(tracker))
        except BackOfficeError:
            say_unavailable(dispatcher, "votre demande de rappel n'a pas été enregistrée")
            return reset
        how = f"par e-mail à {contact}" if "@" in contact else f"au {contact}"
        dispatcher.utter_message(
            text=f"C'est noté : votre demande de rappel porte la référence {ticket['reference']}. "
                 f"Un agent de la mairie vous recontactera {how} ({when}), dès que possible "
                 "pendant les heures d'ouverture. Puis-je vous aider pour autre chose ?")
        return reset + [SlotSet("handoff_reference", ticket["reference"])]
