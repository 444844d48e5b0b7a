"""The turn gate: arrival order, the limit, stalled turns, cancellations, settings, and
turns through the gate on the trained model answering as without it."""

import asyncio
from typing import List

import pytest
from rasa.core.processor import MessageProcessor

from guichet_nlu import runtime_patches  # noqa: F401  (installs the patches)
from guichet_nlu.patches import turn_gate
from guichet_nlu.patches.turn_gate import TurnGate


async def _turn(gate: TurnGate, name: str, log: List[str], hold: "asyncio.Event") -> None:
    place = await gate.enter()
    log.append(f"in {name}")
    try:
        await hold.wait()
    finally:
        log.append(f"out {name}")
        gate.leave(place)


async def _settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


def test_turns_get_in_in_arrival_order_and_never_above_the_limit():
    async def scenario():
        gate, log = TurnGate(limit=2, stall_after=0), []
        holds = {name: asyncio.Event() for name in "abcde"}
        tasks = {}
        for name in "abcde":
            tasks[name] = asyncio.ensure_future(_turn(gate, name, log, holds[name]))
            await _settle()
        assert log == ["in a", "in b"] and gate.active == 2 and len(gate.waiters) == 3
        holds["b"].set()
        await _settle()
        assert log[2:] == ["out b", "in c"]
        holds["a"].set()
        await _settle()
        # A newcomer does not jump the queue when a place frees up.
        holds["f"] = asyncio.Event()
        tasks["f"] = asyncio.ensure_future(_turn(gate, "f", log, holds["f"]))
        await _settle()
        assert log[4:] == ["out a", "in d"]
        for hold in holds.values():
            hold.set()
            await _settle()
        await asyncio.gather(*tasks.values())
        entries = [line for line in log if line.startswith("in")]
        assert entries == ["in a", "in b", "in c", "in d", "in e", "in f"]
        assert gate.active == 0 and not gate.waiters

    asyncio.run(scenario())


def test_a_stalled_turn_stops_holding_its_place():
    async def scenario():
        gate, log = TurnGate(limit=1, stall_after=0.3), []
        slow, quick = asyncio.Event(), asyncio.Event()
        slow_task = asyncio.ensure_future(_turn(gate, "slow", log, slow))
        await _settle()
        quick_task = asyncio.ensure_future(_turn(gate, "quick", log, quick))
        await _settle()
        assert log == ["in slow"]
        for _ in range(100):
            await asyncio.sleep(0.01)
            if len(log) > 1:
                break
        assert log == ["in slow", "in quick"], "the stalled turn should have let the next in"
        slow.set()
        await _settle()
        assert gate.active == 1  # only the quick one counts; the stalled one is not freed twice
        quick.set()
        await asyncio.gather(slow_task, quick_task)
        assert gate.active == 0

    asyncio.run(scenario())


def test_cancelled_waiters_leave_the_queue_and_pass_their_place_on():
    async def scenario():
        gate, log = TurnGate(limit=1, stall_after=0), []
        holds = {name: asyncio.Event() for name in "abc"}
        a = asyncio.ensure_future(_turn(gate, "a", log, holds["a"]))
        await _settle()
        b = asyncio.ensure_future(_turn(gate, "b", log, holds["b"]))
        c = asyncio.ensure_future(_turn(gate, "c", log, holds["c"]))
        await _settle()
        b.cancel()  # still waiting
        await _settle()
        assert len(gate.waiters) == 1
        holds["a"].set()
        await _settle()
        assert log == ["in a", "out a", "in c"]
        holds["c"].set()
        await asyncio.gather(a, c)
        with pytest.raises(asyncio.CancelledError):
            await b

        # Let in and cancelled before it could run: the place goes to the next one.
        d_hold, e_hold = asyncio.Event(), asyncio.Event()
        first = await gate.enter()
        d = asyncio.ensure_future(_turn(gate, "d", log, d_hold))
        e = asyncio.ensure_future(_turn(gate, "e", log, e_hold))
        await _settle()
        gate.leave(first)  # d is let in ...
        d.cancel()  # ... and cancelled before it runs
        await _settle()
        assert log[-1] == "in e" and "in d" not in log
        e_hold.set()
        await e
        assert gate.active == 0 and not gate.waiters

    asyncio.run(scenario())


def test_leaving_twice_frees_one_place():
    async def scenario():
        gate = TurnGate(limit=2, stall_after=0)
        place = await gate.enter()
        await gate.enter()
        gate.leave(place)
        gate.leave(place)
        assert gate.active == 1

    asyncio.run(scenario())


@pytest.mark.parametrize("environ, expected", [
    ({}, (turn_gate.DEFAULT_LIMIT, turn_gate.DEFAULT_STALL_SECONDS)),
    ({turn_gate.LIMIT_ENV: "4", turn_gate.STALL_ENV: "2.5"}, (4, 2.5)),
    ({turn_gate.LIMIT_ENV: "0"}, (0, turn_gate.DEFAULT_STALL_SECONDS)),
    ({turn_gate.LIMIT_ENV: "-3", turn_gate.STALL_ENV: "-1"}, (0, 0.0)),
    ({turn_gate.LIMIT_ENV: "beaucoup", turn_gate.STALL_ENV: "vite"},
     (turn_gate.DEFAULT_LIMIT, turn_gate.DEFAULT_STALL_SECONDS)),
    # turns also wait for their parse when a child process parses messages
    ({"GUICHET_NLU_PROCESS": "1"}, (6, turn_gate.DEFAULT_STALL_SECONDS)),
    ({"GUICHET_NLU_PROCESS": "1", turn_gate.LIMIT_ENV: "beaucoup"},
     (6, turn_gate.DEFAULT_STALL_SECONDS)),
    ({"GUICHET_NLU_PROCESS": "1", turn_gate.LIMIT_ENV: "3"}, (3, turn_gate.DEFAULT_STALL_SECONDS)),
    ({"GUICHET_NLU_PROCESS": "0"}, (4, turn_gate.DEFAULT_STALL_SECONDS)),
])
def test_settings_come_from_the_environment(environ, expected):
    assert turn_gate.settings(environ) == expected


def test_a_gate_of_zero_is_off(monkeypatch):
    monkeypatch.setenv(turn_gate.LIMIT_ENV, "0")

    async def scenario():
        return turn_gate.gate_for_running_loop()

    assert asyncio.run(scenario()) is None
    with pytest.raises(ValueError):
        TurnGate(limit=0, stall_after=1)


def test_the_patch_is_installed():
    assert MessageProcessor.handle_message is turn_gate.handle_message


def test_concurrent_citizens_through_the_gate_get_the_answers_they_get_alone(trained_agent, monkeypatch):
    """Three conversations at once through a gate of one answer as each played alone
    (gate off), and the gate was used and left empty."""
    from tests.nlu_components.conftest import CONVERSATIONS

    monkeypatch.setenv(turn_gate.LIMIT_ENV, "0")
    alone = [trained_agent.summary(f"gate-alone-{i}", texts) for i, texts in enumerate(CONVERSATIONS)]

    async def play(sender: str, texts: List[str]) -> None:
        for text in texts:
            await trained_agent.agent.handle_text(text, sender_id=sender)

    monkeypatch.setenv(turn_gate.LIMIT_ENV, "1")
    turn_gate._gates.pop(trained_agent.loop, None)
    entered = []
    real_enter = TurnGate.enter

    async def counting_enter(self):
        entered.append(self.active)  # places taken when this turn arrived
        return await real_enter(self)

    monkeypatch.setattr(TurnGate, "enter", counting_enter)
    real_log_message = MessageProcessor.log_message

    async def yielding_log_message(self, *args, **kwargs):
        await asyncio.sleep(0.01)  # a turn that awaits, as one calling the action server
        return await real_log_message(self, *args, **kwargs)

    monkeypatch.setattr(MessageProcessor, "log_message", yielding_log_message)
    async def play_together() -> None:
        await asyncio.gather(*(play(f"gate-together-{i}", texts)
                               for i, texts in enumerate(CONVERSATIONS)))

    trained_agent.run(play_together())
    together = [trained_agent.summary(f"gate-together-{i}", []) for i in range(len(CONVERSATIONS))]
    assert len(entered) == sum(map(len, CONVERSATIONS))
    assert max(entered) == 1, "some turns should have waited for the gate"
    gate = turn_gate._gates.pop(trained_agent.loop)
    assert gate.limit == 1 and gate.active == 0 and not gate.waiters
    assert together == alone
