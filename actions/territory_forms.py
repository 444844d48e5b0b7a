"""What the territory forms share: giving up cleanly, asking again, yes/no, skipping.

Every form of the territory flows (waste, reports, urbanism, transport) validates its
slots with a subclass of :class:`TerritoryFormValidation`. When the back office fails
during a form, the form stops at once (slot ``territory_aborted``) after a clear French
message, and the flow's final action says nothing more: a request is then clearly not
made. A question answered wrongly three times in a row also stops the form, so that a
citizen is never stuck in a loop; so does an answer that already settles the question
(the validation then answers itself).
"""

from __future__ import annotations

import functools
from abc import ABC, abstractmethod
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SlotSet, UserUttered
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction
from rasa_sdk.types import DomainDict

from actions.api.backoffice import BackOfficeError, BackOfficeUnavailable, get_client, idempotency_key
from actions.replies import HUMAN_BUTTON, say_error, say_unavailable
from actions.territory_data import load_data
from actions.territory_text import first_upper, fold

ABORTED_SLOT = "territory_aborted"
RETRIES_SLOT = "territory_retries"
#: Why the form stopped early: the back office failed (already said), the citizen gave
#: three wrong answers, or asked something else (their message is then replayed once the
#: form is closed, so that its own flow answers it).
STOP_SLOT = "territory_stop"
FAILED, GAVE_UP, OTHER_REQUEST = "failed", "gave_up", "other_request"
MAX_ATTEMPTS = 3
#: Value of an optional slot the citizen chose to leave empty.
SKIPPED = "-"

YES_NO_BUTTONS = [
    {"title": "Oui, c'est bon", "payload": "/affirm"},
    {"title": "Non, annuler", "payload": "/deny"},
]
SKIP_BUTTON = {"title": "Passer", "payload": "/deny"}
SKIP_WORDS = frozenset({
    "non", "no", "nan", "aucun", "aucune", "rien", "passer", "je passe", "pas besoin", "non merci",
    "sans", "-", "pas de", "pas d'autre", "ras",
})


def is_skip(value: Any) -> bool:
    """Whether an answer means "nothing to add" (or was the skip button)."""
    return value == SKIPPED or fold(value) in SKIP_WORDS


def latest_intent(tracker: Tracker) -> Optional[str]:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def abort_form(dispatcher: CollectingDispatcher, error: BackOfficeError,
               what: Optional[str] = None) -> Dict[Text, Any]:
    """Say why the form cannot go on (back office down or refusing) and stop it."""
    say_error(dispatcher, error, what)
    return {ABORTED_SLOT: True, STOP_SLOT: FAILED, RETRIES_SLOT: None}


def say_not_recorded(dispatcher: CollectingDispatcher, error: BackOfficeError, what: str) -> None:
    """A creating request failed: say why, and that nothing was recorded (``what``)."""
    if isinstance(error, BackOfficeUnavailable):
        say_unavailable(dispatcher, what)
    else:
        dispatcher.utter_message(text=f"{error.message} {first_upper(what)}.")


async def record_request(dispatcher: CollectingDispatcher, tracker: Tracker, path: str,
                         body: Dict[str, Any], what_not_done: str) -> Optional[Dict[str, Any]]:
    """POST ``body`` to ``path`` once (idempotency key from the citizen and the body): the
    created case, or None after saying why nothing was recorded (``what_not_done``)."""
    key = idempotency_key(tracker.sender_id, path, body)
    try:
        return await get_client().acall("POST", path, json_body=body, idempotency=key,
                                        client_id=tracker.sender_id)
    except BackOfficeError as error:
        say_not_recorded(dispatcher, error, what_not_done)
        return None


def ask_again(tracker: Tracker, dispatcher: CollectingDispatcher, slot: str, text: str,
              buttons: Optional[List[Dict[str, str]]] = None,
              give_up: Optional[str] = None) -> Dict[Text, Any]:
    """Reject an answer with ``text``; after MAX_ATTEMPTS wrong answers, stop the form."""
    attempts = int(tracker.get_slot(RETRIES_SLOT) or 0) + 1
    if attempts >= MAX_ATTEMPTS:
        dispatcher.utter_message(
            text=give_up or "Je n'arrive pas à comprendre votre réponse, pardonnez-moi. "
                            "Un agent de la mairie peut vous aider.",
            buttons=[HUMAN_BUTTON])
        return {slot: None, ABORTED_SLOT: True, STOP_SLOT: GAVE_UP, RETRIES_SLOT: None}
    dispatcher.utter_message(text=text, buttons=buttons or [])
    return {slot: None, RETRIES_SLOT: attempts}


def accepted(slot: str, value: Any) -> Dict[Text, Any]:
    """A valid answer: keep it and reset the count of wrong answers."""
    return {slot: value, RETRIES_SLOT: None}


def reset_events(slots: List[str]) -> List[EventType]:
    """Clear a flow's slots (and the shared form state) once it is over."""
    return [SlotSet(name, None) for name in [*slots, ABORTED_SLOT, RETRIES_SLOT, STOP_SLOT]]


def replay_latest_message(tracker: Tracker) -> List[EventType]:
    """Events that hand the citizen's latest message to the dialogue again, as if just said."""
    latest = dict(tracker.latest_message or {})
    return [ActionExecuted("action_listen"),
            UserUttered(latest.get("text"), parse_data=latest, input_channel=tracker.get_latest_input_channel())]


def stopped_early(tracker: Tracker, dispatcher: CollectingDispatcher, slots: List[str],
                  put_aside: Optional[str] = None) -> Optional[List[EventType]]:
    """The final events of a flow whose form stopped early, or None when it went to its end.

    A back-office failure was already explained. After three wrong answers, or when the
    citizen asked something else, ``put_aside`` (for a request) says what was left undone;
    in the second case their message is then replayed so that its own flow answers it.
    """
    if not was_aborted(tracker):
        return None
    events = reset_events(slots)
    reason = tracker.get_slot(STOP_SLOT)
    if put_aside and reason in (GAVE_UP, OTHER_REQUEST):
        dispatcher.utter_message(text=put_aside)
    if reason == OTHER_REQUEST:
        events += replay_latest_message(tracker)
    return events


#: Last line of a confirmation that gives a reference to follow the request with.
KEEP_REFERENCE = "Gardez cette référence pour suivre votre demande."


class SubmitRequestAction(Action, ABC):
    """The final action of a request flow: records the confirmed request, once.

    Subclasses name the flow's ``slots``, its confirmation slot, the back-office
    ``path`` and their texts, and build the request ``body`` and the ``confirmation``.
    A form that stopped early, a declined summary or a failed recording each get their
    French answer and clear the flow's slots; a retry never records twice (idempotency
    key from the citizen and the body).
    """

    slots: List[str]
    confirm_slot: str
    path: str
    #: What was not done, e.g. "votre demande n'a pas été enregistrée".
    not_done: str
    #: Said when the form stopped on three wrong answers or another request.
    put_aside: str
    #: Said when the citizen declined the summary.
    declined: str

    def declined_before_summary(self, tracker: Tracker, dispatcher: CollectingDispatcher) -> bool:
        """A flow may end before its summary (e.g. the citizen chose not to book)."""
        return False

    @abstractmethod
    def body(self, tracker: Tracker) -> Dict[str, Any]:
        """The JSON body of the creating request."""

    @abstractmethod
    def confirmation(self, case: Dict[str, Any], body: Dict[str, Any]) -> str:
        """What the citizen reads once the back office created ``case``."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        stopped = stopped_early(tracker, dispatcher, self.slots, put_aside=self.put_aside)
        if stopped is not None:
            return stopped
        if self.declined_before_summary(tracker, dispatcher):
            return reset_events(self.slots)
        if tracker.get_slot(self.confirm_slot) is not True:
            dispatcher.utter_message(text=self.declined)
            return reset_events(self.slots)
        body = self.body(tracker)
        case = await record_request(dispatcher, tracker, self.path, body, self.not_done)
        if case is not None:
            dispatcher.utter_message(text=self.confirmation(case, body))
        return reset_events(self.slots)


def was_aborted(tracker: Tracker) -> bool:
    return bool(tracker.get_slot(ABORTED_SLOT))


def _answers_only(method):
    """Wraps a ``validate_<slot>`` method so that a slot cleared since the citizen's last
    message (a flow starting afresh sets its slots to None) is not taken for an answer."""

    @functools.wraps(method)
    async def validate(self, value, dispatcher, tracker, domain):
        if value is None:
            return {}
        return await method(self, value, dispatcher, tracker, domain)

    return validate


class TerritoryFormValidation(FormValidationAction):
    """Base of the territory forms' validation actions.

    Subclasses list their slots in order in ``form_slots`` and may override
    :meth:`active_slots` to skip some of them depending on the answers so far. Their
    ``validate_<slot>`` methods only ever receive real answers (never a cleared slot).
    """

    form_slots: List[str] = []

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for attribute, method in list(vars(cls).items()):
            if attribute.startswith("validate_") and callable(method):
                setattr(cls, attribute, _answers_only(method))

    @abstractmethod
    def name(self) -> Text:
        """The validation action's name (abstract, so this base is never registered)."""

    def active_slots(self, tracker: Tracker) -> List[str]:
        return list(self.form_slots)

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        if was_aborted(tracker):
            return []
        return self.active_slots(tracker)

    def takes_any_answer(self, tracker: Tracker) -> bool:
        """Whether the slot asked accepts any text whatever its intent (e.g. a bus stop)."""
        return False

    def is_other_request(self, tracker: Tracker) -> bool:
        """Whether the citizen's new message asks something else instead of answering."""
        if not fresh_message(tracker, self.form_name()):
            return False
        intent = (tracker.latest_message or {}).get("intent") or {}
        name, confidence = intent.get("name"), intent.get("confidence") or 0.0
        settings = load_data("topics")
        answers = {*settings["form_answers"]["everywhere"],
                   *settings["form_answers"].get(self.form_name(), [])}
        if not name or name in answers:
            return False
        from_button = ((tracker.latest_message or {}).get("text") or "").startswith("/")
        if from_button or name in settings["always_other_requests"]:
            return True
        return confidence >= settings["digression_confidence"] and not self.takes_any_answer(tracker)

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        if self.is_other_request(tracker):
            # The form stops; its final action then replays the message for its own flow.
            return [SlotSet(ABORTED_SLOT, True), SlotSet(STOP_SLOT, OTHER_REQUEST),
                    SlotSet(RETRIES_SLOT, None), SlotSet(REQUESTED_SLOT, None)]
        return await super().run(dispatcher, tracker, domain)


def fresh_message(tracker: Tracker, form: str) -> bool:
    """Whether the form runs right after a citizen's message (not after a digression)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return True
        if event.get("event") == "action" and event.get("name") not in (form, "action_listen", None):
            return False
    return False


#: The territory forms, and the slots their flows use besides the forms' own.
TERRITORY_FORMS = ("waste_schedule_form", "waste_sorting_form", "bulky_waste_form", "bin_request_form",
                   "report_form", "building_permit_form", "bus_departures_form")
EXTRA_SLOTS = ("bulky_address_details", "report_priority")


class ActionTerritoryReset(Action):
    """Forgets every territory form's answers (after a cancellation or a hand-off)."""

    def name(self) -> Text:
        return "action_territory_reset"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        forms = domain.get("forms") or {}
        slots = [slot for form in TERRITORY_FORMS
                 for slot in (forms.get(form) or {}).get("required_slots", [])]
        return reset_events([*slots, *EXTRA_SLOTS])


def just_asked_again(tracker: Tracker) -> bool:
    """Whether the validation of the answer just received rejected it with its own question."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "slot" and event.get("name") == RETRIES_SLOT:
            return event.get("value") is not None
    return False


class ActionAskSlot(Action, ABC):
    """Asks for a form slot, unless the validation has just asked again in its own words
    ("Laquelle ?" with buttons): one question at a time."""

    slot = ""

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    @abstractmethod
    async def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        """Ask the question."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        if not just_asked_again(tracker):
            await self.ask(dispatcher, tracker)
        return []


async def _ask_with_response(self: ActionAskSlot, dispatcher: CollectingDispatcher,
                             tracker: Tracker) -> None:
    dispatcher.utter_message(response=f"utter_ask_{self.slot}")


#: Slots whose question is the domain's response ``utter_ask_<slot>``: one ask action each.
ASKED_WITH_RESPONSE = ("waste_street", "sorting_item", "bulky_items", "bulky_name",
                       "bulky_email", "bulky_phone", "bin_street", "bin_name",
                       "bin_email", "report_category", "report_street",
                       "report_description", "report_contact", "urb_project_type", "urb_surface")
ASK_ACTIONS = {slot: type(f"ActionAsk_{slot}", (ActionAskSlot,), {"slot": slot, "ask": _ask_with_response})
               for slot in ASKED_WITH_RESPONSE}
