"""In-memory tracker store that keeps each conversation's events as objects, not JSON.

Rasa 3.6's ``InMemoryTrackerStore`` serialises the whole tracker to JSON on every save
and deserialises it on every retrieve, and once more inside ``stream_events`` (to count
the events already published): 13 % of the Rasa server's busy CPU under load
(py-spy, benchmarks/TUNING.md). :class:`InMemoryObjectTrackerStore` behaves the same way and
skips the JSON:

* ``save`` stores private copies of the tracker's events (so that whatever happens to
  the tracker afterwards never reaches the store) and, like Rasa's store, replaces what
  was stored: a tracker holding the latest session only drops the older ones.
* ``retrieve``/``retrieve_full_tracker`` rebuild a tracker from fresh copies of the
  stored events, replayed exactly as ``TrackerStore.deserialise_tracker`` replays a
  JSON dialogue (``max_event_history``, ``recreate_from_dialogue``); ``retrieve`` then
  runs Rasa's own split into conversation sessions and returns the latest one. The
  tracker returned is independent: a turn that fails before ``save`` leaves the store
  unchanged.
* ``stream_events`` publishes only the events the stored tracker did not have, like
  Rasa's, but counts them from the stored list instead of deserialising it.
* Only the ``hot_conversations`` most recently saved conversations (default 100) are
  kept as objects; older ones are pickled into one ``bytes`` each and unpickled when
  retrieved. Event objects are containers that CPython's cyclic garbage collector
  tracks, and every full collection walks all of them with the event loop stopped:
  with every conversation of the day kept as objects, full collections came every 3–5
  s under load and took 235–290 ms after about 1 000 conversations, longer with every
  conversation (benchmarks/TUNING.md). ``bytes`` are not tracked, and Rasa's own store
  kept JSON strings, which are not either. Pickle keeps the events' exact attributes
  (floats, tuples, shared lists); a conversation that cannot be pickled stays as objects.

Copies: Rasa 3.6 never mutates the nested values of an event once it is in a tracker,
except those of ``UserUttered``: ``EntitiesAdded`` appends to its ``entities`` list (the same list as
``parse_data["entities"]`` when there are entities) and
``DefinePrevUserUtteredFeaturization`` sets its ``use_text_for_featurization``. Events
also get new ``metadata``/``timestamp`` attributes when a tracker with a model id
updates them. So every copy is a shallow copy of the event, and a ``UserUttered`` is
rebuilt with Rasa's constructor from a copy of its ``parse_data`` (new entities list),
exactly what JSON deserialisation builds from the stored dict.

Named in endpoints.yml as
``tracker_store: {type: guichet_nlu.tracker_store.InMemoryObjectTrackerStore}``; one
Rasa process only (several workers need the Redis store of endpoints.scale.yml).
"""

from __future__ import annotations

import itertools
import logging
import pickle
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Dict, Iterable, Optional, Sequence, Text, Tuple, Union

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.constants import ACTION_SESSION_START_NAME
from rasa.shared.core.conversation import Dialogue
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, UserUttered
from rasa.shared.core.trackers import (
    DialogueStateTracker,
    get_trackers_for_conversation_sessions,
)
from rasa.shared.nlu.constants import ENTITIES, INTENT

logger = logging.getLogger(__name__)

#: Conversations kept as objects (the most recently saved); the others are pickled.
DEFAULT_HOT_CONVERSATIONS = 100


def copy_event(event: Event) -> Event:
    """A copy of ``event`` that shares no state Rasa mutates with the original."""
    if isinstance(event, UserUttered):
        parse_data: Dict[Text, Any] = dict(event.parse_data)
        if isinstance(parse_data.get(ENTITIES), list):
            parse_data[ENTITIES] = list(parse_data[ENTITIES])
        # the same call as UserUttered._from_parse_data (JSON deserialisation)
        return UserUttered(
            event.text,
            parse_data.get(INTENT),
            parse_data.get(ENTITIES, []),
            parse_data,  # type: ignore[arg-type]
            event.timestamp,
            getattr(event, "input_channel", None),
            getattr(event, "message_id", None),
            event.metadata,
        )
    copied = object.__new__(type(event))
    copied.__dict__.update(event.__dict__)
    return copied


def is_session_start(event: Event) -> bool:
    """Where ``get_trackers_for_conversation_sessions`` splits a tracker."""
    return (
        isinstance(event, ActionExecuted)
        and event.action_name == ACTION_SESSION_START_NAME
    )


class _Positions:
    """Where a stored conversation's trackers start, from its length and its last
    session start (shared by both forms of a stored conversation)."""

    __slots__ = ()
    length: int
    last_session_start: int

    def first_kept(self, max_event_history: Optional[int]) -> int:
        """Index of the first event a tracker with this history limit keeps."""
        if max_event_history is None:
            return 0
        return max(0, self.length - max_event_history)

    def latest_session_start(self, max_event_history: Optional[int]) -> int:
        """Index where ``retrieve``'s latest-session tracker starts."""
        first = self.first_kept(max_event_history)
        # Rasa splits only when a session start follows other events
        return self.last_session_start if self.last_session_start > first else first


@dataclass(frozen=True)
class StoredConversation(_Positions):
    """The events of a saved tracker and the index of its last session start (-1)."""

    events: Tuple[Event, ...]
    last_session_start: int

    @classmethod
    def of(cls, events: Iterable[Event]) -> "StoredConversation":
        copies = tuple(copy_event(event) for event in events)
        last = next(
            (i for i in range(len(copies) - 1, -1, -1) if is_session_start(copies[i])),
            -1,
        )
        return cls(copies, last)

    @property
    def length(self) -> int:  # type: ignore[override]
        return len(self.events)


@dataclass(frozen=True, slots=True)
class CompactedConversation(_Positions):
    """A stored conversation's events pickled into one ``bytes`` (not tracked by the
    cyclic garbage collector); ``events`` unpickles new copies on every access."""

    pickled: bytes
    length: int
    last_session_start: int

    @property
    def events(self) -> Tuple[Event, ...]:
        return pickle.loads(self.pickled)


Stored = Union[StoredConversation, CompactedConversation]


def compact(stored: Stored) -> Stored:
    """``stored`` pickled, or as it is if it already is or cannot be pickled."""
    if isinstance(stored, CompactedConversation):
        return stored
    try:
        pickled = pickle.dumps(stored.events, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as error:  # noqa: BLE001 - an unpicklable event keeps its objects
        logger.debug("Conversation kept as objects (%s: %s).", type(error).__name__, error)
        return stored
    return CompactedConversation(pickled, stored.length, stored.last_session_start)


class InMemoryObjectTrackerStore(TrackerStore):
    """Rasa's in-memory tracker store without the JSON round trips (see module doc)."""

    def __init__(
        self,
        domain: Optional[Domain] = None,
        event_broker: Optional[EventBroker] = None,
        hot_conversations: int = DEFAULT_HOT_CONVERSATIONS,
        **kwargs: Any,
    ) -> None:
        """Same arguments as ``InMemoryTrackerStore`` (``host`` etc. are ignored), and
        how many recently saved conversations stay as objects (``hot_conversations``
        in endpoints.yml; 0 pickles every conversation as soon as it is saved)."""
        self.store: Dict[Text, Stored] = {}
        self.hot_conversations = max(0, int(hot_conversations))
        self._hot: "OrderedDict[Text, None]" = OrderedDict()
        super().__init__(domain, event_broker, **kwargs)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Publishes the new events, then replaces the stored conversation; pickles
        the least recently saved ones beyond ``hot_conversations``."""
        await self.stream_events(tracker)
        sender_id = tracker.sender_id
        self.store[sender_id] = StoredConversation.of(tracker.events)
        self._hot[sender_id] = None
        self._hot.move_to_end(sender_id)
        while len(self._hot) > self.hot_conversations:
            oldest, _ = self._hot.popitem(last=False)
            self.store[oldest] = compact(self.store[oldest])

    async def stream_events(self, tracker: DialogueStateTracker) -> None:
        """Publishes the events after those of ``retrieve(tracker.sender_id)``."""
        if self.event_broker is None:
            logger.debug("No event broker configured. Skipping streaming events.")
            return None
        offset = self.number_of_retrievable_events(tracker.sender_id)
        new_events = list(itertools.islice(tracker.events, offset, len(tracker.events)))
        await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)

    def number_of_retrievable_events(self, sender_id: Text) -> int:
        """``len(retrieve(sender_id).events)``, without building the tracker."""
        stored = self.store.get(sender_id)
        if stored is None:
            return 0
        return stored.length - stored.latest_session_start(self.max_event_history)

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        """The tracker of the latest conversation session, or None."""
        return self._retrieve(sender_id, fetch_all_sessions=False)

    async def retrieve_full_tracker(
        self, sender_id: Text
    ) -> Optional[DialogueStateTracker]:
        """The tracker with all its conversation sessions, or None."""
        return self._retrieve(sender_id, fetch_all_sessions=True)

    async def exists(self, conversation_id: Text) -> bool:
        """Whether a tracker was saved for ``conversation_id``."""
        return conversation_id in self.store

    async def keys(self) -> Iterable[Text]:
        """The conversation ids of the stored trackers."""
        return self.store.keys()

    def _retrieve(
        self, sender_id: Text, fetch_all_sessions: bool
    ) -> Optional[DialogueStateTracker]:
        stored = self.store.get(sender_id)
        if stored is None:
            logger.debug("Could not find tracker for conversation ID '%s'.", sender_id)
            return None
        tracker = self._rebuild(sender_id, stored)
        if fetch_all_sessions:
            return tracker
        # Rasa's code: it builds the session trackers even when there is only one, and
        # that replay (from_events) also sets attributes of the UserUttered events
        # (use_text_for_featurization, entities) of the tracker it returns.
        sessions = get_trackers_for_conversation_sessions(tracker)
        if len(sessions) <= 1:
            return tracker
        return sessions[-1]

    def _rebuild(self, sender_id: Text, stored: Stored) -> DialogueStateTracker:
        """What ``deserialise_tracker`` returns for the JSON of the stored tracker."""
        tracker = self.init_tracker(sender_id)
        kept: Sequence[Event] = stored.events[stored.first_kept(self.max_event_history):]
        tracker.recreate_from_dialogue(
            Dialogue(sender_id, [copy_event(event) for event in kept])
        )
        return tracker
