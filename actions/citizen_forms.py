"""What the forms of the appointment, case and état-civil flows share.

* Reading the citizen's answer: which slot the form asked for, whether the message is an
  answer (or a question on another topic, or a wish to stop), the free text of a message;
  the conversation id as the back office's client id.
* Checking personal details (name, e-mail, phone) and references, with the French
  explanation to give when they cannot be used.
* Counting failed reference + e-mail checks (slot ``identity_failures``, read by the
  handoff) and offering a person after three.
* ``action_stop_form``: the citizen drops a form ("laissez tomber", "annuler"): the form
  stops, its values are forgotten and the citizen is told that nothing was recorded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.entities import first_entity, normalise_reference
from actions.replies import HUMAN_BUTTON

#: Intents that are answers to the question being asked, whatever the form.
ANSWER_INTENTS = frozenset({"inform", "nlu_fallback", "affirm"})
#: Below this confidence, a message is read as an answer rather than as another request.
CONFIDENT = 0.7
#: Failed reference + e-mail checks after which a person is offered.
MAX_IDENTITY_FAILURES = 3

# ------------------------------------------------------------------ reading the message

def client_id(tracker: Tracker) -> str:
    """The conversation id, sent as X-Client-Id so that failed look-ups are counted per
    conversation (the HTTP client makes it acceptable to the back office)."""
    return tracker.sender_id or "unknown"



def requested_slot(tracker: Tracker, form: str) -> Optional[str]:
    """The slot ``form`` is asking for, if ``form`` is the active form."""
    active = (tracker.active_loop or {}).get("name")
    if active not in (None, form):
        return None
    return tracker.get_slot("requested_slot")


def latest_intent(tracker: Tracker) -> Tuple[Optional[str], float]:
    intent = (tracker.latest_message or {}).get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0)


def latest_text(tracker: Tracker) -> str:
    """The citizen's own words (empty for a button payload such as ``/affirm``)."""
    text = ((tracker.latest_message or {}).get("text") or "").strip()
    return "" if text.startswith("/") else text


def changes_something(tracker: Tracker, entities: Sequence[str]) -> bool:
    """Whether the latest message gives one of ``entities`` (a value changed at a summary:
    the summary is then shown again rather than taken as confirmed)."""
    found = (tracker.latest_message or {}).get("entities") or []
    return any(e.get("entity") in entities for e in found)


def is_answer(tracker: Tracker, own_intents: Sequence[str] = ()) -> bool:
    """Whether the latest message answers the form's question (rather than asking for
    something else, which the form lets other rules handle)."""
    name, confidence = latest_intent(tracker)
    return name in ANSWER_INTENTS or name in own_intents or confidence < CONFIDENT


# ------------------------------------------------------------------ personal details

NAME_PREFIX_RE = re.compile(
    r"^(?:je m'appelle|je me nomme|je suis|mon nom est|mon nom c'est|nom\s*:|moi c'est|"
    r"c'est|au nom de|il s'agit de|elle s'appelle|il s'appelle)\s+", re.IGNORECASE)
NAME_RE = re.compile(r"^[^\W\d_]+(?:[ '\-.]+[^\W\d_]+)*\.?$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
EMAIL_FIND_RE = re.compile(r"[^\s<>()\"',;:]*@[^\s<>()\"',;:]*")
PHONE_FIND_RE = re.compile(r"\+?\d[\d .()\-]{7,}\d")


@dataclass(frozen=True)
class Checked:
    """A value ready to use, or the French explanation of why it cannot be used."""

    value: Optional[str] = None
    problem: Optional[str] = None


def check_name(raw: Any) -> Checked:
    text = re.sub(r"\s+", " ", str(raw or "")).strip().strip(".!,;")
    text = NAME_PREFIX_RE.sub("", text).strip()
    if not text:
        return Checked(problem="Je n'ai pas trouvé de nom dans votre message. "
                               "Pouvez-vous m'indiquer votre nom et votre prénom ?")
    if len(text) > 80 or len(text.split()) > 6 or not NAME_RE.match(text):
        return Checked(problem="Ce nom ne semble pas valide : indiquez simplement votre prénom "
                               "et votre nom, en lettres, par exemple « Claire Martin ».")
    if text.islower() or text.isupper():
        text = " ".join(part.capitalize() for part in text.split(" "))
    return Checked(value=text)


def check_email(raw: Any) -> Checked:
    text = str(raw or "").strip().strip(".,;")
    if "@" not in text:
        return Checked(problem="Je n'ai pas trouvé d'adresse e-mail dans votre message. "
                               "Elle ressemble à « prenom.nom@exemple.fr ».")
    found = EMAIL_FIND_RE.search(text)
    candidate = found.group(0).strip(".") if found else text
    if len(candidate) > 254 or not EMAIL_RE.match(candidate):
        return Checked(problem=f"L'adresse « {candidate[:60]} » semble incomplète ou mal écrite. "
                               "Pouvez-vous la vérifier ? Elle ressemble à « prenom.nom@exemple.fr ».")
    return Checked(value=candidate.lower())


def check_phone(raw: Any) -> Checked:
    text = str(raw or "").strip()
    found = PHONE_FIND_RE.search(text)
    digits = re.sub(r"\D", "", found.group(0)) if found else ""
    if found and found.group(0).startswith("+") and 8 <= len(digits) <= 15:
        return Checked(value="+" + digits)
    if len(digits) == 10 and digits.startswith("0"):
        return Checked(value=" ".join(digits[i:i + 2] for i in range(0, 10, 2)))
    return Checked(problem="Ce numéro ne semble pas valide. Indiquez un numéro à 10 chiffres, "
                           "par exemple 06 12 34 56 78, ou passez cette étape.")


# ------------------------------------------------------------------ references

PREFIXES = ("RDV", "EC", "URB", "SIG", "DEC", "AGT")
REFERENCE_RE = re.compile(r"^(RDV|EC|URB|SIG|DEC|AGT)-\d{4}-\d{5}$")
#: Something written like a reference: a prefix, then two groups of digits.
LOOSE_REFERENCE_RE = re.compile(r"\b([A-Za-z]{2,3})\s*[-_/. ]?\s*(\d{2,4})\s*[-_/. ]\s*(\d{1,7})\b")
REFERENCE_HELP = (
    "Une référence a la forme PRÉFIXE-AAAA-NNNNN, par exemple URB-2026-00123 : un préfixe, "
    "l'année, puis 5 chiffres. Le préfixe indique le type de dossier : RDV rendez-vous, "
    "EC état civil, URB urbanisme, SIG signalement, DEC déchets, AGT demande transmise à un agent."
)


def _reference_in(raw: Any) -> Checked:
    """The reference written in ``raw`` ("urb 2026 00123" included), checked."""
    match = LOOSE_REFERENCE_RE.search(str(raw or ""))
    if not match or match.group(1).upper() not in PREFIXES:
        return Checked()
    value = "-".join((match.group(1).upper(), match.group(2), match.group(3)))
    if REFERENCE_RE.match(value):
        return Checked(value=value)
    return Checked(problem=f"La référence « {match.group(0).strip()[:30]} » n'a pas le bon format. "
                           + REFERENCE_HELP)


def find_reference(tracker: Tracker) -> Checked:
    """A reference from the latest message (entity first, else the text), checked.

    ``Checked()`` (neither value nor problem) when the message holds nothing like one.
    """
    text = latest_text(tracker)
    for raw in (normalise_reference(first_entity(tracker, "case_reference")), text):
        found = _reference_in(raw)
        if found.value or found.problem:
            return found
    if re.search(r"\d{3,}", text):
        return Checked(problem="Je ne reconnais pas de référence dans votre message. " + REFERENCE_HELP)
    return Checked()


def reference_prefix(reference: str) -> str:
    return reference.split("-", 1)[0]


# ------------------------------------------------------------------ identity failures


def identity_failure(dispatcher: CollectingDispatcher, tracker: Tracker, message: str,
                     retry_payload: Optional[str] = None) -> List[Dict[Text, Any]]:
    """Say that the reference and e-mail do not match (neutral wording from the back
    office), count the failure, and offer a person from the third one."""
    failures = int(tracker.get_slot("identity_failures") or 0) + 1
    retry = [{"title": "Réessayer", "payload": retry_payload}] if retry_payload else []
    if failures >= MAX_IDENTITY_FAILURES:
        dispatcher.utter_message(
            text=f"{message} Après plusieurs essais, le plus simple est sans doute qu'un agent "
                 "vérifie avec vous.",
            buttons=[HUMAN_BUTTON] + retry)
    else:
        dispatcher.utter_message(text=message, buttons=retry)
    return [SlotSet("identity_failures", float(failures))]


# ------------------------------------------------------------------ stopping a form

#: Per form: what the citizen is told when dropping it, and the slots it forgets.
STOPPED: Dict[str, Tuple[str, Tuple[str, ...]]] = {
    "appointment_form": (
        "D'accord, je n'ai pris aucun rendez-vous.",
        ("appointment_wish", "appointment_start", "appointment_offer", "appointment_confirmed")),
    "cancel_appointment_form": (
        "D'accord, je n'ai rien annulé : votre rendez-vous est maintenu.",
        ("appointment_reference", "appointment_details", "cancel_confirmed")),
    "reschedule_appointment_form": (
        "D'accord, je n'ai rien changé : votre rendez-vous reste à la date prévue.",
        ("appointment_reference", "appointment_details", "appointment_wish",
         "appointment_start", "appointment_offer")),
    "case_status_form": (
        "D'accord, je m'arrête là.",
        ("case_reference",)),
    "civil_status_form": (
        "D'accord, je n'ai enregistré aucune demande d'acte.",
        ("requester_relation", "concerned_person", "event_date", "delivery", "postal_address",
         "copy_type", "civil_status_confirmed")),
    "id_checklist_form": (
        "D'accord, je m'arrête là.",
        ("id_documents_held", "id_documents")),
}


class ActionStopForm(Action):
    """Stops the active form of these flows; nothing is recorded."""

    def name(self) -> Text:
        return "action_stop_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        form = (tracker.active_loop or {}).get("name")
        message, slots = STOPPED.get(form, ("D'accord, je m'arrête là.", ()))
        dispatcher.utter_message(text=f"{message} Puis-je vous aider pour autre chose ?")
        return ([ActiveLoop(None), SlotSet("requested_slot", None)]
                + [SlotSet(slot, None) for slot in slots])


# ------------------------------------------------------------------ contact slots

#: Value of ``citizen_phone`` when the citizen chose not to give a number.
NO_PHONE = "non communiqué"
_SKIP_RE = re.compile(r"\b(non|pas de|passer|aucun|je n'en ai pas|pas besoin|sans)\b", re.IGNORECASE)


class ContactSlotsMixin:
    """``extract_`` methods of the contact slots for a FormValidationAction: the value
    comes from the NLU entity, or from the citizen's own words when the form asked for
    it; a value that cannot be used is explained and asked again."""

    #: Intents of the form's own topic, read as answers too.
    own_intents: Tuple[str, ...] = ()

    def _asked(self, tracker: Tracker, slot: str) -> bool:
        return requested_slot(tracker, self.form_name()) == slot  # type: ignore[attr-defined]

    def _answer(self, tracker: Tracker) -> bool:
        return is_answer(tracker, self.own_intents)

    @staticmethod
    def _use(dispatcher: CollectingDispatcher, slot: str, checked: Checked) -> Dict[Text, Any]:
        if checked.problem:
            dispatcher.utter_message(text=checked.problem)
        return {slot: checked.value}

    async def extract_citizen_name(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                   domain: Dict[Text, Any]) -> Dict[Text, Any]:
        if not self._asked(tracker, "citizen_name"):
            return {}
        entity = first_entity(tracker, "person_name")
        if entity:
            return self._use(dispatcher, "citizen_name", check_name(entity))
        if is_answer(tracker) and latest_text(tracker):  # a free name: never the form's topic
            return self._use(dispatcher, "citizen_name", check_name(latest_text(tracker)))
        return {}

    async def extract_citizen_email(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: Dict[Text, Any]) -> Dict[Text, Any]:
        entity = first_entity(tracker, "email")
        text = latest_text(tracker)
        if entity:
            return self._use(dispatcher, "citizen_email", check_email(entity))
        if self._asked(tracker, "citizen_email") and self._answer(tracker) and text:
            return self._use(dispatcher, "citizen_email", check_email(text))
        return {}

    async def extract_citizen_phone(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: Dict[Text, Any]) -> Dict[Text, Any]:
        entity = first_entity(tracker, "phone")
        if entity:
            return self._use(dispatcher, "citizen_phone", check_phone(entity))
        if not self._asked(tracker, "citizen_phone"):
            return {}
        intent, _ = latest_intent(tracker)
        text = latest_text(tracker)
        if intent == "deny" or (text and _SKIP_RE.search(text) and not re.search(r"\d{4}", text)):
            return {"citizen_phone": NO_PHONE}
        if self._answer(tracker) and text:
            return self._use(dispatcher, "citizen_phone", check_phone(text))
        return {}


def phone_or_none(value: Any) -> Optional[str]:
    """The phone number to send to the back office (None when skipped)."""
    return value if isinstance(value, str) and value and value != NO_PHONE else None

