"""Validation of the contact details a citizen gives in a territory form: name, e-mail, phone.

Each ``validate_*`` returns the slot values for a FormValidationAction: the cleaned value
when it is usable, or a French explanation and the question asked again (see
actions.territory_forms.ask_again). The checks themselves are those of every citizen
form (actions.citizen_forms ``check_name``, ``check_email``, ``check_phone``); only the
way to skip an optional answer ("non", the Passer button) is the territory forms' own.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.citizen_forms import Checked, check_email, check_name, check_phone
from actions.territory_forms import SKIPPED, accepted, ask_again, is_skip
from actions.territory_text import clean_input


def _text(value: Any) -> Optional[str]:
    if isinstance(value, list):
        value = value[-1] if value else None
    return clean_input(value, 300) if isinstance(value, str) else None


def _checked(slot: str, checked: Checked, tracker: Tracker,
             dispatcher: CollectingDispatcher) -> Dict[Text, Any]:
    if checked.value is None:
        return ask_again(tracker, dispatcher, slot, checked.problem or "")
    return accepted(slot, checked.value)


def _optional(slot: str, value: Any, tracker: Tracker, dispatcher: CollectingDispatcher,
              check: Callable[[Optional[str]], Dict[Text, Any]]) -> Dict[Text, Any]:
    text = _text(value)
    if value == SKIPPED or is_skip(text):
        return accepted(slot, SKIPPED)
    return check(text)


def validate_name(slot: str, value: Any, tracker: Tracker,
                  dispatcher: CollectingDispatcher) -> Dict[Text, Any]:
    """A person's name (see ``check_name``)."""
    return _checked(slot, check_name(_text(value)), tracker, dispatcher)


def validate_email(slot: str, value: Any, tracker: Tracker,
                   dispatcher: CollectingDispatcher) -> Dict[Text, Any]:
    """An e-mail address found in the answer (see ``check_email``)."""
    return _checked(slot, check_email(_text(value)), tracker, dispatcher)


def validate_phone(slot: str, value: Any, tracker: Tracker,
                   dispatcher: CollectingDispatcher) -> Dict[Text, Any]:
    """An optional phone number: a French number, or "non" to skip."""
    return _optional(slot, value, tracker, dispatcher,
                     lambda text: _checked(slot, check_phone(text), tracker, dispatcher))


def contact_parts(text: Any) -> Dict[str, Optional[str]]:
    """The e-mail and the phone number found in ``text`` (each None when absent)."""
    text = text if isinstance(text, str) else ""
    return {"email": check_email(text).value if "@" in text else None,
            "phone": check_phone(text).value}


def validate_contact(slot: str, value: Any, tracker: Tracker,
                     dispatcher: CollectingDispatcher) -> Dict[Text, Any]:
    """An optional way to be contacted: an e-mail and/or a phone, or "non"."""

    def check(text: Optional[str]) -> Dict[Text, Any]:
        parts = contact_parts(text)
        if not parts["email"] and not parts["phone"]:
            return ask_again(tracker, dispatcher, slot,
                             "Je n'ai reconnu ni adresse e-mail ni numéro de téléphone. "
                             "Indiquez l'un des deux, ou répondez « non ».")
        return accepted(slot, " ".join(part for part in parts.values() if part))

    return _optional(slot, value, tracker, dispatcher, check)


def optional(value: Any) -> Optional[str]:
    """The value of an optional slot, None when it was skipped or is empty."""
    return None if value in (None, "", SKIPPED) else value
