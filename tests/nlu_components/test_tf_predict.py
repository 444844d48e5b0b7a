"""Direct graph calls (guichet_nlu.patches.tf_predict) give exactly Rasa's outputs on the trained model.

On the batches DIET and TED of the trained model receive during a short conversation
(tests/nlu_components/conftest.py), compares Rasa's own ``_rasa_predict`` with the
patched one.
"""

from __future__ import annotations

from typing import Any, List, Tuple

import numpy as np

from guichet_nlu.patches import tf_predict
from rasa.utils.tensorflow.models import RasaModel
from tests.nlu_components.conftest import same_outputs


def test_diet_and_ted_outputs_are_rasas(recorded: List[Tuple[RasaModel, Any]]) -> None:
    kinds = {type(model).__name__ for model, _ in recorded}
    assert {"DIET", "TED"} <= kinds
    for model, batch in recorded:
        ours = tf_predict.rasa_predict(model, batch)
        assert model.__dict__.get("_guichet_direct_graph"), "the direct path must be the one used"
        assert same_outputs(ours, tf_predict.ORIGINAL_RASA_PREDICT(model, batch)), type(model).__name__


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


def test_numpy_inputs_become_the_tensors_tf_convert_to_tensor_makes() -> None:
    import tensorflow as tf

    for array in (np.arange(24, dtype=np.float32).reshape(1, 4, 6), np.array([[3, 1]], np.int64),
                  np.zeros((0, 5), np.float32), np.array(2.5)):
        ours, theirs = tf_predict.to_tensor(array), tf.convert_to_tensor(array)
        assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
        assert ours.device == theirs.device
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
        array[...] = 0  # the tensor holds its own copy, as TensorFlow's
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    listed = tf_predict.to_tensor([[1.0, 2.0]])
    assert listed.dtype == tf.float32 and listed.numpy().tolist() == [[1.0, 2.0]]


def test_rasas_feature_arrays_become_the_tensors_tf_convert_to_tensor_makes(monkeypatch) -> None:
    import tensorflow as tf
    from rasa.utils.tensorflow.feature_array import FeatureArray
    from tensorflow.python.framework import constant_op

    lengths = FeatureArray(np.array([7.0, 3.0], np.float32), number_of_dimensions=1)
    ours, theirs = tf_predict.to_tensor(lengths), tf.convert_to_tensor(lengths)
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape and ours.device == theirs.device
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    direct = []  # the eager conversion itself, not the registry's path
    monkeypatch.setattr(constant_op, "convert_to_eager_tensor",
                        lambda value, ctx, *a: direct.append(type(value)) or theirs)
    tf_predict.to_tensor(lengths)
    assert direct == [FeatureArray]


def test_steps_traced_without_autograph_give_the_outputs_of_rasas_function(
        recorded: List[Tuple[RasaModel, Any]]) -> None:
    import tensorflow as tf

    checked = set()
    for model, batch in recorded:
        ours = model._tf_predict_step
        assert ours._autograph is False, type(model).__name__
        model._tf_predict_step = tf.function(model.predict_step,  # what Rasa builds
                                             input_signature=model._dynamic_signature(batch))
        try:
            theirs = tf_predict.ORIGINAL_RASA_PREDICT(model, batch)
        finally:
            model._tf_predict_step = ours
        assert same_outputs(tf_predict.rasa_predict(model, batch), theirs), type(model).__name__
        checked.add(type(model).__name__)
    assert checked >= {"DIET", "TED"}


class BranchingOnTensors:
    """A prediction step written for AutoGraph: a Python ``if`` on a tensor."""

    def _dynamic_signature(self, batch_in):
        import tensorflow as tf

        return [[tf.TensorSpec([None], tf.float32)]]

    def predict_step(self, batch_in):
        import tensorflow as tf

        if tf.reduce_sum(batch_in[0]) > 0:
            return {"sign": tf.constant(1.0)}
        return {"sign": tf.constant(-1.0)}


def test_a_step_that_needs_autograph_gets_rasas_function() -> None:
    model = BranchingOnTensors()
    function = tf_predict.predict_function(model, [np.array([1.0], np.float32)])
    assert function._autograph is True
    assert float(function([np.array([2.0], np.float32)])["sign"]) == 1.0
    assert float(function([np.array([-2.0], np.float32)])["sign"]) == -1.0
