"""Messages parsed in a child process (guichet_nlu/nlu_process.py and
guichet_nlu/patches/parse_offload.py): the child's parse is Rasa's, and whatever happens
to the child (loading, hung, dead), every message is still parsed, in Rasa's process."""

from __future__ import annotations

import os
import pickle
import signal
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Dict, List

import pytest
import yaml

from guichet_nlu import nlu_process
from guichet_nlu.nlu_process import NLUProcess
from guichet_nlu.patches import parse_offload
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from tools.stack import DEFAULT_MODEL, ROOT

pytestmark = pytest.mark.timeout(900)

ODD_TEXTS = ["", " ", "/greet", '/inform{"commune": "Villebrune"}', "🙂🙂", "a" * 3000,
             "RDV-2026-00042", "je veux un rdv le 31 février à 25h", "<script>alert(1)</script>"]


def held_out_texts(limit: int = 80) -> List[str]:
    texts = []
    for path in sorted((ROOT / "tests" / "nlu").glob("*.yml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            for line in str(item.get("examples", "")).splitlines():
                if line.strip().startswith("- "):
                    texts.append(line.strip()[2:])
    return texts[::max(1, len(texts) // limit)][:limit]


def local_parse(trained_agent: Any, message: UserMessage) -> Dict[str, Any]:
    """What Rasa itself returns, parsing in this process."""
    processor = trained_agent.agent.processor
    return trained_agent.run(parse_offload.ORIGINAL_PARSE_MESSAGE(processor, message))


def wait_until_ready(trained_agent: Any, child: NLUProcess, seconds: float = 240) -> None:
    async def usable() -> bool:
        import asyncio
        return child._usable(asyncio.get_running_loop())

    deadline = time.monotonic() + seconds
    while not trained_agent.run(usable()):
        assert time.monotonic() < deadline, "the NLU process never became ready"
        time.sleep(0.2)


@pytest.fixture(scope="module")
def child(trained_agent):
    process = NLUProcess(str(DEFAULT_MODEL), trained_agent.agent.processor.model_metadata.model_id)
    wait_until_ready(trained_agent, process)
    yield process
    process.stop()


def message(text: str, **fields: Any) -> UserMessage:
    return UserMessage(text, sender_id=fields.get("sender_id", "citizen-1"),
                       message_id=fields.get("message_id", "m-1"),
                       metadata=fields.get("metadata"), input_channel="rest")


def test_the_child_parses_exactly_as_rasa_does(trained_agent, child):
    texts = held_out_texts() + ODD_TEXTS
    for text in texts:
        parsed = trained_agent.run(child.parse(message(text, metadata={"page": "/demo/"})))
        assert parsed == local_parse(trained_agent, message(text)), text
    assert child.fallbacks == 0


def test_the_processor_parses_through_its_child(trained_agent, child):
    processor = trained_agent.agent.processor
    before = child.counter
    processor.nlu_process = child
    try:
        parsed = trained_agent.run(processor.parse_message(message("quels sont vos horaires ?")))
    finally:
        processor.nlu_process = None
    assert child.counter == before + 1
    assert parsed == local_parse(trained_agent, message("quels sont vos horaires ?"))
    assert parsed["intent"]["name"]


def test_metadata_that_cannot_be_sent_is_parsed_in_rasa(trained_agent, child):
    processor = trained_agent.agent.processor
    processor.nlu_process = child
    odd = message("bonjour", metadata={"callback": lambda: None})
    try:
        parsed = trained_agent.run(processor.parse_message(odd))
    finally:
        processor.nlu_process = None
    assert parsed == local_parse(trained_agent, message("bonjour"))
    assert trained_agent.run(child.parse(message("bonjour"))) == parsed  # still usable


def test_a_loading_hung_or_dead_child_never_loses_a_message(trained_agent):
    processor = trained_agent.agent.processor
    expected = local_parse(trained_agent, message("je veux signaler un nid de poule"))
    child = NLUProcess(str(DEFAULT_MODEL), timeout=1.0, restart_delay=0.0)
    processor.nlu_process = child
    try:
        # still loading its model: Rasa parses
        assert trained_agent.run(child.parse(message("bonjour"))) is None
        assert trained_agent.run(processor.parse_message(
            message("je veux signaler un nid de poule"))) == expected
        wait_until_ready(trained_agent, child)

        # hung: after the timeout Rasa parses, and a new child is started
        hung = child.process
        os.kill(hung.pid, signal.SIGSTOP)
        started = time.monotonic()
        assert trained_agent.run(processor.parse_message(
            message("je veux signaler un nid de poule"))) == expected
        assert 0.9 < time.monotonic() - started < 5
        assert child.process is not None and child.process is not hung
        assert hung.poll() is not None  # the hung one was stopped
        wait_until_ready(trained_agent, child)
        assert trained_agent.run(child.parse(message("je veux signaler un nid de poule"))) == expected

        # dead: Rasa parses; no new child before restart_delay
        child.restart_delay = 3600
        child.process.kill()
        child.process.wait()
        assert trained_agent.run(processor.parse_message(
            message("je veux signaler un nid de poule"))) == expected
        assert child.conn is None and child.process is None
        assert trained_agent.run(child.parse(message("bonjour"))) is None
        assert child.process is None
    finally:
        processor.nlu_process = None
        child.stop()


def test_a_child_that_loaded_another_model_is_not_used(trained_agent):
    child = NLUProcess(str(DEFAULT_MODEL), model_id="a-model-retrained-since", restart_delay=3600)
    try:
        deadline = time.monotonic() + 240
        while child.conn is not None:
            assert trained_agent.run(child.parse(message("bonjour"))) is None
            assert time.monotonic() < deadline
            time.sleep(0.2)
        assert child.process is None and not child.ready
    finally:
        child.stop()


def test_the_child_exits_when_its_parent_goes(trained_agent):
    child = NLUProcess(str(DEFAULT_MODEL))
    process = child.process
    try:
        child.conn.close()  # as when the Rasa process dies
        process.wait(timeout=240)
    finally:
        child.conn = None
        child.stop()
    assert process.returncode == 0


def test_the_child_loads_only_the_nlu_graph(trained_agent):
    metadata = trained_agent.agent.processor.model_metadata
    schema = nlu_process._nlu_schema(metadata.predict_schema, metadata.nlu_target)
    assert metadata.nlu_target in schema.nodes
    assert not any("Policy" in name for name in schema.nodes)
    assert set(schema.nodes) < set(metadata.predict_schema.nodes)
    for node in schema.nodes.values():
        assert all(parent in schema.nodes or parent.startswith("__") for parent in node.needs.values())


@pytest.mark.parametrize("value, expected", [("1", True), (" 1 ", True), ("0", False), ("", False),
                                             (None, False), ("yes", False)])
def test_the_environment_turns_it_on(value, expected):
    environ = {} if value is None else {nlu_process.ENV: value}
    assert nlu_process.enabled(environ) is expected


@pytest.mark.parametrize("value, expected", [("2.5", 2.5), (None, 10.0), ("vite", 10.0), ("0", 10.0),
                                             ("-1", 10.0)])
def test_the_timeout_comes_from_the_environment(value, expected):
    environ = {} if value is None else {nlu_process.TIMEOUT_ENV: value}
    assert nlu_process.timeout_setting(environ) == expected


class FakeChild:
    def __init__(self, model_path: str, model_id: Any = None) -> None:
        self.model_path, self.model_id, self.stopped, self.answer = model_path, model_id, False, None

    def stop(self) -> None:
        self.stopped = True

    async def parse(self, _message: Any) -> Any:
        return self.answer


def test_one_child_per_model_the_previous_one_stopped(monkeypatch):
    monkeypatch.setattr(parse_offload, "NLUProcess", FakeChild)
    monkeypatch.setattr(parse_offload, "_current", None)
    first = parse_offload.process_for("models/a.tar.gz", "id-1")
    assert parse_offload.process_for(Path("models/a.tar.gz"), "id-1") is first
    second = parse_offload.process_for("models/b.tar.gz", "id-2")
    assert second is not first and first.stopped and not second.stopped
    # the same file retrained in place: a new model id, a new child
    third = parse_offload.process_for("models/b.tar.gz", "id-3")
    assert third is not second and second.stopped and third.model_id == "id-3"


def test_processors_start_a_child_only_when_asked(monkeypatch, trained_agent):
    started = []
    def fake_init(self, *args, **kwargs):
        self.http_interpreter, self.model_path = kwargs.get("http_interpreter"), "m"
        self.model_metadata = SimpleNamespace(model_id="id-1")

    monkeypatch.setattr(parse_offload, "ORIGINAL_INIT", fake_init)
    monkeypatch.setattr(parse_offload, "process_for",
                        lambda path, model_id: started.append((path, model_id)) or path)
    monkeypatch.delenv(nlu_process.ENV, raising=False)
    assert MessageProcessor.__init__ is parse_offload.init
    assert MessageProcessor(model_path="m").nlu_process is None
    monkeypatch.setenv(nlu_process.ENV, "1")
    assert MessageProcessor(model_path="m").nlu_process == "m"
    assert MessageProcessor(model_path="m", http_interpreter=object()).nlu_process is None
    assert started == [("m", "id-1")]


def test_the_child_s_answer_goes_through_rasa_s_own_checks(trained_agent, monkeypatch):
    processor = trained_agent.agent.processor
    fake = FakeChild("m")
    fake.answer = {"text": "x", "intent": {"name": "faq", "confidence": 1.0}, "entities": [],
                   "response_selector": {"all_retrieval_intents": ["faq"], "faq": {
                       "response": {"intent_response_key": "faq/horaires"}}}}
    processor.nlu_process = fake
    try:
        parsed = trained_agent.run(processor.parse_message(message("x")))
        fake.answer = None
        assert trained_agent.run(processor.parse_message(message("bonjour"))) == local_parse(
            trained_agent, message("bonjour"))
    finally:
        processor.nlu_process = None
    assert parsed["intent"]["full_retrieval_intent_name"] == "faq/horaires"


def test_the_child_rebuilds_the_message_from_its_fields(trained_agent):
    """``_parse`` (the child's side) in this process, on the processor's own graph."""
    processor = trained_agent.agent.processor
    fields = pickle.dumps(("bonjour", "m-7", {"page": "/kiosk/"}, "socketio", "s-1"))
    assert nlu_process._parse(processor, fields) == local_parse(trained_agent, message("bonjour"))
    seen = []
    original = processor.graph_runner.run
    processor.graph_runner.run = lambda inputs, targets: seen.append(inputs) or original(inputs, targets)
    try:
        nlu_process._parse(processor, fields)
    finally:
        processor.graph_runner.run = original
    sent = seen[0]["__message__"][0]
    assert (sent.text, sent.message_id, sent.metadata, sent.input_channel, sent.sender_id) == (
        "bonjour", "m-7", {"page": "/kiosk/"}, "socketio", "s-1")
