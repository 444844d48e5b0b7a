"""Reads what the channel told about the citizen's context (page, kiosk, QR place).

Widgets send it as message metadata (``customData``); Rasa stores it on the user event
and on ``session_started``. Values come from a browser, so they are bounded and
type-checked before use.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker

_MAX_TEXT = 300


def _metadata_dicts(tracker: Tracker) -> List[Dict[str, Any]]:
    found = []
    latest = (tracker.latest_message or {}).get("metadata")
    if isinstance(latest, dict):
        found.append(latest)
    for event in reversed(tracker.events):
        if event.get("event") in ("user", "session_started") and isinstance(event.get("metadata"), dict):
            found.append(event["metadata"])
    return found


def _clean(value: Any) -> Optional[str]:
    return value.strip()[:_MAX_TEXT] if isinstance(value, str) and value.strip() else None


def metadata_value(tracker: Tracker, key: str) -> Any:
    """The most recent value of ``key`` in the message metadata (or in customData)."""
    for metadata in _metadata_dicts(tracker):
        for holder in (metadata, metadata.get("customData")):
            if isinstance(holder, dict) and key in holder:
                return holder[key]
    return None


def place_context(tracker: Tracker) -> Optional[Dict[str, Any]]:
    """The QR-code place the conversation started from, if any: id, label, greeting."""
    place = metadata_value(tracker, "place")
    if not isinstance(place, dict):
        return None
    cleaned = {key: _clean(place.get(key)) for key in ("id", "label", "kind", "greeting")}
    return cleaned if cleaned["id"] or cleaned["label"] else None
