"""The active loop in a tracker's state (guichet_nlu.patches.loop_state) equals Rasa's."""

from __future__ import annotations

import collections
import dataclasses
import math
from typing import Any

import numpy as np
import pytest
from rasa.shared.core import trackers
from rasa.shared.core.trackers import EventVerbosity, TrackerActiveLoop

from guichet_nlu.patches import loop_state

Point = collections.namedtuple("Point", "x y")


@dataclasses.dataclass
class Inner:
    label: str
    values: list


class Ordered(dict):
    """A dict subclass: asdict rebuilds it as its own type."""


def identical(ours: Any, theirs: Any) -> None:
    """Same types all the way down, same values, same key order."""
    assert type(ours) is type(theirs)
    if isinstance(theirs, dict):
        assert list(ours) == list(theirs)
        for key in theirs:
            identical(ours[key], theirs[key])
    elif isinstance(theirs, (list, tuple)):
        assert len(ours) == len(theirs)
        for mine, reference in zip(ours, theirs):
            identical(mine, reference)
    elif isinstance(theirs, float) and math.isnan(theirs):
        assert math.isnan(ours)
    else:
        assert ours == theirs


TRIGGERS = [
    None,
    {},
    {"text": "je voudrais un rendez-vous", "intent": {"name": "book_appointment", "confidence": 0.93},
     "entities": [{"entity": "procedure", "value": "cni", "start": 3, "end": 6, "extractor": "CRF"}],
     "intent_ranking": [{"name": f"intent_{i}", "confidence": 1 / (i + 1)} for i in range(10)],
     "message_id": "abc", "metadata": {"place": None, "kiosk": True}},
    {"tuple": (1, "a", [2.5]), "point": Point(1, [2]), "inner": Inner("x", [1, {"y": 2}]),
     "ordered": Ordered(b=1, a=2), "nan": float("nan"), "numpy": np.float32(0.5), 3: "int key",
     "nested": [[[]], {"deep": [None, True, False]}]},
]


def test_the_tracker_module_sees_the_fast_asdict_and_the_rest_of_dataclasses() -> None:
    assert isinstance(trackers.dataclasses, loop_state._Dataclasses)
    assert trackers.dataclasses.asdict is loop_state.asdict
    assert trackers.dataclasses.dataclass is dataclasses.dataclass
    assert trackers.dataclasses.fields is dataclasses.fields


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_active_loops_copy_as_asdict_does(trigger: Any) -> None:
    loop = TrackerActiveLoop("appointment_form", True, False, trigger)
    ours, theirs = loop_state.asdict(loop), dataclasses.asdict(loop)
    identical(ours, theirs)
    if isinstance(trigger, dict) and trigger:
        assert ours["trigger_message"] is not trigger
        ours["trigger_message"]["text"] = "changé"
        ours["trigger_message"].get("entities", [{}])[0]["value"] = "changé"
        assert trigger.get("text") != "changé"
        assert all(e.get("value") != "changé" for e in trigger.get("entities", []))


def test_other_dataclasses_and_factories_go_to_asdict() -> None:
    identical(loop_state.asdict(Inner("a", [1, (2, 3)])), dataclasses.asdict(Inner("a", [1, (2, 3)])))
    loop = TrackerActiveLoop("f", False, True, {"b": 1, "a": [2]})
    factory = collections.OrderedDict
    identical(loop_state.asdict(loop, dict_factory=factory), dataclasses.asdict(loop, dict_factory=factory))
    with pytest.raises(TypeError):
        loop_state.asdict({"not": "a dataclass"})


def test_the_state_sent_to_the_action_server_is_rasas(trained_agent: Any, monkeypatch) -> None:
    from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered

    domain = trained_agent.agent.domain
    parse = trained_agent.run(trained_agent.agent.parse_message(
        "je voudrais un rendez-vous pour une carte d'identité"))
    events = [ActionExecuted("action_listen"),
              UserUttered(parse["text"], parse["intent"], parse["entities"], parse),
              ActionExecuted("appointment_form"), ActiveLoop("appointment_form"),
              SlotSet("requested_slot", "procedure")]
    tracker = trackers.DialogueStateTracker.from_events("loop-state-test", events, domain.slots)
    assert tracker.active_loop is not None and tracker.active_loop.trigger_message["intent_ranking"]
    ours = tracker.current_state(EventVerbosity.ALL)
    monkeypatch.setattr(trackers, "dataclasses", dataclasses)
    theirs = tracker.current_state(EventVerbosity.ALL)
    identical(ours, theirs)
