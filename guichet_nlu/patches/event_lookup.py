"""Event type lookup by table instead of a walk of every ``Event`` subclass.

``Event.resolve_by_type`` (called for each event deserialised: tracker store, action
server responses) walked ``all_subclasses(Event)`` with ``inspect.isabstract`` on every
class, each time. The replacement keeps a ``type_name -> class`` table built from the very
same walk, with the first class of the walk winning as in Rasa's loop. The table is
dropped whenever a new ``Event`` subclass is created (``__init_subclass__``) and rebuilt
when a name is missing, so a class imported later is found and the answer is always
what Rasa's own loop gives; names that are still unknown get Rasa's fallbacks
(``"topic"`` -> ``None``, then ``default``, then ``ValueError``).
"""

from __future__ import annotations

from typing import Dict, Optional, Text, Type

import rasa.shared.utils.common
from rasa.shared.core.events import Event

ORIGINAL_RESOLVE_BY_TYPE = Event.__dict__["resolve_by_type"].__func__

_table: Optional[Dict[Text, Type[Event]]] = None


def build_table() -> Dict[Text, Type[Event]]:
    """Maps each type name to the first class Rasa's own walk would return for it."""
    table: Dict[Text, Type[Event]] = {}
    for cls in rasa.shared.utils.common.all_subclasses(Event):
        table.setdefault(cls.type_name, cls)
    return table


def invalidate() -> None:
    """Forgets the table; the next lookup rebuilds it."""
    global _table
    _table = None


def resolve_by_type(
    type_name: Text, default: Optional[Type[Event]] = None
) -> Optional[Type[Event]]:
    """Drop-in replacement of ``Event.resolve_by_type`` (same results, same errors)."""
    global _table
    table = _table
    if table is not None:
        cls = table.get(type_name)
        if cls is not None:
            return cls
    _table = table = build_table()
    cls = table.get(type_name)
    if cls is not None:
        return cls
    if type_name == "topic":
        return None  # Rasa: backwards compatibility with old TopicSet events
    if default is not None:
        return default
    raise ValueError(f"Unknown event name '{type_name}'.")


def _invalidate_on_subclass(cls: type, **kwargs: object) -> None:
    invalidate()
    super(Event, cls).__init_subclass__(**kwargs)  # type: ignore[misc]


def apply() -> None:
    """Installs the table lookup (idempotent)."""
    if "__init_subclass__" not in Event.__dict__:
        Event.__init_subclass__ = classmethod(_invalidate_on_subclass)  # type: ignore
    Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[assignment]
    invalidate()
