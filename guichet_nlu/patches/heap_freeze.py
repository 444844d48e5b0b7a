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

The freeze also raises the young generation's threshold (``GUICHET_GC_YOUNG_THRESHOLD``,
default 10 000 net new containers between young collections; Python's is 700; 0 keeps
Python's). At 700 a young collection ran several times per turn, so the objects of the
turns in flight (about twenty at a time) were seen alive twice and promoted to the old
generation, and once promoted objects reached a quarter of those that survived the last
full collection, CPython ran a full one: every 3–5 s under load, 235–290 ms each with
every conversation kept as objects (the tracker store now pickles the idle ones), still
32–55 ms with only the recent ones. At 10 000 a turn's objects are freed by reference
counting before a young collection sees them: in 90 s at 20 conversations, no full and
no middle collection (all of them ran while the model loaded; benchmarks/TUNING.md). Reference cycles still go at the
next young collection, a few thousand allocations later.

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
import os
from typing import Any

from rasa.core.agent import Agent

logger = logging.getLogger(__name__)

ORIGINAL_LOAD_MODEL = Agent.__dict__["load_model"]


#: Environment variable and default of the young generation's threshold while serving.
YOUNG_THRESHOLD_ENV = "GUICHET_GC_YOUNG_THRESHOLD"
DEFAULT_YOUNG_THRESHOLD = 10_000


def young_threshold() -> int:
    """The young generation's threshold to serve with (0: keep Python's); a value that
    is not a whole number >= 0 gives the default."""
    raw = os.environ.get(YOUNG_THRESHOLD_ENV, "").strip()
    try:
        value = int(raw) if raw else DEFAULT_YOUNG_THRESHOLD
    except ValueError:
        value = -1
    if value < 0:
        logger.warning("%s=%r is not a whole number >= 0: %d is used.",
                       YOUNG_THRESHOLD_ENV, raw, DEFAULT_YOUNG_THRESHOLD)
        return DEFAULT_YOUNG_THRESHOLD
    return value


def freeze_heap() -> None:
    """Collects what is garbage now, freezes every object still alive, and sets the
    young generation's threshold (:func:`young_threshold`)."""
    gc.collect()
    gc.freeze()
    young = young_threshold()
    if young:
        _, middle, old = gc.get_threshold()
        gc.set_threshold(young, middle, old)
    logger.debug("Froze %d objects after the model load; collection thresholds %s.",
                 gc.get_freeze_count(), gc.get_threshold())


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
