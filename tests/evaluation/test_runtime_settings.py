"""How services are started: runtime tuning, scale mode endpoints, CPU accounting."""

from __future__ import annotations

import os

import yaml

from benchmarks import proccpu
from tools.stack import RASA_RUNTIME_ENV, RUNTIME_ENV, SCALE_ENDPOINTS, Stack, base_env


def endpoints(stack: Stack) -> dict:
    return yaml.safe_load(stack._endpoints_file().read_text(encoding="utf-8"))


def test_default_stack_keeps_the_embedded_in_memory_stores(tmp_path):
    stack = Stack(services=("rasa",), workdir=tmp_path)
    config = endpoints(stack)
    # in memory: Rasa's lock store and Guichet's object tracker store (benchmarks/TUNING.md)
    assert "lock_store" not in config
    assert config["tracker_store"]["type"] == "guichet_nlu.tracker_store.InMemoryObjectTrackerStore"
    assert stack.services[0].env["SANIC_WORKERS"] == "1"
    # one Rasa process: messages parsed in its child process (guichet_nlu/nlu_process.py)
    assert stack.services[0].env["GUICHET_NLU_PROCESS"] == "1"


def test_several_rasa_workers_share_redis_stores_of_their_own(tmp_path):
    stack = Stack(services=("rasa",), workdir=tmp_path, ports={"rasa": 5123}, rasa_workers=2)
    config = endpoints(stack)
    scale = yaml.safe_load(SCALE_ENDPOINTS.read_text(encoding="utf-8"))
    assert config["lock_store"]["type"] == config["tracker_store"]["type"] == "redis"
    assert config["lock_store"]["key_prefix"] == "guichet5123"
    assert config["action_endpoint"]["url"].endswith("/webhook")
    assert config["event_broker"]["type"] == scale["event_broker"]["type"]
    assert stack.services[0].env["SANIC_WORKERS"] == "2"
    # the workers already use both cores: no parsing child each
    assert stack.services[0].env["GUICHET_NLU_PROCESS"] == "0"


def test_runtime_tuning_is_a_default_the_caller_can_override(monkeypatch):
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    assert base_env()["MALLOC_ARENA_MAX"] == RUNTIME_ENV["MALLOC_ARENA_MAX"]
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert base_env()["MALLOC_ARENA_MAX"] == "4"


def test_tensorflow_threads_are_set_for_rasa_only(tmp_path, monkeypatch):
    """With TF_*_PARALLELISM_THREADS set, `rasa run actions` imports TensorFlow (~370 MB)."""
    for key in RASA_RUNTIME_ENV:
        monkeypatch.delenv(key, raising=False)
    stack = Stack(services=("actions", "rasa"), workdir=tmp_path)
    actions, rasa = stack.services
    assert not any(key in actions.env for key in RASA_RUNTIME_ENV)
    assert all(rasa.env[key] == value for key, value in RASA_RUNTIME_ENV.items())
    monkeypatch.setenv("TF_INTRA_OP_PARALLELISM_THREADS", "2")
    rasa_env = Stack(services=("rasa",), workdir=tmp_path).services[0].env
    assert rasa_env["TF_INTRA_OP_PARALLELISM_THREADS"] == "2"


def test_cpu_seconds_per_turn_come_from_proc():
    pid = os.getpid()
    before = proccpu.snapshot({"tests": pid})
    sum(i * i for i in range(2_000_000))
    after = proccpu.snapshot({"tests": pid})
    assert after["tests"] > before["tests"]
    assert proccpu.ms_per_turn(before, after, 0) == {"tests": None}
    assert proccpu.ms_per_turn({"a": 1.0}, {"a": 1.5}, 10) == {"a": 50.0}
    assert proccpu.cpu_seconds(2 ** 22 + 12345) == 0.0
