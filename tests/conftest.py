"""Shared pytest fixtures: trackers and dispatchers for action tests.

After RasaHQ/financial-demo: a tracker is built from a list of events and slots so that
each action test states exactly the conversation it runs in.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from rasa_sdk import Tracker  # noqa: E402
from rasa_sdk.executor import CollectingDispatcher  # noqa: E402

#: Tests whose cost grows with everything the test process holds (full garbage
#: collections walk the whole heap): 3 s at the start of a run, over a minute after the
#: session's models are loaded. Marked ``pytest.mark.heap_sized``; they run first.
HEAP_SIZED = "heap_sized"


def pytest_configure(config: Any) -> None:
    config.addinivalue_line("markers", f"{HEAP_SIZED}: runs before the other tests (see tests/conftest.py)")


def pytest_collection_modifyitems(config: Any, items: List[Any]) -> None:
    items.sort(key=lambda item: item.get_closest_marker(HEAP_SIZED) is None)  # stable


def user_event(
    text: str,
    intent: str,
    entities: Optional[List[Dict[str, Any]]] = None,
    confidence: float = 0.99,
    metadata: Optional[Dict[str, Any]] = None,
    **extra: Any,
) -> Dict[str, Any]:
    """A user event as Rasa sends it to the action server."""
    parse_data = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": entities or [],
        **extra,
    }
    return {"event": "user", "text": text, "parse_data": parse_data, "metadata": metadata or {}}


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture
def make_tracker() -> Callable[..., Tracker]:
    """Builds a tracker whose latest message is the last user event given."""

    def build(
        events: Optional[List[Dict[str, Any]]] = None,
        slots: Optional[Dict[str, Any]] = None,
        sender_id: str = "test-citizen",
        active_loop: Optional[Dict[str, Any]] = None,
    ) -> Tracker:
        events = events or []
        users = [e for e in events if e.get("event") == "user"]
        latest = dict(users[-1]["parse_data"]) if users else {}
        if users:
            latest["metadata"] = users[-1].get("metadata", {})
        return Tracker(
            sender_id=sender_id,
            slots=slots or {},
            latest_message=latest,
            events=events,
            paused=False,
            followup_action=None,
            active_loop=active_loop or {},
            latest_action_name=None,
        )

    return build


@pytest.fixture
def domain() -> Dict[str, Any]:
    import yaml

    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
