"""The cached action-result validator accepts and rejects exactly what Rasa's did."""

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from guichet_nlu import runtime_patches

VALID_RESULTS = [
    {"events": [], "responses": []},
    {},
    {"events": [{"event": "slot", "name": "commune", "value": "Villebrune"}],
     "responses": [{"text": "Bonjour", "buttons": []}]},
    {"events": [{"event": "followup", "name": "action_listen"}]},
]
INVALID_RESULTS = [
    {"events": [{"event": "slot"}]},                      # slot event without a name
    {"events": [{"event": "no_such_event"}]},
    {"events": "not a list"},
    {"responses": ["a string instead of an object"]},
    [],
]


def remote_action() -> RemoteAction:
    return RemoteAction("action_test", None)


def test_rasa_uses_the_patched_method():
    assert RemoteAction._validate_action_result is runtime_patches.validate_action_result


@pytest.mark.parametrize("result", VALID_RESULTS)
def test_valid_results_are_accepted(result):
    assert remote_action()._validate_action_result(result) is True


@pytest.mark.parametrize("result", INVALID_RESULTS)
def test_invalid_results_are_rejected_like_jsonschema_validate(result):
    with pytest.raises(jsonschema.ValidationError) as expected:
        jsonschema.validate(result, RemoteAction.action_response_format_spec())
    with pytest.raises(jsonschema.ValidationError) as raised:
        remote_action()._validate_action_result(result)
    assert raised.value.message.startswith(expected.value.message)
    assert raised.value.message.endswith("/custom-actions")
    assert list(raised.value.path) == list(expected.value.path)


def test_validator_is_built_once():
    assert runtime_patches.action_result_validator() is runtime_patches.action_result_validator()


def test_apply_installs_every_patch():
    from rasa.engine.runner.dask import DaskGraphRunner
    from rasa.shared.core.events import Event
    from rasa.utils.endpoints import EndpointConfig
    from rasa.utils.tensorflow.models import RasaModel

    from rasa.shared.core import trackers

    from guichet_nlu.patches import (endpoint_sessions, event_lookup, graph_runner, slot_copy, tf_model_load,
                                     tf_predict)

    runtime_patches.apply()
    assert RemoteAction._validate_action_result is runtime_patches.validate_action_result
    assert Event.resolve_by_type is event_lookup.resolve_by_type
    assert EndpointConfig.session is endpoint_sessions.session
    assert RasaModel._rasa_predict is tf_predict.rasa_predict
    assert DaskGraphRunner.run is graph_runner.run
    assert trackers.copy.copy is slot_copy.fast_copy
    assert RasaModel.load.__func__ is tf_model_load.load_for_prediction
