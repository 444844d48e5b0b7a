"""The active loop in a tracker's state copied without ``dataclasses.asdict``'s generic walk.

Every custom-action call sends the tracker's ``current_state``, whose ``active_loop`` is
``dataclasses.asdict(tracker.active_loop)``: a deep copy of the loop, including the
message that triggered it (intent ranking, entities, text). ``asdict`` walks that
message one value at a time through its generic checks and ``copy.deepcopy`` for each
string and number: 128 µs per call for the appointment form's trigger message, 20 µs
with this patch (benchmarks/TUNING.md).

:func:`asdict` gives the same value: plain dicts and lists are rebuilt as ``asdict``
rebuilds them (same keys in the same order, same items), strings, numbers, booleans and
``None`` are returned as they are (``copy.deepcopy`` returns these same objects), and
anything else (dataclasses, tuples, subclasses, other objects) goes to ``asdict``'s own
recursion. It is reached through the ``dataclasses`` name of Rasa's tracker module,
the only place Rasa calls ``asdict`` on a tracker; every other attribute of that name is
the ``dataclasses`` module's. Tests: tests/nlu_components/test_loop_state.py.
"""

from __future__ import annotations

import dataclasses
import types
from typing import Any, Callable, Dict

from rasa.shared.core import trackers

#: Values ``copy.deepcopy`` returns unchanged (its ``_deepcopy_atomic`` types).
ATOMIC = frozenset({str, int, float, bool, type(None)})
_asdict_inner: Callable[[Any, Any], Any] = dataclasses._asdict_inner  # type: ignore[attr-defined]


def copied(value: Any) -> Any:
    """What ``asdict`` makes of ``value`` inside a dataclass (``dict_factory=dict``)."""
    kind = type(value)
    if kind in ATOMIC:
        return value
    if kind is dict:
        return {copied(key): copied(item) for key, item in value.items()}
    if kind is list:
        return [copied(item) for item in value]
    return _asdict_inner(value, dict)


def asdict(obj: Any, *, dict_factory: Callable = dict) -> Dict[str, Any]:
    """``dataclasses.asdict``, with :func:`copied` for the fields of a ``TrackerActiveLoop``."""
    if type(obj) is not trackers.TrackerActiveLoop or dict_factory is not dict:
        return dataclasses.asdict(obj, dict_factory=dict_factory)
    return {field.name: copied(getattr(obj, field.name)) for field in dataclasses.fields(obj)}


class _Dataclasses(types.ModuleType):
    """The ``dataclasses`` module as Rasa's tracker module sees it: :func:`asdict` replaced."""

    def __init__(self) -> None:
        super().__init__(dataclasses.__name__, dataclasses.__doc__)
        self.asdict = asdict

    def __getattr__(self, name: str) -> Any:
        return getattr(dataclasses, name)


def apply() -> None:
    """Installs the patch (idempotent)."""
    if not isinstance(trackers.dataclasses, _Dataclasses):
        trackers.dataclasses = _Dataclasses()
