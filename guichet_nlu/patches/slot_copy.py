"""Faster copies of a domain's slots for every new tracker (a Rasa 3.6 hot path).

``DialogueStateTracker.__init__`` copies each of the domain's slots with ``copy.copy``
(61 slots in Guichet's domain), and Rasa builds trackers all the time: one per prior
state when a policy computes the conversation's states, one per retrieve. ``copy.copy``
goes through ``__reduce_ex__`` and ``copyreg`` for each slot: 6 % of the Rasa server's
CPU under load (py-spy, benchmarks/TUNING.md).

For an object of a plain class (no ``__copy__``, ``__reduce__``/``__reduce_ex__``,
``__setstate__`` or slot attributes of its own, as all of Rasa's slot classes), that
machinery creates an empty instance and copies the attribute dictionary into it; the
patch does exactly that directly, and hands anything else to ``copy.copy``. Only the
``copy`` name seen by ``rasa.shared.core.trackers`` is replaced (it uses nothing else of
the module). Tests: tests/nlu_components/test_slot_copy.py.
"""

from __future__ import annotations

import copy as copy_module
import copyreg
import functools
import types
from typing import Any

import rasa.shared.core.trackers as trackers_module

_OWN_COPY_HOOKS = ("__copy__", "__reduce__", "__reduce_ex__", "__setstate__", "__getstate__")


@functools.lru_cache(maxsize=None)
def is_plain(cls: type) -> bool:
    """True when ``copy.copy`` of a ``cls`` instance is "new instance + same __dict__":
    no copy hook of its own anywhere in its classes, instances with a ``__dict__`` and no
    slot attributes (``abc.ABC``'s empty ``__slots__`` is fine)."""
    hooks = any(hook in vars(klass) for klass in cls.__mro__ if klass is not object
                for hook in _OWN_COPY_HOOKS)
    return not hooks and "__dict__" in dir(cls) and not copyreg._slotnames(cls)


def fast_copy(obj: Any) -> Any:
    """``copy.copy(obj)``, directly for instances of plain classes."""
    cls = type(obj)
    if not is_plain(cls):
        return copy_module.copy(obj)
    new = cls.__new__(cls)
    new.__dict__.update(obj.__dict__)
    return new


class _CopyModule(types.ModuleType):
    """The ``copy`` module as ``rasa.shared.core.trackers`` sees it, with a faster ``copy``."""

    def __getattr__(self, name: str) -> Any:
        return getattr(copy_module, name)


COPY_FOR_TRACKERS = _CopyModule("copy")
COPY_FOR_TRACKERS.copy = fast_copy


def apply() -> None:
    """Installs the patch (idempotent)."""
    trackers_module.copy = COPY_FOR_TRACKERS
