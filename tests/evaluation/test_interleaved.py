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
