"""The rules that match a conversation, found without checking every rule in full.

``RulePolicy._get_possible_keys`` filters all rule keys (185 in Guichet's model) once per
state of the whole conversation (the rule policy keeps no history limit), newest state
first; for each key and state it parses the key's JSON again (through an ``lru_cache``),
reverses the list and compares the states: about 0.35 ms per call, several calls per
turn. The replacement finds the same keys:

* Rules are indexed by the previous action their newest state requires. A rule that
  names one can only match a conversation whose newest state has that previous action,
  so only those rules and the rules that name none are checked in full.
* A key is applicable at every turn further back than its own length, so once the filter
  is past the longest key still possible, nothing can change: it stops there.
* Each key's states are read once (reversed, kept by key text); the index is kept per
  lookup table and rebuilt if the table's size changes (training removes rules).

The full check is Rasa's own: rule and conversation states are compared by
``RulePolicy._does_rule_match_state`` after the conversation-start test of
``_is_rule_applicable``. tests/nlu_components/test_rule_lookup.py compares both on
replayed conversations and on every rule's own states.
"""

from __future__ import annotations

import json
from typing import Dict, List, Set, Text, Tuple

from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.constants import PREVIOUS_ACTION, SHOULD_NOT_BE_SET
from rasa.shared.nlu.constants import ACTION_NAME
from rasa.shared.core.generator import State

ORIGINAL_GET_POSSIBLE_KEYS = RulePolicy.__dict__["_get_possible_keys"]

#: Rule key text -> its states newest first (rule keys never change once read).
_reversed_states: Dict[Text, Tuple[State, ...]] = {}


def reversed_rule_states(key: Text) -> Tuple[State, ...]:
    states = _reversed_states.get(key)
    if states is None:
        states = _reversed_states[key] = tuple(reversed(json.loads(key)))
    return states


class RuleIndex:
    """A lookup table's keys grouped by the previous action their newest state requires."""

    def __init__(self, lookup: Dict[Text, Text]) -> None:
        self.lookup, self.size = lookup, len(lookup)
        self.by_action: Dict[Text, List[Tuple[Text, Tuple[State, ...]]]] = {}
        self.unindexed: List[Tuple[Text, Tuple[State, ...]]] = []
        self.every: List[Tuple[Text, Tuple[State, ...]]] = []
        for key in lookup:
            entry = (key, reversed_rule_states(key))
            self.every.append(entry)
            action = required_action(entry[1])
            if action is None:
                self.unindexed.append(entry)
            else:
                self.by_action.setdefault(action, []).append(entry)

    def candidates(self, newest: State) -> List[Tuple[Text, Tuple[State, ...]]]:
        """Keys that can match a conversation whose newest state is ``newest``."""
        action = (newest.get(PREVIOUS_ACTION) or {}).get(ACTION_NAME)
        if not action:
            return self.every
        return self.unindexed + self.by_action.get(action, [])


def required_action(rule: Tuple[State, ...]) -> "Text | None":
    """The previous action name the rule's newest state requires, if any: a value that
    ``_does_rule_match_state`` compares for equality."""
    if not rule:
        return None
    action = (rule[0].get(PREVIOUS_ACTION) or {}).get(ACTION_NAME)
    if isinstance(action, str) and action and action != SHOULD_NOT_BE_SET:
        return action
    return None


_indexes: Dict[int, RuleIndex] = {}


def index_for(lookup: Dict[Text, Text]) -> RuleIndex:
    index = _indexes.get(id(lookup))
    if index is None or index.lookup is not lookup or index.size != len(lookup):
        index = _indexes[id(lookup)] = RuleIndex(lookup)
    return index


def rule_applies(rule_state: State, conversation_state: State) -> bool:
    """``_is_rule_applicable`` for a turn within the rule's length."""
    current_previous_action = conversation_state.get(PREVIOUS_ACTION)
    rule_previous_action = rule_state.get(PREVIOUS_ACTION)
    if not rule_previous_action and not current_previous_action:
        return True
    if not rule_previous_action or not current_previous_action:
        return False
    return RulePolicy._does_rule_match_state(rule_state, conversation_state)


def get_possible_keys(self: RulePolicy, lookup: Dict[Text, Text], states: List[State]) -> Set[Text]:
    """Rasa's ``_get_possible_keys``: indexed candidates, stopping past the longest."""
    if not states:
        return set(lookup)
    possible = index_for(lookup).candidates(states[-1])
    for turn, state in enumerate(reversed(states)):
        if not any(turn < len(rule) for _, rule in possible):
            break  # every remaining rule is applicable at this turn and all older ones
        possible = [(key, rule) for key, rule in possible
                    if turn >= len(rule) or rule_applies(rule[turn], state)]
    return {key for key, _ in possible}


def apply() -> None:
    """Installs the replacement (idempotent)."""
    RulePolicy._get_possible_keys = get_possible_keys
