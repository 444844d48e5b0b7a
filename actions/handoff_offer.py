"""A typed answer to the person offered after two misunderstandings.

``action_fallback`` offers a person from the second misunderstood message in a row
(``utter_offer_human``). Rasa rules cannot count two user messages, so after
``action_fallback`` a "oui" / "non" goes to ``action_handoff_offer_reply``: when a person
was offered, "oui" hands over exactly like ``action_handoff`` and "non" keeps the bot
(``utter_handoff_declined``); after a single misunderstanding (no offer yet) it answers
like any "oui" / "non" outside a question. Other offers ("are you a robot?", distress,
human-only topics) are plain rules on the previous bot action (data/rules/handoff.yml).
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import handoff_context as context
from actions.handoff import ActionHandoff

#: Misunderstood messages in a row after which action_fallback offers a person.
FALLBACKS_FOR_OFFER = 2
AFFIRM = "affirm"


def person_was_offered(tracker: Tracker) -> bool:
    return context.fallbacks_before_request(tracker) >= FALLBACKS_FOR_OFFER


class ActionHandoffOfferReply(ActionHandoff):
    """"oui" to the person offered hands over; "non", or no offer yet, keeps the bot."""

    def name(self) -> Text:
        return "action_handoff_offer_reply"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        affirmed = ((tracker.latest_message or {}).get("intent") or {}).get("name") == AFFIRM
        if person_was_offered(tracker):
            if affirmed:
                return await super().run(dispatcher, tracker, domain)
            dispatcher.utter_message(response="utter_handoff_declined")
        else:
            dispatcher.utter_message(response="utter_affirm_without_context" if affirmed
                                     else "utter_deny_without_context")
        # handoff_mode drives the rules that follow: never leave an older value behind.
        return [SlotSet("handoff_mode", None)]
