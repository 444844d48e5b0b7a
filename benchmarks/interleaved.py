"""Rasa CPU per turn with one serving patch on and off, interleaved in one process.

On a shared machine, two bench runs a few minutes apart differ by 30 % or more in CPU
per turn for the same code (benchmarks/TUNING.md), which hides a change worth 10 %. Here
one process loads the trained model once, talks to a real action server and back office
(started by :mod:`tools.stack`, with the tracker store of ``make run``) and plays the
bench's citizen scenarios one conversation at a time: each scenario twice, once with
the patched attribute and once with Rasa's original put back, in alternating order. The
machine's drift then falls on both variants alike. Reported: CPU time of this process
per turn (it holds Rasa's processor; the services' own CPU is not counted) for each.

    .venv/bin/python -m benchmarks.interleaved --conversations 60 \\
        --toggle rasa.shared.core.domain:Domain.states_for_tracker_history=guichet_nlu.patches.past_states:_ORIGINAL

``--toggle OWNER.ATTRIBUTE=ORIGINAL`` names the attribute a patch replaced (module path,
colon, dotted attribute) and the object holding Rasa's original in the same notation;
several ``--toggle`` are switched together.
The environment of the Rasa server (``tools.stack``) is applied before TensorFlow loads.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import os
import random
import time
from typing import Any, Dict, List, Tuple

from benchmarks import scenarios
from tools.stack import DEFAULT_MODEL, RASA_RUNTIME_ENV, RUNTIME_ENV, Stack, free_ports

VARIANTS = ("patched", "original")


def resolve(path: str) -> Tuple[Any, str, Any]:
    """(owner, attribute name, current value) of ``module:Owner.attribute``; a class's own
    attribute is taken from its ``__dict__`` (a staticmethod stays a staticmethod)."""
    module_name, _, dotted = path.partition(":")
    owner: Any = importlib.import_module(module_name)
    *parents, name = dotted.split(".")
    for parent in parents:
        owner = getattr(owner, parent)
    if isinstance(owner, type) and name in owner.__dict__:
        return owner, name, owner.__dict__[name]
    return owner, name, getattr(owner, name)


def main(argv: Any = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--toggle", required=True, action="append",
                        help="module:Owner.attribute=module:original (repeat to switch several together)")
    parser.add_argument("--conversations", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    # Messages parsed in this process, not in a child: the CPU compared is all here.
    # (guichet_nlu.nlu_process.ENV; importing it here would load Rasa before the settings)
    os.environ.setdefault("GUICHET_NLU_PROCESS", "0")
    for key, value in {**RUNTIME_ENV, **RASA_RUNTIME_ENV}.items():
        os.environ.setdefault(key, value)

    from rasa.core.agent import load_agent
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.endpoints import EndpointConfig
    from rasa.utils.log_utils import configure_structlog

    from guichet_nlu.tracker_store import InMemoryObjectTrackerStore

    logging.basicConfig(level=logging.WARNING)
    configure_structlog(logging.WARNING)
    stack = Stack(services=["backoffice", "actions"],
                  ports=free_ports("backoffice", "actions", "rasa", "web")).start()
    loop = asyncio.new_event_loop()
    try:
        endpoints = AvailableEndpoints(action=EndpointConfig(url=f"{stack.url('actions')}/webhook"))
        agent = loop.run_until_complete(load_agent(model_path=str(DEFAULT_MODEL), endpoints=endpoints))
        agent.tracker_store = agent.processor.tracker_store = InMemoryObjectTrackerStore(agent.domain)
        toggles = []  # (owner, name, {variant: value})
        for toggle in args.toggle:
            target, original = toggle.split("=")
            owner, name, patched = resolve(target)
            values = {"patched": patched, "original": resolve(original)[2]}
            if values["patched"] is values["original"]:
                parser.error(f"{target} is not patched in this process")
            toggles.append((owner, name, values))
        rng = random.Random(args.seed)
        cpu: Dict[str, float] = dict.fromkeys(VARIANTS, 0.0)
        turns: Dict[str, int] = dict.fromkeys(VARIANTS, 0)

        def play(scenario: scenarios.Scenario, sender: str, variant: str) -> None:
            for owner, name, values in toggles:
                setattr(owner, name, values[variant])
            payloads: List[str] = []
            for step in scenario.steps:
                text = step.text
                if step.button:
                    text = scenarios.pick_button(payloads, step.button, rng) or step.text
                start = time.process_time()
                replies = loop.run_until_complete(agent.handle_text(text, sender_id=sender))
                cpu[variant] += time.process_time() - start
                turns[variant] += 1
                payloads = [button.get("payload", "") for reply in replies or []
                            for button in reply.get("buttons") or []]

        for number in range(4):  # warm-up, not counted
            for variant in VARIANTS:
                play(scenarios.draw(rng, 10_000 + number), f"warm-{variant}-{number}", variant)
        cpu, turns = dict.fromkeys(VARIANTS, 0.0), dict.fromkeys(VARIANTS, 0)
        for number in range(args.conversations):
            scenario = scenarios.draw(rng, number)
            for variant in (VARIANTS if number % 2 else VARIANTS[::-1]):
                play(scenario, f"{variant}-{number}", variant)
        for owner, name, values in toggles:
            setattr(owner, name, values["patched"])
        for variant in VARIANTS:
            print(f"{variant}: {turns[variant]} turns, CPU {1000 * cpu[variant] / turns[variant]:.2f} ms per turn")
    finally:
        loop.close()
        stack.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
