"""Direct calls of DIET's and TED's compiled prediction graph (a Rasa 3.6 hot path).

Rasa's ``RasaModel._rasa_predict`` wraps ``predict_step`` in a ``tf.function`` with a
fixed input signature and calls it for every message (DIET) and every predicted action
(TED, two or three times per turn). Each call goes through TensorFlow's generic dispatch:
it works out the trace type of every input array, looks the graph up among the traced
ones and re-checks the inputs against the signature. With a fixed signature there is
exactly one graph, so this work always gives the same answer; under load it was ~19 %
of the Rasa server's CPU (py-spy, benchmarks/TUNING.md), more than the graph itself.

The patched method traces the prediction step without AutoGraph (see
:func:`predict_function`), takes that one concrete graph once per model and calls it
with the converted tensors directly (``ConcreteFunction._call_flat``, what TensorFlow's dispatch
ends in, outputs packed as ``predict_step`` returns them; NumPy inputs made eager
tensors by the conversion ``tf.convert_to_tensor`` ends in), then converts the outputs
exactly as Rasa did. Whenever anything is
unusual (eager mode, no graph traced yet, inputs not matching the signature's count,
dtypes or ranks, another TensorFlow version without these internals) it uses Rasa's own
method, so the outputs are always those of Rasa's code (tested on the trained models:
tests/nlu_components/test_tf_predict.py).
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Sequence, Text, Tuple

import numpy as np
import tensorflow as tf
from keras.utils import tf_utils
from tensorflow.python.eager import context
from tensorflow.python.framework import constant_op
from rasa.shared.constants import DIAGNOSTIC_DATA
from rasa.utils.tensorflow.feature_array import FeatureArray
from rasa.utils.tensorflow.models import RasaModel

logger = logging.getLogger(__name__)

#: Rasa's method, kept for the fallback and for the tests.
ORIGINAL_RASA_PREDICT = RasaModel._rasa_predict
_CACHE_ATTRIBUTE = "_guichet_direct_graph"


def to_tensor(array: Any) -> Any:
    """``tf.convert_to_tensor(array)``; a NumPy array goes straight to the eager conversion
    that call ends in (a copy of the array as an eager tensor on the context's device),
    without the conversion registry's lookups (about 5 µs of the 11 µs per input; DIET and
    TED take 20 to 30 inputs per call). Rasa's ``FeatureArray`` (a NumPy array subclass,
    DIET's sequence lengths) took the registry's slow path for subclasses: 115 µs per call
    measured, for the same conversion of the same array."""
    if type(array) is np.ndarray or type(array) is FeatureArray:
        return constant_op.convert_to_eager_tensor(array, context.context())
    return tf.convert_to_tensor(array)


class DirectGraph:
    """The one concrete graph of a model's prediction ``tf.function`` and its inputs."""

    def __init__(self, function: Any) -> None:
        self.concrete = function.get_concrete_function()
        specs = tf.nest.flatten(self.concrete.structured_input_signature[0])
        self.specs: List[Tuple[tf.dtypes.DType, Optional[int], Optional[int]]] = [
            (spec.dtype, spec.shape.rank, spec.shape[-1] if spec.shape.rank else None)
            for spec in specs
        ]
        self.captured = self.concrete.captured_inputs

    def accepts(self, batch_in: Sequence[Any]) -> bool:
        """Same count, dtypes, ranks and last dimensions as the signature."""
        if len(batch_in) != len(self.specs):
            return False
        for array, (dtype, rank, last) in zip(batch_in, self.specs):
            shape = np.shape(array)
            if getattr(array, "dtype", None) != dtype.as_numpy_dtype or len(shape) != rank:
                return False
            if last is not None and shape and shape[-1] != last:
                return False
        return True

    def __call__(self, batch_in: Sequence[Any]) -> Any:
        tensors = [to_tensor(array) for array in batch_in]
        # _call_flat runs the graph and packs its outputs as predict_step returns them.
        return self.concrete._call_flat(tensors, self.captured)


def _direct_graph(model: RasaModel) -> Optional[DirectGraph]:
    graph = model.__dict__.get(_CACHE_ATTRIBUTE)
    if graph is None and model._tf_predict_step is not None:
        try:
            graph = DirectGraph(model._tf_predict_step)
        except Exception:  # another TensorFlow: keep Rasa's path for good
            logger.debug("Direct graph calls unavailable; using tf.function dispatch.", exc_info=True)
            graph = False
        model.__dict__[_CACHE_ATTRIBUTE] = graph
    return graph or None


def predict_function(model: RasaModel, batch_in: Sequence[Any]) -> Any:
    """Rasa's prediction ``tf.function`` (same step, same signature), traced now.

    It is traced without AutoGraph, which rewrites the source of every function the
    trace enters (parse, transform, recompile: ~30 % of the Rasa server's start-up).
    DIET's and TED's prediction steps branch and loop on Python values only, so both
    traces build the same graph (outputs compared in the tests); a step that would need
    AutoGraph fails to trace and gets Rasa's function instead.
    """
    signature = model._dynamic_signature(batch_in)
    function = tf.function(model.predict_step, input_signature=signature, autograph=False)
    try:
        function.get_concrete_function()
    except Exception as error:  # noqa: BLE001 — Python control flow on tensors: Rasa's way
        logger.debug("Prediction step of %s needs AutoGraph (%s).", type(model).__name__, error)
        function = tf.function(model.predict_step, input_signature=signature)
    return function


def rasa_predict(self: RasaModel, batch_in: Tuple[np.ndarray, ...]) -> Dict[Text, Any]:
    """Drop-in replacement of ``RasaModel._rasa_predict``."""
    if self._run_eagerly:
        return ORIGINAL_RASA_PREDICT(self, batch_in)
    self._training = False
    if not self.prepared_for_prediction:  # as Rasa does, before the step is traced
        self.prepare_for_predict()
        self.prepared_for_prediction = True
    if self._tf_predict_step is None:
        self._tf_predict_step = predict_function(self, batch_in)
    graph = _direct_graph(self)
    if graph is None or not graph.accepts(batch_in):
        return ORIGINAL_RASA_PREDICT(self, batch_in)
    outputs = tf_utils.sync_to_numpy_or_python_type(graph(batch_in))
    if DIAGNOSTIC_DATA in outputs:
        outputs[DIAGNOSTIC_DATA] = self._empty_lists_to_none_in_dict(outputs[DIAGNOSTIC_DATA])
    return outputs


def apply() -> None:
    """Installs the patch (idempotent)."""
    RasaModel._rasa_predict = rasa_predict
