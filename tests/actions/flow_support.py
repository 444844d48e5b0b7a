"""Helpers of the appointment, case and état-civil action tests: running an action,
building the tracker a form sends to its validation action, reading what was said, and
finding free slots on the real test back office."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, datetime, timedelta
from typing import Any, Dict, List, Optional

from rasa_sdk.events import SlotSet

from actions.dates import paris_today
from tests.conftest import user_event


def run(action, dispatcher, tracker, domain) -> List[Dict[str, Any]]:
    return asyncio.run(action.run(dispatcher, tracker, domain))


def sender(prefix: str = "citizen") -> str:
    """A conversation id of its own, so that rate limits of tests never mix."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def texts(dispatcher) -> str:
    return "\n".join(m.get("text") or "" for m in dispatcher.messages)


def responses(dispatcher) -> List[Optional[str]]:
    return [m.get("response") for m in dispatcher.messages]


def buttons(dispatcher) -> List[Dict[str, str]]:
    return [b for m in dispatcher.messages for b in m.get("buttons") or []]


def slots_set(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    """The slot values set by ``events`` (the last one wins)."""
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def has_event(events: List[Dict[str, Any]], kind: str, name: Optional[str]) -> bool:
    """Whether ``events`` hold an event of ``kind`` ("active_loop", "followup") for ``name``."""
    return any(e.get("event") == kind and e.get("name") == name for e in events)


def entity(name: str, value: Any, text: Optional[str] = None, start: int = 0) -> Dict[str, Any]:
    return {"entity": name, "value": value, "start": start, "end": start + len(str(text or value))}


def form_tracker(make_tracker, form: str, requested: Optional[str], text: str, intent: str,
                 entities: Optional[List[Dict[str, Any]]] = None,
                 slots: Optional[Dict[str, Any]] = None,
                 extracted: Optional[Dict[str, Any]] = None,
                 sender_id: Optional[str] = None, history: Optional[List[Dict[str, Any]]] = None):
    """The tracker a form sends to ``validate_<form>`` after the citizen's message:
    the slots already known, the message, then the slots Rasa extracted from it."""
    known = dict(slots or {})
    known["requested_slot"] = requested
    known.update(extracted or {})
    events = list(history or []) + [
        {"event": "active_loop", "name": form},
        SlotSet("requested_slot", requested),
        user_event(text, intent, entities),
    ] + [SlotSet(name, value) for name, value in (extracted or {}).items()]
    return make_tracker(events, slots=known, sender_id=sender_id or sender(form),
                        active_loop={"name": form})


def free_starts(client, procedure: str, first: Optional[date] = None,
                days: int = 30) -> List[datetime]:
    """Free slot starts of the test back office, read directly with the client."""
    first = first or paris_today() + timedelta(days=2)
    body = client.get("/slots", procedure=procedure, start=first.isoformat(),
                      end=(first + timedelta(days=days)).isoformat())
    return [datetime.fromisoformat(s["start"]) for s in body["slots"]]


def next_weekday(weekday: int, after: Optional[date] = None) -> date:
    """The first date with ``weekday`` (0 = Monday) strictly after ``after`` (today)."""
    day = (after or paris_today()) + timedelta(days=1)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return day
