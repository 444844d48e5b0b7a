"""Helpers shared by the territory flows' action tests (waste, reports, urbanism, transport,
general information, streets): running actions and reading what they said and set."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional

from rasa_sdk.executor import CollectingDispatcher

from tests.conftest import user_event


def run(action, dispatcher, tracker, domain) -> List[Dict[str, Any]]:
    """Runs an action as the action server would, and returns its events."""
    return asyncio.run(action.run(dispatcher, tracker, domain))


def call(coroutine):
    """Runs one coroutine (a form validation method, a helper) to completion."""
    return asyncio.run(coroutine)


def texts(dispatcher: CollectingDispatcher) -> List[str]:
    return [message.get("text") or "" for message in dispatcher.messages]


def all_text(dispatcher: CollectingDispatcher) -> str:
    return "\n".join(texts(dispatcher))


def buttons(dispatcher: CollectingDispatcher) -> List[Dict[str, str]]:
    return [button for message in dispatcher.messages for button in message.get("buttons") or []]


def slots_set(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    """The last value given to each slot by SlotSet events."""
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def entity(name: str, value: Any, text: Optional[str] = None, start: int = 0) -> Dict[str, Any]:
    text = text if text is not None else str(value)
    return {"entity": name, "value": value, "start": start, "end": start + len(text)}


def said(text: str, intent: str, **entities: Any) -> Dict[str, Any]:
    """A user event whose entities are found in ``text`` (or put at its start)."""
    found = []
    for name, value in entities.items():
        position = text.lower().find(str(value).lower())
        found.append(entity(name, value, start=max(position, 0)))
    return user_event(text, intent, found)


def assert_button_rules(dispatcher: CollectingDispatcher) -> None:
    """At most 10 buttons per message, titles of at most 20 characters."""
    for message in dispatcher.messages:
        assert len(message.get("buttons") or []) <= 10
        for button in message.get("buttons") or []:
            assert len(button["title"]) <= 20, button["title"]
