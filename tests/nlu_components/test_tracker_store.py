"""InMemoryObjectTrackerStore behaves like Rasa's InMemoryTrackerStore, without JSON.

Every scenario runs the same saves on both stores (each with its own copies of the
events) and compares what they give back, down to each event's attributes; the
scenarios run twice, once with the conversations kept as objects and once with every
conversation pickled as soon as it is saved (``hot_conversations: 0``).
"""

from __future__ import annotations

import asyncio
import copy
import gc
import json
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

import pytest
import yaml
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import InMemoryTrackerStore, TrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActiveLoop,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    DefinePrevUserUtteredFeaturization,
    EntitiesAdded,
    Event,
    FollowupAction,
    LoopInterrupted,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
    UserUtteranceReverted,
)
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.utils.endpoints import EndpointConfig

from guichet_nlu.tracker_store import (
    CompactedConversation,
    InMemoryObjectTrackerStore,
    StoredConversation,
    copy_event,
)

ROOT = Path(__file__).resolve().parents[2]
STORE_TYPE = "guichet_nlu.tracker_store.InMemoryObjectTrackerStore"

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [saluer, signaler, informer, affirmer]
entities: [rue, type_signalement]
slots:
  rue:
    type: text
    mappings: [{type: from_entity, entity: rue}]
  type_signalement:
    type: categorical
    values: [voirie, eclairage]
    mappings: [{type: from_entity, entity: type_signalement}]
  pieces:
    type: list
    mappings: [{type: custom}]
  confirme:
    type: bool
    influence_conversation: false
    mappings: [{type: custom}]
forms:
  signalement_form:
    required_slots: [rue, type_signalement]
responses:
  utter_bonjour: [{text: "Bonjour !"}]
actions: [action_creer_signalement]
"""
)


class RecordingBroker(EventBroker):
    """Keeps what it is given."""

    def __init__(self) -> None:
        self.published: List[Dict[Text, Any]] = []

    def publish(self, event: Dict[Text, Any]) -> None:
        self.published.append(event)


def user(text: Text, intent: Text, entities: Optional[List[Dict]] = None, ts: float = 0.0,
         **kwargs: Any) -> UserUttered:
    entities = entities or []
    parse_data = {
        "intent": {"name": intent, "confidence": 0.91},
        "entities": entities,
        "text": text,
        "message_id": f"m-{ts}",
        "metadata": {"canal": "web"},
        "intent_ranking": [{"name": intent, "confidence": 0.91},
                           {"name": "informer", "confidence": 0.05}],
        "text_tokens": [(0, 3), (4, 9)],
    }
    return UserUttered(text, parse_data["intent"], entities, parse_data, ts or None,
                       input_channel="rest", message_id=f"m-{ts}",
                       metadata={"canal": "web"}, **kwargs)


RUE = {"entity": "rue", "value": "rue des Lilas", "start": 10, "end": 23,
       "extractor": "CRFEntityExtractor"}
LAMPE = {"entity": "type_signalement", "value": "eclairage", "start": 0, "end": 5,
         "extractor": "CRFEntityExtractor"}


def session_start(ts: float) -> List[Event]:
    return [ActionExecuted(ACTION_SESSION_START_NAME, timestamp=ts),
            SessionStarted(timestamp=ts + 0.1),
            SlotSet("confirme", True, timestamp=ts + 0.2),
            ActionExecuted(ACTION_LISTEN_NAME, timestamp=ts + 0.3)]


def turns(start: float) -> List[List[Event]]:
    """Realistic turns of a report: greeting, form with entities, revert, handoff."""
    t = start
    return [
        session_start(t),
        [user("bonjour", "saluer", ts=t + 1), DefinePrevUserUtteredFeaturization(False, t + 1.1),
         ActionExecuted("utter_bonjour", policy="TEDPolicy", confidence=0.98, timestamp=t + 1.2),
         BotUttered("Bonjour !", {"buttons": [{"title": "Oui", "payload": "/affirmer"}]},
                    {"utter_action": "utter_bonjour"}, t + 1.3),
         ActionExecuted(ACTION_LISTEN_NAME, timestamp=t + 1.4)],
        [user("lampe cassée rue des Lilas", "signaler", [RUE], ts=t + 2),
         EntitiesAdded([LAMPE], timestamp=t + 2.05),
         DefinePrevUserUtteredFeaturization(False, t + 2.1),
         SlotSet("rue", "rue des Lilas", timestamp=t + 2.15),
         ActionExecuted("signalement_form", policy="RulePolicy", confidence=1.0, timestamp=t + 2.2),
         ActiveLoop("signalement_form", timestamp=t + 2.3),
         SlotSet("requested_slot", "type_signalement", timestamp=t + 2.4),
         BotUttered("Quel type de problème ?", timestamp=t + 2.5),
         ActionExecuted(ACTION_LISTEN_NAME, timestamp=t + 2.6)],
        [user("c'est quoi les horaires", "informer", ts=t + 3),
         DefinePrevUserUtteredFeaturization(True, t + 3.05),
         ActionExecutionRejected("signalement_form", timestamp=t + 3.1),
         LoopInterrupted(True, timestamp=t + 3.2),
         ActionExecuted("utter_bonjour", timestamp=t + 3.3),
         ActionExecuted(ACTION_LISTEN_NAME, timestamp=t + 3.4)],
        [user("euh", "affirmer", ts=t + 4), UserUtteranceReverted(timestamp=t + 4.1),
         ActionExecuted(ACTION_LISTEN_NAME, timestamp=t + 4.2)],
        [user("éclairage", "signaler", [LAMPE], ts=t + 5),
         SlotSet("type_signalement", "eclairage", timestamp=t + 5.1),
         SlotSet("pieces", ["photo.jpg", {"nom": "plan.pdf"}], timestamp=t + 5.15),
         ActionExecuted("signalement_form", timestamp=t + 5.2),
         ActiveLoop(None, timestamp=t + 5.3), SlotSet("requested_slot", None, timestamp=t + 5.4),
         FollowupAction("action_creer_signalement", timestamp=t + 5.5),
         ActionExecuted("action_creer_signalement", timestamp=t + 5.6),
         ConversationPaused(timestamp=t + 5.7)],
        [user("allo ?", "informer", ts=t + 6),
         BotUttered("Un agent vous répond.", metadata={"handoff": {"message_id": "a1"}},
                    timestamp=t + 6.1),
         ConversationResumed(timestamp=t + 6.2),
         ActionExecuted(ACTION_LISTEN_NAME, timestamp=t + 6.3)],
    ]


def normalised(value: Any) -> Any:
    return json.loads(json.dumps(value, sort_keys=True, default=repr))


def event_state(event: Event) -> Any:
    """Everything an event holds (JSON turns tuples into lists on Rasa's side)."""
    return normalised({"class": type(event).__name__, **vars(event)})


def latest_state(tracker: DialogueStateTracker, event: Event) -> Any:
    """The latest message is one of the events, or an empty one made at reset time."""
    if any(event is e for e in tracker.events):
        return ["event", event_state(event)]
    return ["empty", {k: v for k, v in event_state(event).items() if k != "timestamp"}]


def tracker_state(tracker: Optional[DialogueStateTracker]) -> Any:
    if tracker is None:
        return None
    return {
        "events": [event_state(event) for event in tracker.events],
        "current": normalised(tracker.current_state(EventVerbosity.ALL)),
        "slots": normalised({name: slot.value for name, slot in tracker.slots.items()}),
        "active_loop": normalised(tracker.active_loop and vars(tracker.active_loop)),
        "latest_message": latest_state(tracker, tracker.latest_message),
        "latest_bot": latest_state(tracker, tracker.latest_bot_utterance),
        "latest_action": tracker.latest_action,
        "followup": tracker.followup_action,
        "paused": tracker.is_paused(),
        "maxlen": tracker.events.maxlen,
        "sender": (tracker.sender_id, tracker.sender_source),
    }


#: Conversations kept as objects (the default), or every one pickled once saved.
HOT = pytest.mark.parametrize("hot", [100, 0], ids=["objects", "pickled"])


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


class Pair:
    """Rasa's store and ours, driven with the same calls."""

    def __init__(self, broker: bool = False, hot: int = 100) -> None:
        self.rasa_broker = RecordingBroker() if broker else None
        self.our_broker = RecordingBroker() if broker else None
        self.rasa = InMemoryTrackerStore(DOMAIN, self.rasa_broker)
        self.ours = InMemoryObjectTrackerStore(DOMAIN, self.our_broker, hot_conversations=hot)

    async def turn(self, sender: Text, events: List[Event], full: bool = False,
                   max_event_history: Optional[int] = None) -> None:
        for store in (self.rasa, self.ours):
            if full:
                tracker = await store.get_or_create_full_tracker(sender, False)
            else:
                tracker = await store.get_or_create_tracker(sender, max_event_history, False)
            tracker.model_id = "modele-1"  # as the processor does: new events get it
            for event in copy.deepcopy(events):
                tracker.update(event, DOMAIN)
            await store.save(tracker)

    async def assert_same(self, sender: Text) -> None:
        for method in ("retrieve", "retrieve_full_tracker"):
            expected = tracker_state(await getattr(self.rasa, method)(sender))
            actual = tracker_state(await getattr(self.ours, method)(sender))
            assert actual == expected, method
        if self.rasa_broker:
            assert self.our_broker.published == self.rasa_broker.published


@HOT
def test_same_trackers_as_rasa_turn_after_turn(hot):
    async def scenario() -> None:
        pair = Pair(broker=True, hot=hot)
        for events in turns(1000.0):
            await pair.turn("citoyen-1", events)
            await pair.assert_same("citoyen-1")
        tracker = await pair.ours.retrieve("citoyen-1")
        assert tracker.get_slot("pieces") == ["photo.jpg", {"nom": "plan.pdf"}]
        assert tracker.latest_message.text == "allo ?" and not tracker.is_paused()
        users = [e for e in tracker.events if isinstance(e, UserUttered)]
        assert [u.use_text_for_featurization for u in users[:3]] == [False, False, True]
        assert LAMPE in users[1].entities  # EntitiesAdded, as Rasa persists it

    run(scenario())


@HOT
def test_session_started_in_the_middle_of_a_turn(hot):
    """retrieve gives the latest session; saving it drops the older ones, as in Rasa."""
    async def scenario() -> None:
        pair = Pair(broker=True, hot=hot)
        first, second = turns(1000.0), turns(5000.0)
        for events in first[:3]:
            await pair.turn("c", events)
        # the session expired: the processor appends a new session to the old tracker
        await pair.turn("c", second[0] + second[1])
        await pair.assert_same("c")
        full = await pair.ours.retrieve_full_tracker("c")
        latest = await pair.ours.retrieve("c")
        assert len(full.events) > len(latest.events)
        assert latest.events[0].action_name == ACTION_SESSION_START_NAME
        assert latest.get_slot("rue") is None and full.get_slot("rue") is None
        await pair.turn("c", second[2])
        await pair.assert_same("c")
        await pair.turn("c", second[3], full=True)
        await pair.assert_same("c")

    run(scenario())


@HOT
def test_restart_and_history_limit(hot):
    async def scenario() -> None:
        pair = Pair(broker=True, hot=hot)
        events = turns(1000.0)
        for turn in events[:3]:
            await pair.turn("c", turn)
        await pair.turn("c", [Restarted(timestamp=1500.0)] + events[1])
        await pair.assert_same("c")
        for limit in (5, 12, 40):
            await pair.turn("c", events[3], max_event_history=limit)
            for store in (pair.rasa, pair.ours):
                store.max_event_history = limit
            await pair.assert_same("c")
            assert len((await pair.ours.retrieve("c")).events) <= limit
        pair.rasa.max_event_history = pair.ours.max_event_history = None
        await pair.turn("c", session_start(2000.0) + events[2])
        for limit in (3, 9, 30, None):
            pair.rasa.max_event_history = pair.ours.max_event_history = limit
            await pair.assert_same("c")
            assert pair.ours.number_of_retrievable_events("c") == len(
                (await pair.rasa.retrieve("c")).events)

    run(scenario())


@HOT
def test_retrieved_tracker_is_independent_of_the_store(hot):
    async def scenario() -> None:
        store = InMemoryObjectTrackerStore(DOMAIN, hot_conversations=hot)
        for events in turns(1000.0)[:3]:
            tracker = await store.get_or_create_tracker("c", append_action_listen=False)
            tracker.update_with_events(copy.deepcopy(events), DOMAIN, override_timestamp=False)
            await store.save(tracker)
        before = tracker_state(await store.retrieve("c"))

        # a turn that fails before save
        tracker = await store.retrieve("c")
        tracker.model_id = "autre-modele"
        tracker.update(user("rue Pasteur", "signaler", [RUE]), DOMAIN)
        tracker.update(EntitiesAdded([{"entity": "rue", "value": "x"}]), DOMAIN)
        tracker.update(DefinePrevUserUtteredFeaturization(True), DOMAIN)
        tracker.update(SlotSet("rue", "rue Pasteur"), DOMAIN)
        for event in tracker.events:
            event.metadata = {"modifié": True}
            event.timestamp = 1.0
        for event in tracker.events:
            if isinstance(event, UserUttered):
                event.entities.append({"entity": "rue", "value": "y"})
                event.parse_data["entities"].append({"entity": "rue", "value": "z"})
                event.use_text_for_featurization = None
        assert tracker_state(await store.retrieve("c")) == before

        # and the tracker given to save can change afterwards
        saved = await store.retrieve("c")
        await store.save(saved)
        saved.update(SlotSet("rue", "ailleurs"), DOMAIN)
        for event in saved.events:
            if isinstance(event, UserUttered):
                event.entities.append({"entity": "rue", "value": "w"})
        assert tracker_state(await store.retrieve("c")) == before

    run(scenario())


@HOT
def test_only_new_events_are_streamed(hot):
    async def scenario() -> None:
        broker = RecordingBroker()
        store = InMemoryObjectTrackerStore(DOMAIN, broker, hot_conversations=hot)
        tracker = await store.get_or_create_tracker("c")  # creates: action_listen
        assert [e["event"] for e in broker.published] == ["action"]
        tracker = await store.get_or_create_tracker("c")
        tracker.update(user("bonjour", "saluer", ts=10.0))
        tracker.update(BotUttered("Bonjour !", timestamp=11.0))
        await store.save(tracker)
        await store.save(tracker)  # nothing new
        assert [(e["event"], e["sender_id"]) for e in broker.published] == [
            ("action", "c"), ("user", "c"), ("bot", "c")]
        assert broker.published[1]["text"] == "bonjour"

    run(scenario())


@HOT
def test_unknown_sender_keys_and_exists(hot):
    async def scenario() -> None:
        store = InMemoryObjectTrackerStore(DOMAIN, hot_conversations=hot)
        assert await store.retrieve("inconnu") is None
        assert await store.retrieve_full_tracker("inconnu") is None
        assert not await store.exists("inconnu")
        assert store.number_of_retrievable_events("inconnu") == 0
        await store.get_or_create_tracker("a")
        await store.get_or_create_tracker("b", append_action_listen=False)
        assert set(await store.keys()) == {"a", "b"}
        assert await store.exists("a")
        assert len((await store.retrieve("b")).events) == 0

    run(scenario())


def test_domain_slots_come_from_the_current_domain():
    async def scenario() -> None:
        store = InMemoryObjectTrackerStore(None)
        await store.save(DialogueStateTracker.from_events("c", [SlotSet("rue", "x")]))
        assert "rue" not in (await store.retrieve("c")).slots  # AnySlotDict
        store.domain = DOMAIN  # what Agent does when it loads a model
        tracker = await store.retrieve("c")
        assert tracker.get_slot("rue") == "x" and "confirme" in tracker.slots

    run(scenario())


@pytest.mark.parametrize("event", [e for turn in turns(1.0) for e in turn])
def test_copy_is_what_json_deserialisation_builds(event):
    tracker = DialogueStateTracker("c", DOMAIN.slots)
    tracker.update(event)
    expected = Event.from_parameters(json.loads(json.dumps(event.as_dict())))
    copied = copy_event(event)
    assert copied is not event and type(copied) is type(expected)
    assert event_state(copied) == event_state(expected)


def test_named_in_endpoints_like_rasa_loads_it():
    store = TrackerStore.create(EndpointConfig(type=STORE_TYPE), DOMAIN, RecordingBroker())
    assert isinstance(store, InMemoryObjectTrackerStore)
    assert store.domain is DOMAIN and isinstance(store.event_broker, RecordingBroker)
    endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text(encoding="utf-8"))
    assert endpoints["tracker_store"]["type"] == STORE_TYPE
    configured = TrackerStore.create(EndpointConfig.from_dict(endpoints["tracker_store"]), DOMAIN)
    assert configured.hot_conversations == endpoints["tracker_store"]["hot_conversations"]


def test_stack_uses_it_with_one_worker_and_redis_with_several(tmp_path):
    from tools.stack import Stack

    def config(workers: int) -> Dict[Text, Any]:
        stack = Stack(services=("rasa",), workdir=tmp_path / str(workers), rasa_workers=workers)
        return yaml.safe_load(stack._endpoints_file().read_text(encoding="utf-8"))

    assert config(1)["tracker_store"] == {"type": STORE_TYPE, "hot_conversations": 100}
    assert "lock_store" not in config(1)
    assert config(2)["tracker_store"]["type"] == "redis"


def test_least_recently_saved_conversations_are_pickled_and_come_back_the_same():
    async def scenario() -> None:
        rasa = InMemoryTrackerStore(DOMAIN)
        ours = InMemoryObjectTrackerStore(DOMAIN, hot_conversations=2)
        senders = ["a", "b", "c", "d"]
        for step, events in enumerate(turns(1000.0)):
            for sender in senders[: 2 + step % 3]:  # a and b every turn, c and d now and then
                for store in (rasa, ours):
                    tracker = await store.get_or_create_tracker(sender, append_action_listen=False)
                    tracker.model_id = "modele-1"
                    tracker.update_with_events(copy.deepcopy(events), DOMAIN, override_timestamp=False)
                    await store.save(tracker)
            hot = [s for s in senders if isinstance(ours.store.get(s), StoredConversation)]
            assert len(hot) <= 2 and list(ours._hot) == hot_order(ours)
            for sender in senders:
                assert tracker_state(await ours.retrieve(sender)) == tracker_state(await rasa.retrieve(sender))
                assert tracker_state(await ours.retrieve_full_tracker(sender)) == tracker_state(
                    await rasa.retrieve_full_tracker(sender))
                assert ours.number_of_retrievable_events(sender) == len(
                    (await rasa.retrieve(sender)).events) if await rasa.exists(sender) else True
        assert isinstance(ours.store["c"], CompactedConversation) or isinstance(ours.store["d"], CompactedConversation)
        # a pickled conversation saved again is an object again, and the oldest hot one is pickled
        oldest = next(iter(ours._hot))
        cold = next(s for s in senders if isinstance(ours.store[s], CompactedConversation))
        await ours.save(await ours.retrieve(cold))
        assert isinstance(ours.store[cold], StoredConversation)
        assert isinstance(ours.store[oldest], CompactedConversation)

    run(scenario())


def hot_order(store: InMemoryObjectTrackerStore) -> List[Text]:
    return [sender for sender in store._hot if isinstance(store.store[sender], StoredConversation)]


def test_pickled_conversations_are_not_tracked_by_the_garbage_collector():
    async def scenario() -> None:
        store = InMemoryObjectTrackerStore(DOMAIN, hot_conversations=1)
        for sender in ("a", "b"):
            tracker = await store.get_or_create_tracker(sender, append_action_listen=False)
            tracker.update_with_events(copy.deepcopy(turns(1000.0)[1]), DOMAIN, override_timestamp=False)
            await store.save(tracker)
        cold, hot = store.store["a"], store.store["b"]
        assert isinstance(cold, CompactedConversation) and isinstance(hot, StoredConversation)
        # one tracked object per pickled conversation (itself: no __dict__), none inside it
        assert not hasattr(cold, "__dict__") and not gc.is_tracked(cold.pickled)
        assert [r for r in gc.get_referents(cold) if gc.is_tracked(r) and not isinstance(r, type)] == []
        assert all(gc.is_tracked(event) for event in hot.events)
        assert cold.length == len(cold.events) == len(hot.events)

    run(scenario())


def test_a_conversation_that_cannot_be_pickled_stays_as_objects():
    async def scenario() -> None:
        store = InMemoryObjectTrackerStore(DOMAIN, hot_conversations=0)
        tracker = DialogueStateTracker("c", DOMAIN.slots)
        tracker.update(user("bonjour", "saluer", ts=10.0))
        tracker.events[-1].metadata = {"rappel": lambda: None}  # a channel putting anything there
        await store.save(tracker)
        assert isinstance(store.store["c"], StoredConversation)
        assert (await store.retrieve("c")).latest_message.text == "bonjour"

    run(scenario())


def test_hot_conversations_is_read_from_the_endpoint_settings():
    store = TrackerStore.create(EndpointConfig(type=STORE_TYPE, hot_conversations=7), DOMAIN)
    assert isinstance(store, InMemoryObjectTrackerStore) and store.hot_conversations == 7
    assert InMemoryObjectTrackerStore(DOMAIN).hot_conversations == 100
    assert InMemoryObjectTrackerStore(DOMAIN, hot_conversations=-3).hot_conversations == 0
