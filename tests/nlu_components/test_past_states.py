"""Past states from a kept replay (guichet_nlu.patches.past_states) equal Rasa's.

Every call made while the trained model answers real conversations is compared with
Rasa's own method on the same arguments; hand-built trackers cover what conversations
rarely show: a user message changed in place after a kept step, rewinds, restarts,
another domain and the cache's life.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, List

import pytest

from guichet_nlu.patches import past_states
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (ActionExecuted, ActiveLoop, DefinePrevUserUtteredFeaturization,
                                     EntitiesAdded, Restarted, SlotSet, UserUttered,
                                     UserUtteranceReverted)
from rasa.shared.core.trackers import DialogueStateTracker
from guichet_nlu.tracker_store import copy_event
from tests.nlu_components.conftest import CONVERSATIONS

DOMAIN = Domain.load(str(Path(__file__).resolve().parents[2] / "domain.yml"))
RULE_ONLY = {"rule_only_slots": ["requested_slot"], "rule_only_loops": ["waste_form"]}
VARIANTS = [dict(), dict(omit_unset_slots=True), dict(ignore_rule_only_turns=True),
            dict(ignore_rule_only_turns=True, rule_only_data=RULE_ONLY)]


def rasas(tracker: DialogueStateTracker, **kwargs: Any) -> List[Any]:
    return past_states._ORIGINAL(DOMAIN, tracker, **kwargs)


def ours(tracker: DialogueStateTracker, **kwargs: Any) -> List[Any]:
    return past_states.states_for_tracker_history(DOMAIN, tracker, **kwargs)


def user(text: str, intent: str, entities: Any = None) -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": 1.0}, entities or [])


def new_tracker() -> DialogueStateTracker:
    return DialogueStateTracker("past-states-test", DOMAIN.slots)


def same_applied(tracker: DialogueStateTracker) -> bool:
    ours_, rasas_ = past_states.applied_events(tracker), tracker.applied_events()
    return len(ours_) == len(rasas_) and all(a is b for a, b in zip(ours_, rasas_))


def grow(tracker: DialogueStateTracker, events: List[Any]) -> None:
    """Adds events one by one; after each, every variant equals Rasa's."""
    for event in events:
        tracker.update(event)
        assert same_applied(tracker), event
        for kwargs in VARIANTS:
            assert ours(tracker, **kwargs) == rasas(tracker, **kwargs), (event, kwargs)


def booking() -> List[Any]:
    """A conversation through a form (new event objects at each call: tests change them)."""
    return [ActionExecuted("action_listen"), user("bonjour", "greet"), ActionExecuted("utter_greet"),
            ActionExecuted("action_listen"),
            user("un rendez-vous", "book_appointment", [{"entity": "procedure", "value": "cni"}]),
            ActionExecuted("appointment_form"), ActiveLoop("appointment_form"),
            SlotSet("requested_slot", "appointment_date"), ActionExecuted("action_listen"),
            user("lundi", "inform"), ActionExecuted("appointment_form", hide_rule_turn=True),
            ActiveLoop(None), SlotSet("requested_slot", None), ActionExecuted("action_listen")]


def test_states_follow_a_growing_conversation_as_rasas() -> None:
    grow(new_tracker(), booking())


def test_the_kept_states_are_never_handed_out() -> None:
    tracker = new_tracker()
    for event in booking():
        tracker.update(event)
    first = ours(tracker)
    for state in first:  # featurizers change states in place
        for sub_state in state.values():
            sub_state.clear()
    assert ours(tracker) == rasas(tracker)


def test_a_message_changed_after_a_kept_step_restarts_the_replay() -> None:
    tracker = new_tracker()
    events = booking()
    grow(tracker, events[:5])
    message = events[4]
    grow(tracker, [ActionExecuted("utter_ask_procedure")])
    ours(tracker)  # a step after the message is now kept
    message.use_text_for_featurization = True  # changed in place, as Rasa's events can
    for kwargs in VARIANTS:
        assert ours(tracker, **kwargs) == rasas(tracker, **kwargs)
    message.entities.append({"entity": "date", "value": "lundi"})
    for kwargs in VARIANTS:
        assert ours(tracker, **kwargs) == rasas(tracker, **kwargs)


def test_rasas_own_in_place_changes_of_the_last_message() -> None:
    tracker = new_tracker()
    grow(tracker, [ActionExecuted("action_listen"), user("lundi à 9h", "inform"),
                   DefinePrevUserUtteredFeaturization(False),
                   EntitiesAdded([{"entity": "time", "value": "9h"}]),
                   ActionExecuted("utter_ok"), ActionExecuted("action_listen")])


def test_rewinds_and_restarts_replay_from_the_start() -> None:
    tracker = new_tracker()
    grow(tracker, booking()[:6])
    grow(tracker, [UserUtteranceReverted(), ActionExecuted("action_listen"), user("merci", "thank")])
    grow(tracker, [ActionExecuted("utter_welcome"), Restarted(), ActionExecuted("action_listen"),
                   user("bonjour", "greet")])


def test_a_rewind_followed_by_more_events_is_not_taken_for_a_continuation() -> None:
    tracker = new_tracker()
    for event in booking()[:6]:
        tracker.update(event)
    assert ours(tracker) == rasas(tracker)
    for event in [UserUtteranceReverted(), ActionExecuted("action_listen"), user("merci", "thank"),
                  ActionExecuted("utter_welcome"), ActionExecuted("action_listen"), user("au revoir", "goodbye")]:
        tracker.update(event)
    assert len(tracker.applied_events()) > 6
    assert ours(tracker) == rasas(tracker)


def test_applied_events_of_a_replaced_bounded_or_rewritten_history_are_rasas() -> None:
    tracker = new_tracker()
    grow(tracker, booking())
    rewritten = list(tracker.events)
    rewritten[2] = ActionExecuted("utter_goodbye")
    tracker.events = type(tracker.events)(rewritten)  # a new deque: same length, same last event
    assert same_applied(tracker)
    tracker.events.pop(), tracker.events.pop()
    assert same_applied(tracker)
    tracker.events = type(tracker.events)(list(tracker.events)[:5])
    assert same_applied(tracker)
    tracker.events.pop()
    tracker.events.append(ActionExecuted("utter_greet"))  # same length, other last event
    assert same_applied(tracker)
    grow(tracker, [ActiveLoop("waste_form"), ActionExecuted("waste_form")])  # a new loop name
    bounded = DialogueStateTracker("past-states-bounded", DOMAIN.slots, max_event_history=4)
    grow(bounded, booking())


def test_another_domain_or_option_gets_its_own_replay() -> None:
    tracker = new_tracker()
    for event in booking():
        tracker.update(event)
    other = Domain.from_dict({"intents": ["greet"], "actions": ["utter_greet"]})
    assert ours(tracker) == rasas(tracker)
    assert past_states.states_for_tracker_history(other, tracker) == past_states._ORIGINAL(other, tracker)
    assert ours(tracker, omit_unset_slots=True) == rasas(tracker, omit_unset_slots=True)
    assert ours(tracker) == rasas(tracker)


def kept(tracker: DialogueStateTracker) -> Any:
    return past_states._replays[(tracker.sender_id, False)]


def test_the_next_turns_tracker_of_copied_events_continues_the_replay() -> None:
    tracker = new_tracker()
    for event in booking()[:8]:
        tracker.update(event)
    assert ours(tracker) == rasas(tracker)
    replay = kept(tracker)
    copies = DialogueStateTracker.from_events(tracker.sender_id, [copy_event(e) for e in tracker.events],
                                               DOMAIN.slots)
    assert ours(copies) == rasas(copies)
    assert kept(copies) is replay and replay.events[0] is copies.events[0] is not tracker.events[0]
    grow(copies, booking()[8:])


def test_copies_that_differ_are_replayed_from_the_last_shared_event() -> None:
    tracker = new_tracker()
    for event in booking()[:7] + [SlotSet("handoff_mode", "live")]:  # a slot states show
        tracker.update(event)
    ours(tracker)
    replay = kept(tracker)
    first_steps = list(replay.steps)
    changed = [copy_event(e) for e in tracker.events][:-1] + [SlotSet("handoff_reference", "A-1")]
    copies = DialogueStateTracker.from_events(tracker.sender_id, changed, DOMAIN.slots)
    assert ours(copies) == rasas(copies)
    assert kept(copies) is replay and replay.events[-1] is changed[-1]
    assert all(a is b for a, b in zip(replay.steps, first_steps))  # the steps before it are kept
    grow(copies, booking()[8:])


def test_a_forms_undone_turns_are_replayed_again(monkeypatch) -> None:
    truncations = []
    monkeypatch.setattr(past_states._Replay, "truncate",
                        lambda self, *args, _real=past_states._Replay.truncate: (truncations.append(args[0]),
                                                                                 _real(self, *args)))
    tracker = new_tracker()
    grow(tracker, booking()[:10] + [ActionExecuted("appointment_form"), SlotSet("appointment_date", "lundi"),
                                    SlotSet("requested_slot", "appointment_time"),
                                    ActionExecuted("action_listen"), user("9h", "inform"),
                                    ActionExecuted("appointment_form")])
    assert truncations  # the loop's second run undid the turn before it


def test_only_the_latest_conversations_are_kept(monkeypatch) -> None:
    monkeypatch.setattr(past_states, "MAX_CONVERSATIONS", 3)
    for number in range(5):
        tracker = DialogueStateTracker(f"lru-{number}", DOMAIN.slots)
        tracker.update(ActionExecuted("action_listen"))
        ours(tracker)
    assert [key for key, _ in past_states._replays.keys()] == ["lru-2", "lru-3", "lru-4"]


def test_only_plain_trackers_are_kept() -> None:
    class Special(DialogueStateTracker):
        pass

    tracker = Special("past-states-special", DOMAIN.slots)
    tracker.update(ActionExecuted("action_listen"))
    assert ours(tracker) == rasas(tracker)
    assert (tracker.sender_id, False) not in past_states._replays


@pytest.mark.parametrize("index", range(len(CONVERSATIONS)))
def test_every_call_in_real_conversations_equals_rasas(trained_agent: Any, monkeypatch, index: int) -> None:
    assert Domain.states_for_tracker_history is past_states.states_for_tracker_history, \
        "importing guichet_nlu must install the patch"
    calls = []

    def checked(self: Domain, tracker: DialogueStateTracker, **kwargs: Any) -> List[Any]:
        expected = past_states._ORIGINAL(self, tracker, **kwargs)
        got = past_states.states_for_tracker_history(self, tracker, **kwargs)
        calls.append((type(tracker) is DialogueStateTracker, got == expected, kwargs))
        return got

    monkeypatch.setattr(Domain, "states_for_tracker_history", checked)
    trained_agent.converse(f"past-states-{index}", CONVERSATIONS[index])
    assert sum(plain for plain, _, _ in calls) >= 2 * len(CONVERSATIONS[index])
    assert {kwargs.get("ignore_rule_only_turns") for _, _, kwargs in calls} == {False, True}
    assert [kwargs for _, same, kwargs in calls if not same] == []


def test_every_call_of_bench_conversations_with_the_action_server_equals_rasas(tmp_path, monkeypatch) -> None:
    """Forms validated by the real action server and back office, conversations that go on
    for several scenarios: the paths where the replay goes back and goes on across turns."""
    import asyncio
    import random

    from benchmarks import scenarios
    from guichet_nlu.tracker_store import InMemoryObjectTrackerStore
    from rasa.core.agent import load_agent
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.endpoints import EndpointConfig
    from tools.stack import DEFAULT_MODEL, Stack, free_ports

    stack = Stack(services=("backoffice", "actions"), workdir=tmp_path,
                  ports=free_ports("backoffice", "actions", "rasa", "web")).start()
    loop = asyncio.new_event_loop()
    calls, went_back = [], []
    try:
        endpoints = AvailableEndpoints(action=EndpointConfig(url=f"{stack.url('actions')}/webhook"))
        agent = loop.run_until_complete(load_agent(model_path=str(DEFAULT_MODEL), endpoints=endpoints))
        agent.tracker_store = agent.processor.tracker_store = InMemoryObjectTrackerStore(agent.domain)

        def checked(self: Domain, tracker: DialogueStateTracker, **kwargs: Any) -> List[Any]:
            expected = past_states._ORIGINAL(self, tracker, **kwargs)
            got = past_states.states_for_tracker_history(self, tracker, **kwargs)
            calls.append(got == expected)
            return got

        monkeypatch.setattr(Domain, "states_for_tracker_history", checked)
        monkeypatch.setattr(past_states._Replay, "truncate",
                            lambda self, *args, _real=past_states._Replay.truncate: (went_back.append(1),
                                                                                     _real(self, *args)))
        rng = random.Random(5)
        for number in range(24):
            payloads: List[str] = []
            for step in scenarios.draw(rng, number).steps:
                text = (scenarios.pick_button(payloads, step.button, rng) if step.button else None) or step.text
                replies = loop.run_until_complete(agent.handle_text(text, sender_id=f"bench-{number % 3}"))
                payloads = [button.get("payload", "") for reply in replies or []
                            for button in reply.get("buttons") or []]
    finally:
        loop.close()
        stack.stop()
    assert len(calls) > 300 and went_back
    assert calls.count(False) == 0
