"""Runs simulated citizens concurrently against one transport, for one load level.

``concurrency`` citizens each hold one conversation at a time, start the next as soon
as one ends (closed loop), and send each message as soon as the previous reply is in,
after an optional think time. A paced level (``pacing`` > 0) holds each citizen to one
message every ``pacing`` seconds at most, as Locust's ``constant_pacing`` does: the
citizen waits out what is left of the interval after each reply (no wait when the reply
took longer), and the citizens' first messages are spread over one interval, so that
``concurrency / pacing`` messages per second are offered as a steady stream rather than
in bursts. A level stops by itself: no new turn starts once the ``duration`` has passed
or ``max_turns`` turns have started, and a turn never waits longer than the turn timeout.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

import aiohttp

from benchmarks.clients import OK, RestConversation, SocketConversation, TurnResult
from benchmarks.scenarios import Scenario, draw, pick_button
from benchmarks.stats import ms_summary, rate


@dataclass
class LoadSettings:
    transport: str  # "rest" or "socketio"
    concurrency: int
    duration: float
    max_turns: int
    turn_timeout: float = 30.0
    quiet: float = 0.8
    think_time: float = 0.0
    seed: int = 42
    pacing: float = 0.0  # seconds between a citizen's messages at most (0: no pacing)

    @property
    def offered_turns_per_second(self) -> Optional[float]:
        """Messages per second the citizens send when every reply comes within the pacing."""
        return self.concurrency / self.pacing if self.pacing > 0 else None


@dataclass
class Record:
    scenario: str
    status: str
    seconds: float
    detail: str = ""


@dataclass
class ConversationOutcome:
    scenario: str
    turns: int
    finished: bool
    reached_goal: Optional[bool]
    off_script: int
    connect_seconds: float = 0.0
    miss_reason: Optional[str] = None  # why the goal was missed, when the bot said it


@dataclass
class LevelResult:
    settings: LoadSettings
    wall_seconds: float
    records: List[Record] = field(default_factory=list)
    conversations: List[ConversationOutcome] = field(default_factory=list)
    late_messages: int = 0

    def summary(self) -> Dict[str, Any]:
        ok = [r.seconds for r in self.records if r.status == OK]
        errors: Dict[str, int] = {}
        for r in self.records:
            if r.status != OK:
                errors[r.status] = errors.get(r.status, 0) + 1
        judged = [c for c in self.conversations if c.reached_goal is not None]
        per_scenario = {}
        for name in sorted({r.scenario for r in self.records}):
            per_scenario[name] = ms_summary([r.seconds for r in self.records if r.scenario == name and r.status == OK])
        connects = [c.connect_seconds for c in self.conversations if c.connect_seconds]
        details = Counter(f"{r.status}: {r.detail}" for r in self.records if r.status != OK and r.detail)
        goals: Dict[str, List[int]] = {}
        misses: Dict[str, Counter] = {}
        for c in judged:
            goals.setdefault(c.scenario, [0, 0])
            goals[c.scenario][0] += bool(c.reached_goal)
            goals[c.scenario][1] += 1
            if c.miss_reason:
                misses.setdefault(c.scenario, Counter())[c.miss_reason] += 1
        return {
            "transport": self.settings.transport,
            "concurrency": self.settings.concurrency,
            "pacing_seconds": self.settings.pacing or None,
            "offered_turns_per_second": self.settings.offered_turns_per_second,
            "wall_seconds": self.wall_seconds,
            "turns": len(self.records),
            "ok_turns": len(ok),
            "turns_per_second": rate(len(ok), self.wall_seconds),
            "latency_ms": ms_summary(ok),
            "errors": errors,
            "error_rate": (len(self.records) - len(ok)) / len(self.records) if self.records else 0.0,
            "conversations": len(self.conversations),
            "finished_conversations": sum(c.finished for c in self.conversations),
            "goal_reached": sum(bool(c.reached_goal) for c in judged),
            "goal_judged": len(judged),
            "goal_by_scenario": {name: f"{ok}/{n}" for name, (ok, n) in sorted(goals.items())},
            "goal_missed_because": {name: dict(reasons) for name, reasons in sorted(misses.items())},
            "error_details": dict(details.most_common(5)),
            "off_script_steps": sum(c.off_script for c in self.conversations),
            "late_messages": self.late_messages,
            "connect_ms": ms_summary(connects) if connects else None,
            "latency_ms_by_scenario": per_scenario,
        }


class Budget:
    """Shared stop condition of a level: a deadline and a number of turns."""

    def __init__(self, duration: float, max_turns: int) -> None:
        self.deadline = time.monotonic() + duration
        self.left = max_turns

    def take(self) -> bool:
        if self.left <= 0 or time.monotonic() >= self.deadline:
            return False
        self.left -= 1
        return True


class Pacer:
    """One citizen's pacing: each message at least ``interval`` seconds after the
    previous one was sent (none when ``interval`` is 0), the first after ``offset``."""

    def __init__(self, interval: float, offset: float = 0.0) -> None:
        self.interval = interval
        self.next_send = time.monotonic() + offset if interval > 0 else 0.0

    async def wait(self) -> None:
        if self.interval <= 0:
            return
        delay = self.next_send - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        self.next_send = max(self.next_send, time.monotonic()) + self.interval


def new_conversation(settings: LoadSettings, http: aiohttp.ClientSession, base_url: str, sender: str) -> Any:
    """A conversation over the transport of ``settings`` (REST ones share ``http``)."""
    if settings.transport == "rest":
        return RestConversation(http, base_url, sender, settings.turn_timeout)
    return SocketConversation(base_url, sender, settings.turn_timeout, settings.quiet)


def _matches(result: TurnResult, words: tuple) -> bool:
    text = " ".join(result.texts).lower()
    return any(word.lower() in text for word in words)


async def converse(conversation: Any, scenario: Scenario, budget: Budget, settings: LoadSettings,
                   rng: random.Random, records: List[Record],
                   transcript: Optional[List[Tuple[str, TurnResult]]] = None,
                   pacer: Optional[Pacer] = None) -> ConversationOutcome:
    """Plays ``scenario`` until its end or the budget's; returns what happened
    (and appends each message with its result to ``transcript`` if given). With a
    ``pacer``, each message waits for its turn in the citizen's pacing."""
    outcome = ConversationOutcome(scenario.name, 0, False, None, 0)
    previous: Optional[TurnResult] = None
    try:
        try:
            outcome.connect_seconds = await conversation.open()
        except Exception as exc:  # noqa: BLE001 - a failed connection is a measured error
            records.append(Record(scenario.name, "failed", 0.0, f"connect: {type(exc).__name__}"))
            return outcome
        for step in scenario.steps:
            if pacer is not None:
                await pacer.wait()
            if not budget.take():
                return outcome
            text = step.text
            if step.button:
                chosen = pick_button(previous.payloads if previous else [], step.button, rng)
                if chosen:
                    text = chosen
                else:
                    outcome.off_script += 1
            result = await conversation.send(text)
            records.append(Record(scenario.name, result.status, result.seconds, result.detail))
            outcome.turns += 1
            if transcript is not None:
                transcript.append((text, result))
            if step.expect and outcome.reached_goal is not False:
                outcome.reached_goal = _matches(result, step.expect)
                if not outcome.reached_goal:
                    outcome.miss_reason = next(
                        (reason for reason, words in step.misses if _matches(result, words)), None)
            previous = result
            if settings.think_time:
                await asyncio.sleep(settings.think_time)
        outcome.finished = True
        return outcome
    finally:
        await conversation.close()


async def run_level(base_url: str, settings: LoadSettings, label: str = "bench") -> LevelResult:
    """Runs ``settings.concurrency`` citizens until the level's budget is spent."""
    budget = Budget(settings.duration, settings.max_turns)
    result = LevelResult(settings, 0.0)
    connector = aiohttp.TCPConnector(limit=max(settings.concurrency, 1) + 4)
    async with aiohttp.ClientSession(connector=connector) as http:

        async def citizen(index: int) -> None:
            rng = random.Random(f"{settings.seed}-{settings.transport}-{settings.concurrency}-{index}")
            pacer = Pacer(settings.pacing, offset=index * settings.pacing / max(settings.concurrency, 1))
            serial = 0
            while budget.left > 0 and time.monotonic() < budget.deadline:
                serial += 1
                sender = f"{label}-{settings.transport}-c{settings.concurrency}-{index}-{serial}-{uuid.uuid4().hex[:6]}"
                conversation = new_conversation(settings, http, base_url, sender)
                scenario = draw(rng, index * 10_000 + serial)
                result.conversations.append(
                    await converse(conversation, scenario, budget, settings, rng, result.records, pacer=pacer))
                result.late_messages += conversation.late

        start = time.perf_counter()
        await asyncio.gather(*(citizen(i) for i in range(settings.concurrency)))
        result.wall_seconds = time.perf_counter() - start
    return result


async def play_once(base_url: str, scenarios: List[Scenario], transport: str = "rest",
                    timeout: float = 60.0,
                    transcript: Optional[List[Tuple[str, TurnResult]]] = None) -> List[ConversationOutcome]:
    """Plays each scenario once, sequentially (warm-up, smoke checks); no budget limit."""
    settings = LoadSettings(transport, 1, duration=10_000, max_turns=10_000, turn_timeout=timeout)
    outcomes: List[ConversationOutcome] = []
    rng = random.Random(0)
    async with aiohttp.ClientSession() as http:
        for i, scenario in enumerate(scenarios):
            sender = f"warmup-{transport}-{i}-{uuid.uuid4().hex[:6]}"
            conversation = new_conversation(settings, http, base_url, sender)
            outcomes.append(await converse(conversation, scenario, Budget(10_000, 10_000), settings, rng, [],
                                           transcript))
    return outcomes
