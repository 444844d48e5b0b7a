"""Validation of the contact details a citizen gives in a form: name, e-mail, phone.

Each ``validate_*`` returns the slot values for a FormValidationAction: the cleaned value
when it is usable, or a French explanation and the question asked again (see
actions.territory_forms.ask_again). Limits follow the back office's own (name 120
characters, e-mail 254, phone 30).
"""

from __future__ import annotations

import re
from typing import Any, Dict, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.territory_forms import SKIPPED, accepted, ask_again, is_skip
from actions.territory_text import clean_input, find_email, find_phone

MAX_NAME = 120
_LETTER = re.compile(r"[^\W\d_]")
_NAME_PREFIX = re.compile(r"^(?:je m'appelle|je suis|mon nom est|c'est|moi c'est|nom\s*:)\s+",
                          re.IGNORECASE)


def _text(value: Any) -> Optional[str]:
    if isinstance(value, list):
        value = value[-1] if value else None
    return clean_input(value, 300) if isinstance(value, str) else None


def validate_name(slot: str, value: Any, tracker: Tracker,
                  dispatcher: CollectingDispatcher) -> Dict[Text, Any]:
    """A person's name: letters required, no e-mail, at most MAX_NAME characters."""
    text = _text(value)
    name = _NAME_PREFIX.sub("", text).strip(" .,!") if text else ""
    if not name or "@" in name or len(_LETTER.findall(name)) < 2 or len(name) > MAX_NAME:
        return ask_again(tracker, dispatcher, slot,
                         "Je n'ai pas reconnu un nom. Indiquez votre prénom et votre nom, "
                         "par exemple « Marie Martin ».")
    return accepted(slot, name)


def validate_email(slot: str, value: Any, tracker: Tracker,
                   dispatcher: CollectingDispatcher) -> Dict[Text, Any]:
    """An e-mail address found in the answer."""
    email = find_email(_text(value))
    if not email or len(email) > 254:
        return ask_again(tracker, dispatcher, slot,
                         "Cette adresse e-mail ne semble pas valide. Pouvez-vous la vérifier ? "
                         "Par exemple « marie.martin@exemple.fr ».")
    return accepted(slot, email)


def validate_phone(slot: str, value: Any, tracker: Tracker,
                   dispatcher: CollectingDispatcher) -> Dict[Text, Any]:
    """An optional phone number: a French number, or "non" to skip."""
    text = _text(value)
    if value == SKIPPED or is_skip(text):
        return accepted(slot, SKIPPED)
    phone = find_phone(text)
    if not phone:
        return ask_again(tracker, dispatcher, slot,
                         "Ce numéro ne semble pas valide. Indiquez 10 chiffres, par exemple "
                         "« 06 12 34 56 78 », ou répondez « non ».")
    return accepted(slot, phone)


def validate_contact(slot: str, value: Any, tracker: Tracker,
                     dispatcher: CollectingDispatcher) -> Dict[Text, Any]:
    """An optional way to be contacted: an e-mail and/or a phone, or "non"."""
    text = _text(value)
    if value == SKIPPED or is_skip(text):
        return accepted(slot, SKIPPED)
    email, phone = find_email(text), find_phone(text)
    if not email and not phone:
        return ask_again(tracker, dispatcher, slot,
                         "Je n'ai reconnu ni adresse e-mail ni numéro de téléphone. "
                         "Indiquez l'un des deux, ou répondez « non ».")
    return accepted(slot, " ".join(part for part in (email, phone) if part))


def optional(value: Any) -> Optional[str]:
    """The value of an optional slot, None when it was skipped or is empty."""
    return None if value in (None, "", SKIPPED) else value
