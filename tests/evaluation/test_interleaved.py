"""The interleaved A/B tool finds a patched attribute and Rasa's original."""

from __future__ import annotations

import guichet_nlu.runtime_patches  # noqa: F401  (installs the patches, as Rasa's model load does)
from benchmarks.interleaved import resolve
from guichet_nlu.patches import past_states
from rasa.shared.core.domain import Domain


def test_resolve_names_the_owner_the_attribute_and_its_value() -> None:
    owner, name, value = resolve("rasa.shared.core.domain:Domain.states_for_tracker_history")
    assert owner is Domain and name == "states_for_tracker_history"
    assert value is past_states.states_for_tracker_history
    assert resolve("guichet_nlu.patches.past_states:_ORIGINAL")[2] is not value


def test_resolve_keeps_a_classs_staticmethod_and_reaches_an_objects_attribute() -> None:
    from rasa.shared.core import trackers
    from rasa.shared.nlu.training_data.message import Message

    from guichet_nlu.patches import combined_features, loop_state

    owner, name, value = resolve("rasa.shared.nlu.training_data.message:Message._combine_features")
    assert owner is Message and isinstance(value, staticmethod)
    assert value.__func__ is combined_features.combine_features
    original = resolve("guichet_nlu.patches.combined_features:ORIGINAL_STATICMETHOD")[2]
    assert isinstance(original, staticmethod) and original.__func__ is combined_features.ORIGINAL
    owner, name, value = resolve("rasa.shared.core.trackers:dataclasses.asdict")
    assert owner is trackers.dataclasses and value is loop_state.asdict
