"""RulePolicy's possible rule keys: the early-stopping lookup finds what Rasa's finds."""

import json
import random

from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy

from guichet_nlu import runtime_patches  # noqa: F401  (installs the patches)
from guichet_nlu.patches import rule_lookup
from tests.nlu_components.conftest import CONVERSATIONS

ORIGINAL = rule_lookup.ORIGINAL_GET_POSSIBLE_KEYS


def _rule_policy(trained_agent):
    nodes = trained_agent.agent.processor.graph_runner._instantiated_nodes.values()
    return next(node._component for node in nodes if isinstance(node._component, RulePolicy))


def test_the_patch_is_installed():
    assert RulePolicy._get_possible_keys is rule_lookup.get_possible_keys


def test_same_keys_as_rasa_during_conversations(trained_agent, monkeypatch):
    calls = []

    def both(self, lookup, states):
        found = rule_lookup.get_possible_keys(self, lookup, states)
        calls.append((found, ORIGINAL(self, lookup, states), len(states)))
        return found

    monkeypatch.setattr(RulePolicy, "_get_possible_keys", both)
    for i, texts in enumerate(CONVERSATIONS):
        trained_agent.converse(f"rule-lookup-{i}", texts)
    assert len(calls) > 30 and max(n for *_, n in calls) > 8
    assert any(found for found, *_ in calls)
    for found, expected, _ in calls:
        assert found == expected


def test_same_keys_as_rasa_on_the_rules_own_states(trained_agent):
    """Each rule's states, alone and after other rules' states, as a conversation."""
    policy = _rule_policy(trained_agent)
    rng = random.Random(7)
    for table in (RULES, RULES_FOR_LOOP_UNHAPPY_PATH):
        lookup = policy.lookup[table]
        keys = sorted(lookup)
        assert keys
        for key in keys:
            states = json.loads(key)
            prefix = json.loads(rng.choice(keys))
            for conversation in (states, prefix + states, states[1:], [{}] + states, states + [{}]):
                assert rule_lookup.get_possible_keys(policy, lookup, conversation) == \
                    ORIGINAL(policy, lookup, conversation)
        assert rule_lookup.get_possible_keys(policy, lookup, []) == ORIGINAL(policy, lookup, []) == set(keys)
