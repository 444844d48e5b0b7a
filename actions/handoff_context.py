"""What the handoff reads from a conversation: why a person is needed, how urgent it is,
the channel, the transcript and what the bot understood (slots), all bounded for the
back office (docs/handoff.md)."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker

from actions.fallback import FALLBACK_INTENT

HANDOFF_INTENT = "human_handoff"
#: Topics whose service may be marked human_only in the commune's services.yml.
TOPIC_INTENTS = ("social_assistance", "school_enrollment")
URGENCY_LEVELS = ("danger", "distress", "urgent")  # most serious first
IDENTITY_FAILURES_FOR_HUMAN = 3
TRANSCRIPT_TURNS = 40
_HIDDEN_SLOTS = {"requested_slot", "session_started_metadata"}
_SMALL_TALK = ("affirm", "deny", "greet", "goodbye", "thank", "help", "bot_challenge")
_CONVERSATION_ID = re.compile(r"^[A-Za-z0-9._:@-]{1,128}$")
_CHANNEL = re.compile(r"^[a-z][a-z0-9_.]{0,29}$")


def user_events(tracker: Tracker) -> List[Dict[str, Any]]:
    return [e for e in tracker.events if e.get("event") == "user"]


def intent_of(event: Dict[str, Any]) -> Optional[str]:
    return ((event.get("parse_data") or {}).get("intent") or {}).get("name")


def previous_user_event(tracker: Tracker) -> Optional[Dict[str, Any]]:
    """The user message before the latest one."""
    users = user_events(tracker)
    return users[-2] if len(users) >= 2 else None


def urgency_level(tracker: Tracker, lookback: int = 3) -> Optional[str]:
    """The most serious urgency among the latest messages (parse data, distress, slot)."""
    found = set()
    for event in user_events(tracker)[-lookback:]:
        level = ((event.get("parse_data") or {}).get("urgency") or {}).get("level")
        if level in URGENCY_LEVELS:
            found.add(level)
        if intent_of(event) == "distress":
            found.add("distress")
    if tracker.get_slot("urgency") == "high":
        found.add("urgent")
    return next((level for level in URGENCY_LEVELS if level in found), None)


def fallbacks_before_request(tracker: Tracker) -> int:
    """Misunderstood messages in a row just before the latest one."""
    count = 0
    for event in reversed(user_events(tracker)[:-1]):
        if intent_of(event) != FALLBACK_INTENT:
            break
        count += 1
    return count


def identity_failures(tracker: Tracker) -> int:
    try:
        return int(float(tracker.get_slot("identity_failures") or 0))
    except (TypeError, ValueError):
        return 0


def topic_before_request(tracker: Tracker) -> Optional[str]:
    previous = previous_user_event(tracker)
    intent = intent_of(previous) if previous else None
    return intent if intent in TOPIC_INTENTS else None


def reason(tracker: Tracker, human_only_service: Optional[str]) -> str:
    """Why the conversation goes to a person (the back office's reason codes)."""
    if urgency_level(tracker):
        return "urgency"
    if human_only_service:
        return "human_only_topic"
    if identity_failures(tracker) >= IDENTITY_FAILURES_FOR_HUMAN:
        return "identity_check_failed"
    if fallbacks_before_request(tracker) >= 2:
        return "repeated_misunderstanding"
    return "citizen_request"


def channel(tracker: Tracker) -> str:
    """The channel the citizen writes on (Rasa's input channel name)."""
    for event in reversed(user_events(tracker)):
        name = str(event.get("input_channel") or "").strip().lower()
        if name and _CHANNEL.match(name):
            return name
    return "rest"


def conversation_id(tracker: Tracker) -> Optional[str]:
    sender = str(tracker.sender_id or "")
    return sender if _CONVERSATION_ID.match(sender) else None


def understood_intent(tracker: Tracker) -> Optional[str]:
    """The latest intent that says what the citizen wanted (not the request for a person)."""
    for event in reversed(user_events(tracker)):
        intent = intent_of(event)
        if intent and intent not in (HANDOFF_INTENT, FALLBACK_INTENT, *_SMALL_TALK):
            return intent[:100]
    return intent_of(user_events(tracker)[-1]) if user_events(tracker) else None


def _bounded(value: Any) -> Any:
    if isinstance(value, str):
        return _printable(value)[:200]
    if isinstance(value, (bool, int)) or value is None:
        return value
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else None
    if isinstance(value, (list, tuple)):
        return [_bounded(v) for v in list(value)[:10]]
    if isinstance(value, dict):
        return {str(k)[:60]: _bounded(v) for k, v in list(value.items())[:10]}
    return _printable(str(value))[:200]


def _printable(text: str) -> str:
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]", "", text)


def known_slots(tracker: Tracker) -> Dict[str, Any]:
    """Slots that hold something, without the handoff's own and Rasa's internals."""
    slots = {}
    for name, value in (tracker.slots or {}).items():
        if (name in _HIDDEN_SLOTS or name.startswith("handoff_")
                or value in (None, "", [], {}) or (type(value) in (int, float) and value == 0)):
            continue
        if not re.match(r"^[A-Za-z_][A-Za-z0-9_]{0,59}$", name):
            continue
        slots[name] = _bounded(value)
        if len(slots) >= 40:
            break
    return slots


def _readable(text: str) -> str:
    """A button's payload ("/human_handoff") told as a click, not as code."""
    if text.startswith("/"):
        return f"(bouton : {text[1:].split('{')[0]})"
    return text


def transcript(tracker: Tracker, turns: int = TRANSCRIPT_TURNS) -> List[Dict[str, Any]]:
    lines = []
    for event in tracker.events:
        kind = event.get("event")
        text = _printable(str(event.get("text") or "")).strip()
        if kind not in ("user", "bot") or not text:
            continue
        line = {"author": "citizen" if kind == "user" else "bot",
                "text": (_readable(text) if kind == "user" else text)[:2000]}
        if kind == "user" and event.get("message_id"):
            line["message_id"] = str(event["message_id"])[:100]
        lines.append(line)
    return lines[-turns:]


def latest_message_id(tracker: Tracker) -> str:
    users = user_events(tracker)
    if not users:
        return "none"
    return str(users[-1].get("message_id") or users[-1].get("timestamp") or len(users))


def callback_url(tracker: Tracker) -> Optional[str]:
    """A REST integration's address for agent messages, from the message metadata."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    url = metadata.get("handoff_callback_url") if isinstance(metadata, dict) else None
    return url[:500] if isinstance(url, str) and re.match(r"^https?://\S+$", url) else None
