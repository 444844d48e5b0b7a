"""The Rasa server of the stack parses citizens' messages in its child process
(guichet_nlu/nlu_process.py), started and set by tools/stack.py."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from benchmarks import proccpu, procmem
from tests.e2e.conftest import Citizen

pytestmark = pytest.mark.timeout(600)


def nlu_child(stack) -> int:
    rasa = next(s for s in stack.services if s.name == "rasa")
    for pid in procmem.tree(rasa.process.pid):
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        if b"guichet_nlu.nlu_process" in command:
            return pid
    raise AssertionError("the Rasa server has no NLU child process")


def test_messages_are_parsed_in_the_child(stack):
    child = nlu_child(stack)
    rasa = next(s for s in stack.services if s.name == "rasa")
    citizen = Citizen(stack)
    deadline = time.monotonic() + 300
    # Rasa parses itself until a message finds the child ready (it then logs so)
    while f"NLU process {child} ready" not in rasa.log_path.read_text(errors="replace"):
        assert time.monotonic() < deadline, "the NLU process never became ready"
        assert citizen.say("bonjour")
        time.sleep(0.5)
    before = proccpu.cpu_seconds(child)
    for _ in range(3):
        for text in ("quels sont les horaires de la mairie ?", "quel jour passe la poubelle jaune ?",
                     "je voudrais un rendez-vous pour une carte d'identité"):
            assert citizen.say(text)
    # about 5 ms of parsing per message in the child, far less when it sits idle
    assert proccpu.cpu_seconds(child) - before > 0.02
    latest = citizen.tracker()["latest_message"]
    assert latest["intent"]["name"] and latest["text"].startswith("je voudrais")
