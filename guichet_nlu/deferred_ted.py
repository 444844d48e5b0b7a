"""TED runs only when its prediction could be chosen (a Rasa 3.6 hot path).

Rasa runs every policy before each action it predicts (two or three times per citizen
message) and keeps the prediction with the highest confidence, ties going to the
policy with the higher priority (RulePolicy 6, MemoizationPolicy 3, TEDPolicy 1). When
a rule or a memorised story already predicts an action with confidence 1.0, TED's
prediction cannot win: its confidences never exceed 1.0 and its priority is the lowest.
TED was still run every time, and it was the costliest step of a turn (a quarter of the
Rasa server's CPU under load, benchmarks/TUNING.md).

``DeferredTEDPolicy`` is Rasa's TEDPolicy (same training, same files) whose prediction
is computed only when something reads it. The patched
``DefaultPolicyPredictionEnsemble.combine_predictions`` first looks at the other
policies' predictions the way Rasa's ensemble does (an action whose execution was just
rejected counts as confidence 0; "no user" loop predictions and end-to-end predictions
exclude the others) and leaves TED out only when it could not have been chosen; otherwise
TED runs and Rasa's ensemble decides as before. Leaving out a losing prediction changes
nothing in the result: the ensemble keeps the winner's probabilities and optional events,
and TED's own events are always empty. Deferral is used only when TED cannot make
end-to-end predictions (trained without user text), as for Guichet's stories; a TED
trained on text behaves exactly like Rasa's.

Tests: tests/nlu_components/test_deferred_ted.py (the chosen action, policy and events
are the same with and without deferral on the trained model's conversations).
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Text

from rasa.core.policies.ensemble import DefaultPolicyPredictionEnsemble
from rasa.core.policies.policy import PolicyPrediction
from rasa.core.policies.ted_policy import TEDPolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActionExecutionRejected
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import TEXT

#: Confidences are probabilities: no prediction goes above this.
MAX_CONFIDENCE = 1.0

ORIGINAL_COMBINE_PREDICTIONS = DefaultPolicyPredictionEnsemble.combine_predictions


class DeferredPrediction(PolicyPrediction):
    """A policy prediction computed on first use of any of its fields.

    ``policy_name`` and ``policy_priority`` are known at once; anything else (the
    probabilities, events, flags…) runs the policy, once, and is then the real
    prediction's value, so code unaware of deferral reads the usual fields.
    """

    def __init__(self, compute: Callable[[], PolicyPrediction], policy_name: Optional[Text],
                 policy_priority: int) -> None:  # noqa: D107 — PolicyPrediction's fields come later
        self.__dict__["_compute"] = compute
        self.policy_name = policy_name
        self.policy_priority = policy_priority

    @property
    def computed(self) -> bool:
        return "_compute" not in self.__dict__

    def resolve(self) -> "DeferredPrediction":
        compute = self.__dict__.pop("_compute", None)
        if compute is not None:
            self.__dict__.update(vars(compute()))
        return self

    def __getattr__(self, name: str) -> Any:  # only for fields not computed yet
        if name.startswith("__") or self.computed:
            raise AttributeError(name)
        return getattr(self.resolve(), name)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITH_END_TO_END_SUPPORT, is_trainable=True
)
class DeferredTEDPolicy(TEDPolicy):
    """Rasa's TEDPolicy, predicting only when the ensemble needs its prediction."""

    def can_predict_end_to_end(self) -> bool:
        return bool(self.only_e2e or TEXT in (self.fake_features or {}))

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[Text, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        predict = super().predict_action_probabilities
        if self.model is None or self.can_predict_end_to_end():
            return predict(tracker, domain, rule_only_data=rule_only_data, **kwargs)
        # The tracker is not changed before the ensemble runs, in the same graph run.
        return DeferredPrediction(
            lambda: predict(tracker, domain, rule_only_data=rule_only_data, **kwargs),
            self.__class__.__name__,
            self.priority,
        )


def _rejected_action_index(tracker: DialogueStateTracker, domain: Domain) -> Optional[int]:
    """The action Rasa's ensemble sets to confidence 0, as it finds it."""
    last = next((event for event in reversed(tracker.events)
                 if isinstance(event, (ActionExecutionRejected, ActionExecuted))), None)
    if isinstance(last, ActionExecutionRejected) and last.action_name:
        return domain.index_for_action(last.action_name)
    return None


def _max_confidence(prediction: PolicyPrediction, rejected: Optional[int]) -> float:
    probabilities = list(prediction.probabilities)
    if rejected is not None and rejected < len(probabilities):
        probabilities[rejected] = 0.0
    return max(probabilities, default=0.0)


def deferred_cannot_win(computed: List[PolicyPrediction], deferred: List[DeferredPrediction],
                        tracker: DialogueStateTracker, domain: Domain) -> bool:
    """True when no deferred prediction (never "no user", never end-to-end) could be
    chosen by ``DefaultPolicyPredictionEnsemble._pick_best_policy`` over ``computed``."""
    if not computed:
        return False
    if any(p.is_no_user_prediction for p in computed) or any(p.is_end_to_end_prediction for p in computed):
        return True  # the deferred ones would not even be compared
    rejected = _rejected_action_index(tracker, domain)
    best = max((_max_confidence(p, rejected), p.policy_priority) for p in computed)
    highest_deferred = max(p.policy_priority for p in deferred)
    # A deferred prediction scores at most (1.0, its priority): it loses to a 1.0 of a
    # policy with a higher priority.
    return best[0] >= MAX_CONFIDENCE and best[1] > highest_deferred


def _pending(prediction: PolicyPrediction) -> bool:
    """A deferred prediction whose policy has not run yet."""
    return isinstance(prediction, DeferredPrediction) and not prediction.computed


def combine_predictions(self: DefaultPolicyPredictionEnsemble, predictions: List[PolicyPrediction],
                        tracker: DialogueStateTracker, domain: Domain) -> PolicyPrediction:
    """Drop-in replacement of ``DefaultPolicyPredictionEnsemble.combine_predictions``."""
    deferred = [p for p in predictions if _pending(p)]
    if deferred:
        computed = [p for p in predictions if not _pending(p)]
        if deferred_cannot_win(computed, deferred, tracker, domain):
            predictions = computed
        else:
            predictions = [p.resolve() if isinstance(p, DeferredPrediction) else p for p in predictions]
    return ORIGINAL_COMBINE_PREDICTIONS(self, predictions, tracker, domain)


def apply() -> None:
    """Installs the ensemble patch (idempotent)."""
    DefaultPolicyPredictionEnsemble.combine_predictions = combine_predictions


apply()
