"""Reading entities from the latest message: one place for the rules (first value wins,
regex and DIET duplicates merged, references upper-cased)."""

from __future__ import annotations

from typing import Any, List, Optional

from rasa_sdk import Tracker


def entity_values(tracker: Tracker, name: str) -> List[Any]:
    """Distinct values of entity ``name`` in the latest message, in order of appearance."""
    entities = (tracker.latest_message or {}).get("entities") or []
    values: List[Any] = []
    for entity in sorted(entities, key=lambda e: e.get("start", 0)):
        if entity.get("entity") == name and entity.get("value") not in values:
            values.append(entity.get("value"))
    return values


def first_entity(tracker: Tracker, name: str) -> Optional[Any]:
    values = entity_values(tracker, name)
    return values[0] if values else None


def normalise_reference(value: Any) -> Optional[str]:
    """A reference as the back office stores it (upper case, no spaces), or None."""
    if not isinstance(value, str):
        return None
    cleaned = value.strip().upper().replace(" ", "")
    return cleaned or None
