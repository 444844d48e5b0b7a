"""The event type table answers exactly what Rasa's walk of Event subclasses answers."""

import pytest
import rasa.shared.utils.common
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered

from guichet_nlu import runtime_patches  # noqa: F401  (installs the patches)
from guichet_nlu.patches import event_lookup

original = event_lookup.ORIGINAL_RESOLVE_BY_TYPE


def all_type_names():
    return sorted({cls.type_name for cls in rasa.shared.utils.common.all_subclasses(Event)})


def test_rasa_uses_the_patched_lookup():
    assert Event.resolve_by_type is event_lookup.resolve_by_type
    assert original is not event_lookup.resolve_by_type


@pytest.mark.parametrize("type_name", all_type_names())
def test_every_known_type_name_gives_the_same_class(type_name):
    assert Event.resolve_by_type(type_name) is original(type_name)
    assert Event.resolve_by_type(type_name, ActionExecuted) is original(type_name, ActionExecuted)


def test_unknown_name_raises_the_same_error():
    with pytest.raises(ValueError) as expected:
        original("no_such_event")
    with pytest.raises(ValueError) as raised:
        Event.resolve_by_type("no_such_event")
    assert str(raised.value) == str(expected.value)


def test_unknown_name_gives_the_default_and_topic_gives_none():
    assert Event.resolve_by_type("no_such_event", SlotSet) is SlotSet
    assert original("topic") is None and Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("topic", SlotSet) is original("topic", SlotSet) is None


def test_event_deserialisation_still_works():
    event = Event.from_parameters({"event": "slot", "name": "commune", "value": "Villebrune"})
    assert event == SlotSet("commune", "Villebrune")


class ConcreteEvent(Event):
    """Test base: Event's abstract methods implemented; Rasa skips abstract classes."""

    type_name = "guichet_concrete_test_event"

    def __eq__(self, other):
        return isinstance(other, type(self))

    def __hash__(self):
        return hash(self.type_name)

    def as_story_string(self):
        return self.type_name


def test_abstract_subclass_is_skipped_like_rasa():
    class StillAbstract(Event):
        type_name = "guichet_abstract_test_event"

    assert original("guichet_abstract_test_event", SlotSet) is SlotSet
    assert Event.resolve_by_type("guichet_abstract_test_event", SlotSet) is SlotSet


def test_subclass_defined_after_first_call_is_found():
    assert Event.resolve_by_type("user") is UserUttered  # table built

    class LateEvent(ConcreteEvent):
        type_name = "guichet_late_test_event"

    assert Event.resolve_by_type("guichet_late_test_event") is LateEvent
    assert original("guichet_late_test_event") is LateEvent


def test_new_subclass_earlier_in_rasa_order_wins_as_in_rasa():
    # A grandchild with a new name, then a direct subclass of Event with that name:
    # Rasa's walk lists direct subclasses first, so the later class wins there.
    class Grandchild(SlotSet):
        type_name = "guichet_shadow_test_event"

    assert Event.resolve_by_type("guichet_shadow_test_event") is Grandchild

    class Direct(Event):
        __eq__ = ConcreteEvent.__eq__
        __hash__ = ConcreteEvent.__hash__
        as_story_string = ConcreteEvent.as_story_string
        type_name = "guichet_shadow_test_event"

    assert original("guichet_shadow_test_event") is Direct
    assert Event.resolve_by_type("guichet_shadow_test_event") is Direct


def test_apply_is_idempotent():
    init_subclass = Event.__dict__["__init_subclass__"]
    runtime_patches.apply()
    assert Event.__dict__["__init_subclass__"] is init_subclass
    assert Event.resolve_by_type is event_lookup.resolve_by_type
