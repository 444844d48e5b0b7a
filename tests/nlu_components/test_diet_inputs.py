"""DIET's directly built prediction inputs (guichet_nlu.patches.diet_inputs) equal Rasa's.

On the trained model: every held-out text, plus odd ones, parsed by the agent; the
messages DIET received are fed both ways and must give the same arrays and the same
predictions. Synthetic blocks check the joins against Rasa's own data generator.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, List

import numpy as np
import pytest
import scipy.sparse
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message
from rasa.utils.tensorflow.data_generator import RasaDataGenerator
from rasa.utils.tensorflow.feature_array import FeatureArray

from guichet_nlu.patches import diet_inputs
from tests.nlu_components.conftest import same_outputs

ROOT = Path(__file__).resolve().parents[2]
ODD_TEXTS = ["", "   ", "!!!", "a", "é" * 3000, "rdv 😀😀 svp", "<script>alert(1)</script>",
             "rendez vous " * 200, "URB-2026-00042", "le 31/02/2027 à 25h"]


@pytest.fixture(scope="module")
def diet(trained_agent) -> DIETClassifier:
    nodes = trained_agent.agent.processor.graph_runner._instantiated_nodes.values()
    found = [node._component for node in nodes if type(node._component) is DIETClassifier]
    assert found, "no DIETClassifier in the trained model"
    return found[0]


@pytest.fixture(scope="module")
def messages(trained_agent, diet) -> List[Message]:
    """The messages DIET received while the agent parsed the held-out and odd texts."""
    texts = [m.get("text") for m in load_data(str(ROOT / "tests" / "nlu")).intent_examples]
    seen: List[Message] = []
    own = diet._predict
    diet._predict = lambda message: (seen.append(message), own(message))[1]
    try:
        for text in texts + ODD_TEXTS:
            trained_agent.run(trained_agent.agent.parse_message(text))
    finally:
        del diet._predict
    assert len(seen) > 400
    return seen


def test_the_patch_is_installed() -> None:
    assert DIETClassifier._predict is diet_inputs.predict


def test_inputs_and_predictions_equal_rasas_on_real_messages(diet, messages) -> None:
    featurizers = diet.component_config.get("featurizers")
    direct = 0
    for message in messages:
        blocks = diet_inputs.text_blocks(message, featurizers)
        ours = diet_inputs.direct_inputs(blocks) if blocks else None
        theirs = diet_inputs.rasa_inputs(diet, message)
        assert (ours is None) == (theirs is None), message.get("text")
        if ours is None:  # no features at all (blank or punctuation only): no prediction
            assert diet_inputs.predict(diet, message) is None, message.get("text")
            continue
        direct += 1
        assert diet_inputs.same_inputs(ours, theirs), message.get("text")
        assert same_outputs(diet_inputs.predict(diet, message),
                            diet_inputs.ORIGINAL_PREDICT(diet, message)), message.get("text")
    assert direct >= len(messages) - 3
    assert diet.__dict__[diet_inputs._LAYOUTS_ATTRIBUTE] and all(
        diet.__dict__[diet_inputs._LAYOUTS_ATTRIBUTE].values()), "every layout met must be trusted"


def test_a_layout_whose_inputs_differ_keeps_rasas_path(diet, messages, monkeypatch) -> None:
    monkeypatch.setitem(diet.__dict__, diet_inputs._LAYOUTS_ATTRIBUTE, {})
    real = diet_inputs.direct_inputs

    def shifted(blocks):  # a wrong column offset, as a broken join would give
        inputs = list(real(blocks))
        inputs[1] = inputs[1] + np.array([0, 0, 1])
        return tuple(inputs)

    monkeypatch.setattr(diet_inputs, "direct_inputs", shifted)
    calls = []
    # setitem: undone by deleting the key, so the class's method shows through again
    monkeypatch.setitem(diet.model.__dict__, "_rasa_predict", lambda batch: calls.append(batch) or {"x": 1})
    monkeypatch.setattr(diet_inputs, "ORIGINAL_PREDICT", lambda component, message: "rasa")
    assert diet_inputs.predict(diet, messages[0]) == "rasa"
    assert diet_inputs.predict(diet, messages[1]) == "rasa"
    assert list(diet.__dict__[diet_inputs._LAYOUTS_ATTRIBUTE].values()) == [False]
    assert not calls


def test_unhandled_matrices_and_components_take_rasas_path(diet, messages, monkeypatch) -> None:
    monkeypatch.setattr(diet_inputs, "ORIGINAL_PREDICT", lambda component, message: "rasa")
    message = messages[1]
    sparse = next(f for f in message.features if f.is_sparse() and f.attribute == "text")
    monkeypatch.setattr(sparse, "features", sparse.features.tocsr())
    assert diet_inputs.predict(diet, message) == "rasa"
    assert diet_inputs.predict(diet, Message(data={"text": "sans traits"})) == "rasa"
    monkeypatch.setattr(sparse, "features", [[1.0, 0.0]])  # not a matrix at all
    assert diet_inputs.predict(diet, message) == "rasa"

    class Subclass(DIETClassifier):
        pass

    monkeypatch.setattr(diet, "__class__", Subclass)
    assert diet_inputs.predict(diet, messages[2]) == "rasa"


def _block(matrix: Any, kind: str, origin: str) -> Features:
    return Features(matrix, kind, "text", origin)


def _coo(rows: int, columns: int, seed: int, dtype: Any) -> scipy.sparse.coo_matrix:
    rng = np.random.default_rng(seed)
    return scipy.sparse.coo_matrix((rng.random((rows, columns)) > 0.6) * rng.integers(1, 5, (rows, columns)),
                                   dtype=dtype)


@pytest.mark.parametrize("dtypes", [(np.float64, np.int64, np.int64), (np.float32,), (bool, np.float32),
                                    (np.int64, np.float64, np.float32, np.int32)])
def test_sparse_join_equals_rasas_hstack_and_generator(dtypes) -> None:
    blocks = [_block(_coo(5, 3 + i, i, dtype), "sequence", f"F{i}") for i, dtype in enumerate(dtypes)]
    combined = Message._combine_features(blocks, [])
    theirs = RasaDataGenerator._scipy_matrix_to_values(
        FeatureArray(np.array([combined.features, None], dtype=object)[:1], number_of_dimensions=3))
    ours = diet_inputs._joined_sparse(blocks)
    assert diet_inputs.same_inputs(ours, theirs)


def test_dense_join_equals_rasas_concatenation_and_padding() -> None:
    rng = np.random.default_rng(3)
    blocks = [_block(rng.random((4, 6)), "sequence", "A"), _block(rng.random((4, 2)).astype(np.float32),
                                                                   "sequence", "B")]
    combined = Message._combine_features(blocks, [])
    theirs = RasaDataGenerator._pad_dense_data(
        FeatureArray(np.array([combined.features]), number_of_dimensions=3))
    assert diet_inputs.same_inputs([diet_inputs._joined_dense(blocks)], [theirs])


def test_blocks_that_rasa_cannot_join_are_left_to_rasa() -> None:
    rows_differ = [_block(_coo(3, 4, 1, np.float32), "sequence", "A"),
                   _block(_coo(2, 4, 2, np.float32), "sequence", "B")]
    assert diet_inputs._joined_sparse(rows_differ) is None
    assert diet_inputs._joined_dense([_block(np.ones((3, 4)), "sequence", "A"),
                                      _block(np.ones((2, 4)), "sequence", "B")]) is None
    assert diet_inputs._joined_dense([_block(np.ones((1, 2, 4)), "sequence", "A")]) is None
