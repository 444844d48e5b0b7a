"""First come, first served admission of conversation turns into Rasa's processing.

One Rasa process serves every conversation on one event loop. Without admission
control, each new message starts its turn at once and every turn in progress shares the
loop with all the others: under load a turn's time grows with the number of awaits it
makes (each custom action sends it back to the end of the loop's queue), so turns with
several actions wait far longer than the rest, and the slowest 5 % of turns take more
than twice the median.

The gate wraps ``MessageProcessor.handle_message`` (inside the conversation lock that
``Agent.handle_message`` takes) and lets at most ``limit`` turns be processed at once;
the others wait in arrival order and are let in one by one as turns finish. The mean
time of a turn cannot change (at full load it is fixed by the throughput), but turns
are finished in the order they arrived instead of being interleaved, so their times
are far closer to each other: the tail shrinks. Nothing about what a turn does changes.

* A turn holds its place while it waits for the action server, so ``limit`` (above 1)
  keeps the loop busy with another turn meanwhile.
* A turn that holds its place for more than ``stall_after`` seconds (an action server
  or back office that is slow or down) stops counting against the limit, so one slow
  service never holds up the conversations that do not need it.
* A waiting turn whose request is cancelled leaves the queue; one cancelled just after
  being let in passes its place on.
* ``GUICHET_TURNS_IN_PROGRESS`` sets the limit (0 turns the gate off) and
  ``GUICHET_TURN_STALL_SECONDS`` the stall delay; one gate per event loop.

Measured in benchmarks/TUNING.md; tests: tests/nlu_components/test_turn_gate.py.
"""

from __future__ import annotations

import asyncio
import collections
import functools
import os
from typing import Any, Deque, Dict, Optional, Tuple

from rasa.core.processor import MessageProcessor

from guichet_nlu import nlu_process

LIMIT_ENV = "GUICHET_TURNS_IN_PROGRESS"
STALL_ENV = "GUICHET_TURN_STALL_SECONDS"
#: 4 measured best on 2 cores (20 REST conversations, 30 s, back to back: limit 2 gave
#: 60 turns/s and p95 430 ms, 3 gave 62 / 432, 4 gave 71 / 377-378, 6 gave 65-71 / 413-446;
#: benchmarks/TUNING.md): turns waiting for the action server leave the loop to others.
DEFAULT_LIMIT = 4
#: With messages parsed in a child process (guichet_nlu/nlu_process.py) a turn also waits
#: for its parse; 6 measured best then (4 gave 84-86 turns/s and p95 324-356 ms, 6 gave
#: 94-100 / 298-312, 8 gave 89-94 / 315-346; benchmarks/TUNING.md).
DEFAULT_LIMIT_WITH_NLU_PROCESS = 6
DEFAULT_STALL_SECONDS = 1.0

ORIGINAL_HANDLE_MESSAGE = MessageProcessor.__dict__["handle_message"]


class Place:
    """One admitted turn: counts against the limit until it leaves or stalls."""

    __slots__ = ("counted", "timer")

    def __init__(self) -> None:
        self.counted = True
        self.timer: Optional[asyncio.TimerHandle] = None


class TurnGate:
    """At most ``limit`` counted places at once; waiters admitted in arrival order."""

    def __init__(self, limit: int, stall_after: float) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.limit = limit
        self.stall_after = stall_after
        self.active = 0
        self.waiters: Deque["asyncio.Future[Place]"] = collections.deque()

    async def enter(self) -> Place:
        """A place, at once if one is free and nobody waits, else in arrival order."""
        if self.active < self.limit and not self.waiters:
            return self._grant()
        waiter: "asyncio.Future[Place]" = asyncio.get_running_loop().create_future()
        self.waiters.append(waiter)
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.leave(waiter.result())  # let in, then cancelled: pass it on
            else:
                try:
                    self.waiters.remove(waiter)
                except ValueError:
                    pass
            raise

    def leave(self, place: Place) -> None:
        """Frees ``place`` (once) and lets the next waiters in."""
        if place.timer is not None:
            place.timer.cancel()
            place.timer = None
        self._uncount(place)

    def _grant(self) -> Place:
        self.active += 1
        place = Place()
        if self.stall_after > 0:
            place.timer = asyncio.get_running_loop().call_later(
                self.stall_after, self._uncount, place)
        return place

    def _uncount(self, place: Place) -> None:
        if not place.counted:
            return
        place.counted = False
        self.active -= 1
        while self.active < self.limit and self.waiters:
            waiter = self.waiters.popleft()
            if not waiter.done():
                waiter.set_result(self._grant())


def settings(environ: Optional[Dict[str, str]] = None) -> Tuple[int, float]:
    """``(limit, stall_after)`` from the environment (defaults for missing or bad values)."""
    environ = os.environ if environ is None else environ
    default = DEFAULT_LIMIT_WITH_NLU_PROCESS if nlu_process.enabled(environ) else DEFAULT_LIMIT
    try:
        limit = int(environ.get(LIMIT_ENV, default))
    except ValueError:
        limit = default
    try:
        stall_after = float(environ.get(STALL_ENV, DEFAULT_STALL_SECONDS))
    except ValueError:
        stall_after = DEFAULT_STALL_SECONDS
    return max(limit, 0), max(stall_after, 0.0)


#: Each loop's gate, or None for a loop whose gate is off (settings read once per loop).
_gates: Dict[asyncio.AbstractEventLoop, Optional[TurnGate]] = {}


def gate_for_running_loop() -> Optional[TurnGate]:
    """The running loop's gate (created on first use), or None when the gate is off."""
    loop = asyncio.get_running_loop()
    try:
        return _gates[loop]
    except KeyError:
        pass
    limit, stall_after = settings()
    for closed in [other for other in _gates if other.is_closed()]:
        del _gates[closed]
    gate = _gates[loop] = TurnGate(limit, stall_after) if limit else None
    return gate


@functools.wraps(ORIGINAL_HANDLE_MESSAGE)
async def handle_message(self: MessageProcessor, message: Any) -> Any:
    """Rasa's ``MessageProcessor.handle_message``, once the gate lets the turn in."""
    gate = gate_for_running_loop()
    if gate is None:
        return await ORIGINAL_HANDLE_MESSAGE(self, message)
    place = await gate.enter()
    try:
        return await ORIGINAL_HANDLE_MESSAGE(self, message)
    finally:
        gate.leave(place)


def apply() -> None:
    """Installs the gate on ``MessageProcessor.handle_message`` (idempotent)."""
    MessageProcessor.handle_message = handle_message
