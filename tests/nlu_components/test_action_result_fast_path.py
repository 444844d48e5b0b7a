"""The fast action-result check accepts only what Rasa's jsonschema validation accepts.

It is a fast path: whatever it accepts is returned as valid without asking jsonschema,
so it must never accept an invalid response. Differential test on realistic responses
and on thousands of random mutations of them (fixed seed), with the keywords and value
kinds the schema cares about (oneOf/const on event names, integer vs float vs bool,
null, patternProperties ``[\\w/]`` with Unicode keys).
"""

import copy
import random

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from guichet_nlu import runtime_patches  # noqa: F401  (installs the patches)
from guichet_nlu.patches import action_result

SCHEMA = RemoteAction.action_response_format_spec()
EVENT_NAMES = [branch["properties"]["event"]["const"]
               for branch in SCHEMA["properties"]["events"]["items"]["oneOf"]]
ENTITY = {"start": 0, "end": 9, "entity": "commune", "value": "Villebrune",
          "confidence": 0.93, "extractor": "CRFEntityExtractor", "role": None, "group": None}
SEEDS = [
    {},
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "commune", "value": "Villebrune", "timestamp": None},
                {"event": "slot", "name": "requested_slot", "value": None},
                {"event": "followup", "name": "action_listen"}],
     "responses": [{"text": "Bonjour", "buttons": [{"title": "Oui", "payload": "/affirm"}]}]},
    {"events": [{"event": "user", "text": "bonjour", "input_channel": "rest", "message_id": "1",
                 "metadata": {}, "timestamp": 1.5,
                 "parse_data": {"text": "bonjour", "intent": {"name": "greet", "confidence": 1},
                                "intent_ranking": [{"name": "greet", "confidence": 0.9}],
                                "entities": [dict(ENTITY)],
                                "response_selector": {"all_retrieval_intents": ["faq"],
                                                      "faq/horaires": {"response": {
                                                          "responses": [{"text": "9h"}],
                                                          "confidence": 0.8,
                                                          "intent_response_key": "faq/horaires",
                                                          "utter_action": "utter_faq"},
                                                          "ranking": [{"id": 1, "confidence": 0.8,
                                                                       "intent_response_key": "x"}]}}}}]},
    {"events": [{"event": "user", "text": None,
                 "parse_data": {"response_selector": {"all_retrieval_intents": []}}}]},
    {"events": [{"event": "action", "name": "action_x", "policy": None, "confidence": 1.0,
                 "hide_rule_turn": False, "action_text": None},
                {"event": "entities", "entities": [dict(ENTITY)]},
                {"event": "bot", "text": "Bonjour", "data": {}},
                {"event": "active_loop", "name": None},
                {"event": "reminder"}, {"event": "session_started"}, {"event": "restart"}]},
]
LEAVES = [None, True, False, 0, 1, -3, 1.0, 2.5, float("nan"), "", "x", "user", "slot",
          [], [1], {}, {"a": 1}, "faq/horaires"]
KEYS = ["event", "name", "value", "text", "entities", "start", "end", "entity", "confidence",
        "parse_data", "response_selector", "all_retrieval_intents", "response", "ranking",
        "id", "responses", "timestamp", "metadata", "hide_rule_turn", "events",
        "", "/", "a", "é", "²", "\u0301", "\u200d", "-", " ", "faq/x"]


def nodes(value, path=()):
    yield path, value
    if isinstance(value, dict):
        for key, child in value.items():
            yield from nodes(child, path + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from nodes(child, path + (index,))


def mutate(value, rng):
    value = copy.deepcopy(value)
    for _ in range(rng.randint(1, 3)):
        path, node = rng.choice(list(nodes(value)))
        choice = rng.random()
        if isinstance(node, dict) and choice < 0.3:
            if node and rng.random() < 0.5:
                del node[rng.choice(list(node))]
            else:
                node[rng.choice(KEYS)] = copy.deepcopy(rng.choice(LEAVES + [ENTITY]))
        elif isinstance(node, dict) and choice < 0.45:
            node["event"] = rng.choice(EVENT_NAMES + ["no_such_event", 3])
        elif isinstance(node, list) and choice < 0.4:
            node.append(copy.deepcopy(rng.choice(LEAVES + [{"event": rng.choice(EVENT_NAMES)}])))
        elif path:
            parent = value
            for step in path[:-1]:
                parent = parent[step]
            parent[path[-1]] = copy.deepcopy(rng.choice(LEAVES))
        else:
            value = copy.deepcopy(rng.choice(LEAVES))
    return value


def cases(count, seed=7):
    rng = random.Random(seed)
    yield from SEEDS
    for _ in range(count):
        yield mutate(rng.choice(SEEDS), rng)


def test_seeds_are_valid_and_take_the_fast_path():
    for seed in SEEDS:
        assert jsonschema.Draft202012Validator(SCHEMA).is_valid(seed)
        assert action_result.is_surely_valid(seed)


def test_fast_path_never_accepts_what_jsonschema_rejects():
    validator = jsonschema.Draft202012Validator(SCHEMA)
    agree = 0
    for case in cases(3000):
        expected = validator.is_valid(case)
        fast = action_result.is_surely_valid(case)
        assert not (fast and not expected), case
        agree += fast == expected
    assert agree > 2900  # and it is not merely sending everything to jsonschema


@pytest.mark.parametrize("key", ["faq/x", "²", "\u0301", "\u200d", "-", ""])
def test_pattern_properties_use_python_regexes_like_jsonschema(key):
    validator = jsonschema.Draft202012Validator(SCHEMA)
    for selector_value in ({}, "not an object"):
        response = {"events": [{"event": "user", "parse_data": {
            "response_selector": {key: selector_value}}}]}
        assert action_result.is_surely_valid(response) == validator.is_valid(response)


def test_invalid_response_still_raises_jsonschema_best_match():
    with pytest.raises(jsonschema.ValidationError) as raised:
        RemoteAction("action_test", None)._validate_action_result({"events": [{"event": "slot"}]})
    assert raised.value.message.endswith("/custom-actions")


def test_fast_check_is_compiled_once():
    assert action_result.fast_action_result_check() is action_result.fast_action_result_check()


def test_rasas_events_are_checked_by_their_kind_alone():
    branches = action_result.event_branches(SCHEMA["properties"]["events"]["items"])
    assert branches is not None and sorted(branches) == sorted(EVENT_NAMES)
    assert action_result.fast_action_result_check().__name__ == "check"


@pytest.mark.parametrize("change", [
    lambda items: items["oneOf"].append(copy.deepcopy(items["oneOf"][0])),  # a name twice
    lambda items: items["oneOf"].append({"properties": {}}),  # a branch without a name
    lambda items: items["required"].remove("event"),  # events without a name
    lambda items: items["properties"].update(event={"type": ["string", "integer"]}),
])
def test_kinds_that_a_name_may_not_single_out_keep_the_whole_oneof(change):
    items = copy.deepcopy(SCHEMA["properties"]["events"]["items"])
    change(items)
    assert action_result.event_branches(items) is None
