"""DIET and TED loaded without a training step (guichet_nlu.patches.tf_model_load) predict as Rasa's loader.

The trained agent of conftest.py was loaded the fast way; a second agent is loaded with
Rasa's own ``RasaModel.load``; both models answer the same recorded inputs identically.
"""

from __future__ import annotations

from typing import Any, Dict, List, Tuple

import pytest

from guichet_nlu.patches import tf_model_load, tf_predict
from rasa.utils.tensorflow.models import RasaModel
from tests.nlu_components.conftest import TrainedAgent, same_outputs


def models_of(agent: Any) -> Dict[str, RasaModel]:
    models = {}
    for node in agent.processor.graph_runner._instantiated_nodes.values():
        model = getattr(node._component, "model", None)
        if isinstance(model, RasaModel):
            models[type(model).__name__] = model
    return models


@pytest.fixture(scope="module")
def rasa_loaded() -> Dict[str, RasaModel]:
    """The same trained model, DIET and TED loaded by Rasa's own loader."""
    RasaModel.load = classmethod(tf_model_load.ORIGINAL_LOAD)
    try:
        agent = TrainedAgent()
    finally:
        tf_model_load.apply()
    return models_of(agent.agent)


def test_the_fast_path_was_taken(trained_agent: TrainedAgent) -> None:
    models = models_of(trained_agent.agent)
    assert {"DIET", "TED"} <= set(models)
    # Rasa's loader runs `fit` once, which leaves a traced training function behind.
    assert all(model.train_function is None for model in models.values())


def test_predictions_are_those_of_rasas_loader(recorded: List[Tuple[RasaModel, Any]],
                                               rasa_loaded: Dict[str, RasaModel]) -> None:
    assert all(model.train_function is not None for model in rasa_loaded.values())
    for model, batch in recorded:
        theirs = rasa_loaded[type(model).__name__]
        assert same_outputs(tf_predict.ORIGINAL_RASA_PREDICT(model, batch),
                            tf_predict.ORIGINAL_RASA_PREDICT(theirs, batch)), type(model).__name__


def test_a_checkpoint_that_does_not_match_falls_back(tmp_path, monkeypatch) -> None:
    calls = []
    monkeypatch.setattr(tf_model_load, "ORIGINAL_LOAD", lambda *args, **kwargs: calls.append(args) or "rasa")

    class Broken(RasaModel):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            raise ValueError("cannot build")

    assert tf_model_load.load_for_prediction(Broken, str(tmp_path / "m"), None, predict_data_example=object()) == "rasa"
    assert tf_model_load.load_for_prediction(Broken, str(tmp_path / "m"), None, None, True) == "rasa"  # fine-tuning
    assert len(calls) == 2
