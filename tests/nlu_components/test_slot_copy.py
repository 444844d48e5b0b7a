"""Slot copies for new trackers (guichet_nlu.patches.slot_copy) equal copy.copy's."""

from __future__ import annotations

import copy
from pathlib import Path

from guichet_nlu.patches import slot_copy
from rasa.shared.core import trackers
from rasa.shared.core.domain import Domain

DOMAIN = Domain.load(str(Path(__file__).resolve().parents[2] / "domain.yml"))


def test_every_slot_of_the_domain_is_copied_as_copy_copy_does() -> None:
    assert DOMAIN.slots
    for slot in DOMAIN.slots:
        slot.value = ["une", "valeur"] if slot.type_name == "list" else slot.initial_value
        ours, theirs = slot_copy.fast_copy(slot), copy.copy(slot)
        assert type(ours) is type(slot) and slot_copy.is_plain(type(slot))
        assert vars(ours) == vars(theirs) and ours is not slot
        assert all(getattr(ours, k) is getattr(theirs, k) for k in vars(theirs))  # shallow, as copy.copy
        ours.value = "autre"
        assert slot.value != "autre"


def test_classes_with_their_own_copy_use_copy_copy() -> None:
    class Custom:
        def __copy__(self) -> str:
            return "copie maison"

    class Slotted:
        __slots__ = ("a",)

    assert not slot_copy.is_plain(Custom) and not slot_copy.is_plain(Slotted)
    assert slot_copy.fast_copy(Custom()) == "copie maison"
    item = Slotted()
    item.a = 1
    assert slot_copy.fast_copy(item).a == 1


def test_trackers_use_it_and_keep_their_slots_apart() -> None:
    slot_copy.apply()
    assert trackers.copy.copy is slot_copy.fast_copy
    assert trackers.copy.deepcopy is copy.deepcopy
    first = trackers.DialogueStateTracker("a", DOMAIN.slots)
    second = trackers.DialogueStateTracker("b", DOMAIN.slots)
    name = DOMAIN.slots[0].name
    first.slots[name].value = "x"
    assert second.slots[name].value != "x" and DOMAIN.slots[0].value != "x"
