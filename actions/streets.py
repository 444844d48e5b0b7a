"""Street resolution for every territory flow: what the citizen typed -> one official street.

The back office (GET /streets/search) decides whether one street is clearly meant
(``resolution`` "one"), whether several are possible ("several": the citizen then picks
one with buttons, "Laquelle ?"), or none; this module only turns that into questions.
Forms call :func:`validate_street_answer`; other flows call :func:`lookup_street`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.api.backoffice import BackOfficeError, get_client
from actions.territory_forms import abort_form, accepted, ask_again
from actions.territory_text import clean_input, short_title

#: More candidates than this means the query is too vague ("rue", "rue des").
MAX_CHOICES = 5
MAX_QUERY = 200


@dataclass(frozen=True)
class StreetLookup:
    """Outcome of a street search: ``name`` when clear, else ``candidates`` (maybe empty)."""

    query: str
    name: Optional[str] = None
    sector: Optional[str] = None
    candidates: List[str] = field(default_factory=list)
    too_vague: bool = False

    @property
    def found(self) -> bool:
        return self.name is not None


def from_search(query: str, body: Dict[str, Any]) -> StreetLookup:
    """The back office's resolution of ``query`` (asked for MAX_CHOICES + 1 candidates)."""
    if body.get("resolution") == "one" and body.get("street"):
        return StreetLookup(query, body["street"], body.get("sector"))
    candidates = list(body.get("candidates") or [])
    return StreetLookup(query, candidates=candidates[:MAX_CHOICES],
                        too_vague=len(candidates) > MAX_CHOICES)


async def lookup_street(query: Any) -> StreetLookup:
    """Search the commune's streets; raises BackOfficeError when the back office fails."""
    text = clean_input(query, MAX_QUERY) or ""
    if not text:
        return StreetLookup("")
    body = await get_client().acall("GET", "/streets/search",
                                    params={"q": text, "limit": MAX_CHOICES + 1})
    return from_search(text, body or {})


def street_buttons(candidates: List[str], intent: str = "inform") -> List[Dict[str, str]]:
    """One button per candidate street; the payload carries the official name."""
    return [{"title": short_title(name),
             "payload": f"/{intent}{json.dumps({'street': name}, ensure_ascii=False)}"}
            for name in candidates]


def not_found_text(lookup: StreetLookup) -> str:
    """What to say when the search did not give one street (vague, several or none)."""
    if not lookup.query:
        return ("Je n'ai pas reçu de nom de rue. Indiquez le nom de la rue, avec « rue », "
                "« avenue », « place »…")
    if lookup.too_vague:
        return "Pouvez-vous préciser le nom complet de la rue, avec « rue », « avenue », « place »… ?"
    if len(lookup.candidates) > 1:
        return f"Plusieurs rues ressemblent à « {lookup.query} ». Laquelle ?"
    if lookup.candidates:
        return f"Vouliez-vous dire {lookup.candidates[0]} ?"
    return (f"Je ne trouve pas « {lookup.query} » parmi les rues de la commune. "
            "Vérifiez l'orthographe, ou indiquez la rue la plus proche.")


def say_street_not_found(dispatcher: CollectingDispatcher, lookup: StreetLookup,
                         intent: str = "inform") -> None:
    """Answer a street that did not resolve, with buttons when there are candidates."""
    buttons = [] if lookup.too_vague else street_buttons(lookup.candidates, intent)
    dispatcher.utter_message(text=not_found_text(lookup), buttons=buttons)


async def validate_street_answer(slot: str, value: Any, tracker: Tracker,
                                 dispatcher: CollectingDispatcher,
                                 what_not_done: Optional[str] = None) -> Dict[Text, Any]:
    """Form validation of a street slot: the official name, or ask again ("Laquelle ?").

    ``what_not_done`` says what was not done if the back office fails (for a write).
    """
    if isinstance(value, list):
        value = value[-1] if value else None
    try:
        lookup = await lookup_street(value)
    except BackOfficeError as error:
        return abort_form(dispatcher, error, what_not_done)
    if lookup.found:
        return accepted(slot, lookup.name)
    buttons = [] if lookup.too_vague else street_buttons(lookup.candidates)
    return ask_again(tracker, dispatcher, slot, not_found_text(lookup), buttons,
                     give_up="Je ne parviens pas à trouver cette rue, pardonnez-moi. "
                             "Un agent de la mairie peut vous aider.")
