"""Bin requests (new, bigger, broken or stolen bin): what to prepare and whom to contact.

The back office cannot record bin requests yet, so the assistant does not pretend to: it
says what the waste service will need for the problem named (entity ``bin_problem``) and
gives that service's contacts and opening status.
"""

from __future__ import annotations

from typing import Any, Dict, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.entities import first_entity
from actions.general_info import TopicService, say_service_card
from actions.territory_data import load_data


def problem_text(problem: Any) -> str:
    texts = load_data("topics")["bin_problems"]
    return texts.get(problem) or texts["default"]


class ActionBinRequest(TopicService):
    topic = "waste"

    def name(self) -> Text:
        return "action_bin_request"

    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                     service: Dict[str, Any]) -> None:
        intro = (f"{problem_text(first_entity(tracker, 'bin_problem'))} "
                 "Je ne peux pas encore enregistrer cette demande moi-même : "
                 "contactez directement le service.")
        await say_service_card(dispatcher, service, intro=intro)
