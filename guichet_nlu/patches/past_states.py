"""A conversation's past states computed once per event, not once per policy and per prediction.

Before each action prediction, the rule policy and the memoization policy (and TED, when
it runs) each ask for the conversation's past states: Rasa's
``Domain.states_for_tracker_history`` replays every applied event into a new tracker and
builds the dialogue state before each action, from the first event on. A turn predicts two
to five actions, so a conversation of ``n`` events was replayed four to ten times per turn:
9 % of the Rasa server's samples under load (py-spy, 20 REST conversations,
benchmarks/TUNING.md).

Here each conversation's replay is kept, with the state built before each action (and
what the rule-only filtering needs of that point: the previous action, whether the turn
is a follow-up or loop action, ``hide_rule_turn``). A later call replays only the events
appended since, when the events already replayed are still the tracker's first applied
events: the same objects, or copies with every attribute equal (the tracker store hands
out copies at each turn), and the two attributes Rasa changes in place on a user message
(``use_text_for_featurization``, ``entities``) unchanged on every message a kept state
was built after. When the applied events leave the replayed ones (a form's loop action
undoes the turns since its previous run), the replay goes back to the last event they
share and goes on from there; when a replayed message changed, it starts again from the
first event, as in Rasa. The state after the last event is always built afresh, and the
tracker's applied events are themselves folded from where the last call stopped
(:func:`applied_events`). The rule-only filtering then runs exactly as in Rasa's method,
on copies of the kept states (featurizers change states in place), so callers get new
objects every time.

Only plain ``DialogueStateTracker`` objects use it (training trackers have their own
cache in Rasa); the replays of the ``MAX_CONVERSATIONS`` most recent conversations are
kept (about 70 KiB each for 50 events). Tests: tests/nlu_components/test_past_states.py
(every call of real conversations compared with Rasa's method; store copies, in-place
changes, rewinds, restarts, forms' undone turns).
"""

from __future__ import annotations

import bisect
import itertools
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Set, Text, Tuple

import rasa.shared.core.constants as core_constants
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import (ActionExecuted, ActionReverted, ActiveLoop, Event, Restarted,
                                     SessionStarted, UserUttered, UserUtteranceReverted)
from rasa.shared.core.trackers import DialogueStateTracker

_ORIGINAL = Domain.states_for_tracker_history


@dataclass
class _Step:
    """The replayed conversation just before one action (or after the last event)."""

    state: State
    previous_action: Optional[Dict[Text, Any]]
    hide_rule_turn: bool
    sets_hidden_flag: bool


@dataclass
class _Replay:
    """One conversation's events replayed so far, for one domain and ``omit_unset_slots``."""

    domain: "weakref.ReferenceType[Domain]"
    tracker: DialogueStateTracker
    events: List[Event] = field(default_factory=list)
    #: Kept steps, each with the position of the action it was built before.
    steps: List[_Step] = field(default_factory=list)
    step_positions: List[int] = field(default_factory=list)
    #: Positions of the replayed user messages.
    message_positions: List[int] = field(default_factory=list)
    #: (message, use_text_for_featurization, number of entities) of each user message
    #: some kept step was built after: Rasa changes these two attributes in place.
    seen: List[Tuple[UserUttered, Any, int]] = field(default_factory=list)

    def truncate(self, length: int, tracker: DialogueStateTracker) -> None:
        """Keeps what depends on the first ``length`` events only; the replay tracker is
        rebuilt from them (from ``tracker.init_copy()``), without building states."""
        del self.events[length:]
        kept = bisect.bisect_left(self.step_positions, length)
        del self.steps[kept:], self.step_positions[kept:]
        del self.message_positions[bisect.bisect_left(self.message_positions, length):]
        self.tracker = tracker.init_copy()
        for event in self.events:
            self.tracker.update(event)


#: How many conversations keep their replay (the least recently used one goes first).
#: A replay holds about 70 KiB for a conversation of 50 events, and some 350 objects that
#: every full garbage collection walks: 512 replays made most of the 180 000 objects of
#: Rasa's full collections under load (benchmarks/TUNING.md). 128 covers the conversations
#: in progress (each may have two keys) with room; an older one is replayed from its start.
MAX_CONVERSATIONS = 128

#: Kept replays by conversation id and ``omit_unset_slots``.
_replays: "OrderedDict[Tuple[Text, bool], _Replay]" = OrderedDict()


def _step(domain: Domain, tracker: DialogueStateTracker, omit_unset_slots: bool,
          hide_rule_turn: bool) -> _Step:
    return _Step(
        state=domain.get_active_state(tracker, omit_unset_slots=omit_unset_slots),
        previous_action=domain._get_prev_action_sub_state(tracker),
        hide_rule_turn=hide_rule_turn,
        sets_hidden_flag=(not tracker.followup_action
                          and not tracker.latest_action_name == tracker.active_loop_name),
    )


def _same_event(a: Event, b: Event) -> bool:
    """The same event, or a copy of it with every attribute equal (a tracker store's)."""
    return a is b or (type(a) is type(b) and a.__dict__ == b.__dict__)


def _shared_length(replay: _Replay, domain: Domain, applied: List[Event]) -> int:
    """How many of the replayed events ``applied`` starts with, each unchanged since its
    replay (-1: none can be used). Those events become ``applied``'s own objects."""
    if replay.domain() is not domain or not all(
            message.use_text_for_featurization == use_text and len(message.entities) == count
            for message, use_text, count in replay.seen):
        return -1
    done = replay.events
    shared = min(len(applied), len(done))
    for position in range(shared):
        event, replayed = applied[position], done[position]
        if event is not replayed:
            if not _same_event(event, replayed):
                shared = position
                break
            done[position] = event
    return shared


@dataclass
class _AppliedEvents:
    """Rasa's ``applied_events`` of one tracker, folded over its events so far."""

    tracker: "weakref.ReferenceType[DialogueStateTracker]"
    events: Any  # the tracker's deque of events
    count: int = 0
    last: Optional[Event] = None
    loop_names: Set[Text] = field(default_factory=set)
    applied: List[Event] = field(default_factory=list)


#: Folds of live trackers by the tracker's id (dropped with the tracker).
_folds: Dict[int, _AppliedEvents] = {}


def _forget_fold(key: int) -> Any:
    return lambda _ref: _folds.pop(key, None)


def applied_events(tracker: DialogueStateTracker) -> List[Event]:
    """``tracker.applied_events()``, folding only the events appended since the last call.

    Rasa's method runs over every event, with the names of all the loops the events
    activate; the fold goes on from where it stopped while the tracker keeps the same
    unbounded deque, its events up to there are the ones folded (same count, same last
    event) and no new loop name appears; otherwise it starts again, as Rasa's method."""
    events = tracker.events
    if getattr(events, "maxlen", None) is not None:
        return tracker.applied_events()
    key = id(tracker)
    fold = _folds.get(key)
    count = len(events)
    if (fold is None or fold.tracker() is not tracker or fold.events is not events
            or fold.count > count or (fold.count and events[fold.count - 1] is not fold.last)):
        fold = _AppliedEvents(weakref.ref(tracker, _forget_fold(key)), events)
        _folds[key] = fold
    new = list(itertools.islice(events, fold.count, count))
    names = {event.name for event in new if isinstance(event, ActiveLoop) and event.name}
    if not names <= fold.loop_names:
        fold.loop_names |= names
        fold.applied, new = [], list(events)
    applied, loop_names = fold.applied, fold.loop_names
    # Rasa's loop body (DialogueStateTracker.applied_events), event by event
    for event in new:
        if isinstance(event, (Restarted, SessionStarted)):
            applied = []
        elif isinstance(event, ActionReverted):
            tracker._undo_till_previous(ActionExecuted, applied)
        elif isinstance(event, UserUtteranceReverted):
            tracker._undo_till_previous(UserUttered, applied)
            tracker._undo_till_previous(ActionExecuted, applied)
        elif (isinstance(event, ActionExecuted) and event.action_name in loop_names
              and not tracker._first_loop_execution_or_unhappy_path(event.action_name, applied)):
            tracker._undo_till_previous_loop_execution(event.action_name, applied)
        else:
            applied.append(event)
    fold.applied, fold.count = applied, count
    fold.last = events[-1] if count else None
    return list(applied)


def _replay_for(domain: Domain, tracker: DialogueStateTracker, omit_unset_slots: bool) -> _Replay:
    """The conversation's replay brought up to the tracker's current applied events.

    When the applied events leave the replayed ones (a form's loop action undoes the
    turns since its previous run), the replay goes back to the last shared event."""
    applied = applied_events(tracker)
    key = (tracker.sender_id, omit_unset_slots)
    replay = _replays.get(key)
    shared = -1 if replay is None else _shared_length(replay, domain, applied)
    if shared <= 0:
        replay = _Replay(weakref.ref(domain), tracker.init_copy())
        _replays[key] = replay
        while len(_replays) > MAX_CONVERSATIONS:
            _replays.popitem(last=False)
    elif shared < len(replay.events):
        replay.truncate(shared, tracker)
    _replays.move_to_end(key)
    for position in range(len(replay.events), len(applied)):
        event = applied[position]
        if isinstance(event, ActionExecuted):
            replay.steps.append(_step(domain, replay.tracker, omit_unset_slots, event.hide_rule_turn))
            replay.step_positions.append(position)
        elif isinstance(event, UserUttered):
            replay.message_positions.append(position)
        replay.tracker.update(event)
        replay.events.append(event)
    # messages before a kept step, as the steps saw them (held as the tracker's objects)
    last_step = replay.step_positions[-1] if replay.step_positions else -1
    replay.seen = [(message, message.use_text_for_featurization, len(message.entities))
                   for message in (replay.events[p] for p in replay.message_positions
                                   if p < last_step)]
    return replay


def _copy(state: State) -> State:
    return {kind: dict(sub_state) for kind, sub_state in state.items()}


def states_for_tracker_history(
    self: Domain,
    tracker: DialogueStateTracker,
    omit_unset_slots: bool = False,
    ignore_rule_only_turns: bool = False,
    rule_only_data: Optional[Dict[Text, Any]] = None,
) -> List[State]:
    """Rasa's ``Domain.states_for_tracker_history``, from the tracker's kept replay."""
    if type(tracker) is not DialogueStateTracker:
        return _ORIGINAL(self, tracker, omit_unset_slots=omit_unset_slots,
                         ignore_rule_only_turns=ignore_rule_only_turns,
                         rule_only_data=rule_only_data)
    replay = _replay_for(self, tracker, omit_unset_slots)
    steps = replay.steps + [_step(self, replay.tracker, omit_unset_slots, False)]

    # From here on, Rasa's loop over the prior trackers, on copies of the kept states.
    states: List[State] = []
    last_ml_action_sub_state = None
    turn_was_hidden = False
    for step in steps:
        if ignore_rule_only_turns:
            if not turn_was_hidden:
                last_ml_action_sub_state = (dict(step.previous_action)
                                            if step.previous_action is not None else None)
            if step.sets_hidden_flag:
                turn_was_hidden = step.hide_rule_turn
            if turn_was_hidden:
                continue

        state = _copy(step.state)

        if ignore_rule_only_turns:
            self._remove_rule_only_features(state, rule_only_data)
            if states:
                self._substitute_rule_only_user_input(state, states[-1])
            if last_ml_action_sub_state:
                state[core_constants.PREVIOUS_ACTION] = last_ml_action_sub_state

        states.append(self._clean_state(state))
    return states


def apply() -> None:
    """Installs the patch (idempotent)."""
    Domain.states_for_tracker_history = states_for_tracker_history
