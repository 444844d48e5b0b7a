"""The loaded model's objects kept out of the cyclic garbage collector's full collections.

A loaded Guichet model leaves about a million container objects tracked by CPython's
cyclic garbage collector (TensorFlow's graphs and Keras layers, spaCy's vocabulary and
pipeline, the domain, the policies' lookups). They live as long as the model, yet every
full (generation 2) collection walks all of them: about 300 ms on the 2-core reference
machine, during which Rasa's single event loop serves nobody. Under load such a
collection came every 10 s or so (objects of the turns in progress outlive the young
collections and count towards the next full one), so every 10 s the turns in flight all
waited a third of a second more.

Once a model is loaded, the serving process collects once and calls ``gc.freeze()``: the
objects alive at that moment go to the permanent generation, which collections never
walk; objects created later (conversations, turns) are collected as before, and frozen
objects are still freed as soon as nothing refers to them (reference counting). Only a
reference cycle among the model's own objects that becomes garbage would stay, which is
why a new model load (``PUT /model``) first unfreezes, so the old model's cycles are
collected with the next full collection before the new model is frozen.

Rasa imports ``guichet_nlu`` (and so this patch) while it sets up the agent: when it
creates the tracker store named in endpoints.yml, or else while it loads the first
model, inside ``Agent.load_model``. The patch wraps every later ``Agent.load_model`` and,
for a load that may be in progress, schedules a freeze on the running event loop, which
runs it once the loading coroutine yields (it does not between the import and the end of
the load); when both happen, the second freeze finds nothing new (under a millisecond).
A process loading a model without an event loop (``Agent.load`` in a script) is frozen
only by later loads.

Measured in benchmarks/TUNING.md; tests: tests/nlu_components/test_heap_freeze.py.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import logging
from typing import Any

from rasa.core.agent import Agent

logger = logging.getLogger(__name__)

ORIGINAL_LOAD_MODEL = Agent.__dict__["load_model"]


def freeze_heap() -> None:
    """Collects what is garbage now, then freezes every object still alive."""
    gc.collect()
    gc.freeze()
    logger.debug("Froze %d objects after the model load.", gc.get_freeze_count())


@functools.wraps(ORIGINAL_LOAD_MODEL)
def load_model(self: Agent, *args: Any, **kwargs: Any) -> None:
    """Rasa's ``Agent.load_model``, the previous model's objects unfrozen before and the
    objects alive after frozen again, whether the load succeeded or failed (a failed
    ``PUT /model`` leaves the previous model serving)."""
    gc.unfreeze()
    try:
        ORIGINAL_LOAD_MODEL(self, *args, **kwargs)
    finally:
        freeze_heap()


def apply() -> None:
    """Wraps ``Agent.load_model`` and freezes after the load in progress, if any (idempotent)."""
    if Agent.__dict__["load_model"] is load_model:
        return
    Agent.load_model = load_model
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return
    loop.call_soon(freeze_heap)
