"""TED deferred until it could win (guichet_nlu.deferred_ted): same decisions, fewer runs.

The ensemble rule is checked on hand-made predictions; then whole conversations on the
trained model are replayed with deferral and with TED forced on every prediction: the
actions, the policies that chose them and every event must be the same, while TED runs
fewer times.
"""

from __future__ import annotations

from typing import Any, List, Optional

import pytest

from guichet_nlu import deferred_ted
from guichet_nlu.deferred_ted import DeferredPrediction, DeferredTEDPolicy, deferred_cannot_win
from rasa.core.policies.ensemble import DefaultPolicyPredictionEnsemble
from rasa.core.policies.policy import PolicyPrediction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActionExecutionRejected, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from tests.nlu_components.conftest import CONVERSATIONS

DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [greet]
responses:
  utter_greet: [{text: "Bonjour"}]
  utter_other: [{text: "Autre"}]
""")
GREET = DOMAIN.index_for_action("utter_greet")
OTHER = DOMAIN.index_for_action("utter_other")


def probabilities(index: int, value: float) -> List[float]:
    values = [0.0] * DOMAIN.num_actions
    values[index] = value
    return values


def prediction(index: int, value: float, priority: int, **flags: Any) -> PolicyPrediction:
    return PolicyPrediction(probabilities(index, value), f"policy{priority}", priority, **flags)


def ted(index: int = OTHER, value: float = 0.99, calls: Optional[list] = None) -> DeferredPrediction:
    def compute() -> PolicyPrediction:
        if calls is not None:
            calls.append(1)
        return PolicyPrediction(probabilities(index, value), "DeferredTEDPolicy", 1)
    return DeferredPrediction(compute, "DeferredTEDPolicy", 1)


def tracker(*events: Any) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("s", [ActionExecuted("action_listen"), UserUttered("salut"), *events])


def test_a_certain_rule_or_story_leaves_ted_out() -> None:
    assert deferred_cannot_win([prediction(GREET, 1.0, 6)], [ted()], tracker(), DOMAIN)
    assert deferred_cannot_win([prediction(GREET, 0.3, 6), prediction(GREET, 1.0, 3)], [ted()], tracker(), DOMAIN)


def test_ted_runs_when_it_could_win() -> None:
    assert not deferred_cannot_win([prediction(GREET, 0.99, 6)], [ted()], tracker(), DOMAIN)
    assert not deferred_cannot_win([prediction(GREET, 1.0, 1)], [ted()], tracker(), DOMAIN)  # same priority
    assert not deferred_cannot_win([], [ted()], tracker(), DOMAIN)
    # the rule's action was just rejected: Rasa's ensemble counts it as 0
    rejected = tracker(ActionExecutionRejected("utter_greet"))
    assert not deferred_cannot_win([prediction(GREET, 1.0, 6)], [ted()], rejected, DOMAIN)


def test_no_user_and_end_to_end_predictions_exclude_ted() -> None:
    assert deferred_cannot_win([prediction(GREET, 0.2, 6, is_no_user_prediction=True)], [ted()], tracker(), DOMAIN)
    assert deferred_cannot_win([prediction(GREET, 0.2, 6, is_end_to_end_prediction=True)], [ted()],
                               tracker(), DOMAIN)


def test_deferred_prediction_computes_once_and_reads_like_a_prediction() -> None:
    calls: list = []
    deferred = ted(OTHER, 0.7, calls)
    assert deferred.policy_priority == 1 and not calls and not deferred.computed
    assert deferred.max_confidence == 0.7 and deferred.events == [] and deferred.probabilities[OTHER] == 0.7
    assert calls == [1] and deferred.computed


@pytest.mark.parametrize("ted_value, winner", [(0.99, "policy6"), (0.999, "DeferredTEDPolicy")])
def test_combined_prediction_is_rasas(ted_value: float, winner: str) -> None:
    ensemble = DefaultPolicyPredictionEnsemble()
    rule = 1.0 if winner == "policy6" else 0.5
    calls: list = []
    ours = deferred_ted.combine_predictions(
        ensemble, [prediction(GREET, rule, 6), ted(OTHER, ted_value, calls)], tracker(), DOMAIN)
    rasas = deferred_ted.ORIGINAL_COMBINE_PREDICTIONS(
        ensemble, [prediction(GREET, rule, 6), ted(OTHER, ted_value).resolve()], tracker(), DOMAIN)
    assert (ours.policy_name, ours.probabilities, ours.events) == (rasas.policy_name, rasas.probabilities, rasas.events)
    assert ours.policy_name == winner
    assert calls == ([] if winner == "policy6" else [1])


@pytest.mark.parametrize("index", range(len(CONVERSATIONS)))
def test_conversations_take_the_same_turns(trained_agent: Any, monkeypatch, index: int) -> None:
    policies = [node._component for node in trained_agent.agent.processor.graph_runner._instantiated_nodes.values()
                if isinstance(node._component, DeferredTEDPolicy)]
    assert policies, "config.yml must use DeferredTEDPolicy"
    runs: list = []
    original = deferred_ted.TEDPolicy.predict_action_probabilities
    monkeypatch.setattr(deferred_ted.TEDPolicy, "predict_action_probabilities",
                        lambda self, *a, **k: runs.append(1) or original(self, *a, **k))
    deferred = trained_agent.summary(f"deferred-{index}", CONVERSATIONS[index])
    with_deferral = len(runs)
    monkeypatch.setattr(deferred_ted, "deferred_cannot_win", lambda *a: False)
    runs.clear()
    forced = trained_agent.summary(f"forced-{index}", CONVERSATIONS[index])
    predictions = sum(1 for event in forced if event[0] == "ActionExecuted") - 1  # the first listen is not predicted
    assert deferred == forced
    assert len(runs) >= predictions - 1  # forced: TED ran for (nearly) every prediction
    assert with_deferral < len(runs), "deferral should have spared some TED runs"
