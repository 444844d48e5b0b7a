"""DIET and TED loaded for prediction without a training step (Rasa 3.6 start-up).

To give a loaded model its variables, Rasa's ``RasaModel.load`` compiles it and runs
``fit`` on one example before reading the saved weights: TensorFlow then traces the
whole training step (losses, gradients, optimizer) only to throw it away. That was
about 60 % of the Rasa server's start-up (py-spy, benchmarks/TUNING.md).

Here the saved weights are attached first (TensorFlow restores a variable from the
checkpoint as soon as it is created), then the prediction example Rasa already passes is
run once: it creates every variable prediction uses and traces the prediction graph, as
Rasa's own load does at its end. The checkpoint status then confirms that every
variable the model created was found in the checkpoint; if not — or for fine-tuning,
eager mode, or a model without a prediction example — Rasa's own ``load`` is used.
Predictions are identical (tests/nlu_components/test_tf_model_load.py).
"""

from __future__ import annotations

import logging
from typing import Any, Optional, Text

from rasa.utils.tensorflow.constants import RUN_EAGERLY
from rasa.utils.tensorflow.model_data import RasaModelData
from rasa.utils.tensorflow.models import RasaModel

logger = logging.getLogger(__name__)

#: Rasa's loader (the function behind the classmethod), for the fallback and the tests.
ORIGINAL_LOAD = RasaModel.load.__func__


def load_for_prediction(
    cls: type,
    model_file_name: Text,
    model_data_example: RasaModelData,
    predict_data_example: Optional[RasaModelData] = None,
    finetune_mode: bool = False,
    *args: Any,
    **kwargs: Any,
) -> RasaModel:
    """Drop-in replacement of ``RasaModel.load`` (same arguments, same model)."""
    run_eagerly = kwargs.get("config", {}).get(RUN_EAGERLY)
    if finetune_mode or run_eagerly or not predict_data_example:
        return ORIGINAL_LOAD(cls, model_file_name, model_data_example, predict_data_example,
                             finetune_mode, *args, **kwargs)
    try:
        model = cls(*args, **kwargs)
        status = model.load_weights(model_file_name)
        model.run_inference(predict_data_example)
        status.assert_existing_objects_matched()
        status.expect_partial()  # the optimizer's slots are not needed to predict
    except Exception as error:  # noqa: BLE001 — any surprise: Rasa's way, which is slower but sure
        logger.warning("Loading %s without a training step failed (%s); using Rasa's loader.",
                       cls.__name__, error)
        return ORIGINAL_LOAD(cls, model_file_name, model_data_example, predict_data_example,
                             finetune_mode, *args, **kwargs)
    return model


def apply() -> None:
    """Installs the patch (idempotent)."""
    RasaModel.load = classmethod(load_for_prediction)
