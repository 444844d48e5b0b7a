"""Direct graph calls (guichet_nlu.tf_predict) give exactly Rasa's outputs on the trained model.

On the trained model (tests/nlu_components/conftest.py), records the batches DIET and
TED receive during a short conversation, and compares Rasa's own
``_rasa_predict`` with the patched one on each of them.
"""

from __future__ import annotations

from typing import Any, List, Tuple

import numpy as np
import pytest

from guichet_nlu import deferred_ted, tf_predict
from rasa.utils.tensorflow.models import RasaModel

MESSAGES = [
    "bonjour",
    "je voudrais un rendez-vous pour une carte d'identité",
    "la semaine prochaine",
    "quels sont les horaires de la mairie",
    "zzzz qsdf",
]


@pytest.fixture(scope="module")
def recorded(trained_agent) -> List[Tuple[RasaModel, Any]]:
    """(model, batch) of every prediction made while the agent answers MESSAGES."""
    calls: List[Tuple[RasaModel, Any]] = []
    patched = RasaModel._rasa_predict
    assert patched is tf_predict.rasa_predict, "importing guichet_nlu must install the patch"

    def recording(self: RasaModel, batch_in: Any) -> Any:
        calls.append((self, batch_in))
        return patched(self, batch_in)

    RasaModel._rasa_predict = recording
    deferral = deferred_ted.deferred_cannot_win
    deferred_ted.deferred_cannot_win = lambda *args: False  # TED predicts every time
    try:
        trained_agent.converse("tf-predict-test", MESSAGES)
    finally:
        RasaModel._rasa_predict = patched
        deferred_ted.deferred_cannot_win = deferral
    return calls


def same(a: Any, b: Any) -> bool:
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if a is None or b is None:
        return a is b
    return np.asarray(a).dtype == np.asarray(b).dtype and np.array_equal(np.asarray(a), np.asarray(b))


def test_diet_and_ted_outputs_are_rasas(recorded: List[Tuple[RasaModel, Any]]) -> None:
    kinds = {type(model).__name__ for model, _ in recorded}
    assert {"DIET", "TED"} <= kinds
    for model, batch in recorded:
        ours = tf_predict.rasa_predict(model, batch)
        assert model.__dict__.get("_guichet_direct_graph"), "the direct path must be the one used"
        assert same(ours, tf_predict.ORIGINAL_RASA_PREDICT(model, batch)), type(model).__name__


def test_unexpected_inputs_take_rasas_path(recorded: List[Tuple[RasaModel, Any]]) -> None:
    model, batch = recorded[-1]
    graph = tf_predict._direct_graph(model)
    assert graph.accepts(batch)
    assert not graph.accepts(list(batch)[:-1])  # one input missing
    assert not graph.accepts([np.asarray(x, dtype=np.float64) if np.asarray(x).dtype == np.float32 else x
                              for x in batch])  # another dtype
    assert not graph.accepts([np.expand_dims(x, 0) for x in batch])  # another rank


def test_eager_models_use_rasas_method(recorded: List[Tuple[RasaModel, Any]], monkeypatch) -> None:
    model, batch = recorded[0]
    seen = []
    monkeypatch.setattr(tf_predict, "ORIGINAL_RASA_PREDICT", lambda m, b: seen.append(m) or {"x": 1})
    monkeypatch.setattr(model, "_run_eagerly", True)
    assert tf_predict.rasa_predict(model, batch) == {"x": 1}
    assert seen == [model]
