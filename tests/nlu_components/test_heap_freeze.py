"""The model's objects are frozen after each load (guichet_nlu.patches.heap_freeze)."""

from __future__ import annotations

import asyncio
import gc
import weakref
from typing import Iterator, List

import pytest
from rasa.core.agent import Agent

from guichet_nlu.patches import heap_freeze

pytestmark = pytest.mark.heap_sized  # its full collections walk the whole test process


class Cycle:
    """An object that only the cyclic collector can free."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    thresholds = gc.get_threshold()
    gc.unfreeze()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_agent_load_model_is_wrapped() -> None:
    assert Agent.load_model is heap_freeze.load_model


def test_a_load_unfreezes_the_old_model_then_freezes_the_new_one(monkeypatch) -> None:
    seen: List[int] = []
    old_model_cycle = Cycle()
    gc.freeze()
    del old_model_cycle
    assert gc.get_freeze_count() > 0

    def original(agent: Agent, model_path: str) -> None:
        seen.append(gc.get_freeze_count())
        agent.model = Cycle()

    monkeypatch.setattr(heap_freeze, "ORIGINAL_LOAD_MODEL", original)
    agent = Agent()
    heap_freeze.load_model(agent, "models/guichet.tar.gz")
    assert seen == [0]  # the previous model's objects were collectable during the load
    assert gc.get_freeze_count() > 0 and not gc.garbage
    assert agent.model.me is agent.model


def test_a_failed_load_freezes_again_and_raises(monkeypatch) -> None:
    def broken(agent: Agent, model_path: str) -> None:
        raise ValueError("modèle illisible")

    monkeypatch.setattr(heap_freeze, "ORIGINAL_LOAD_MODEL", broken)
    with pytest.raises(ValueError, match="modèle illisible"):
        heap_freeze.load_model(Agent(), "cassé.tar.gz")
    assert gc.get_freeze_count() > 0


def test_cycles_made_after_the_freeze_are_still_collected() -> None:
    heap_freeze.freeze_heap()
    cycle = Cycle()
    alive = weakref.ref(cycle)
    del cycle
    assert alive() is not None
    gc.collect()
    assert alive() is None


def test_a_cycle_frozen_with_a_model_is_freed_after_the_next_load(monkeypatch) -> None:
    monkeypatch.setattr(heap_freeze, "ORIGINAL_LOAD_MODEL", lambda agent, path: None)
    cycle = Cycle()
    alive = weakref.ref(cycle)
    heap_freeze.freeze_heap()
    del cycle
    gc.collect()
    assert alive() is not None  # frozen: full collections do not see it
    heap_freeze.load_model(Agent(), "autre-modele.tar.gz")  # unfreezes, loads, collects
    assert alive() is None


def test_the_load_in_progress_is_frozen_once_the_loop_runs_again(monkeypatch) -> None:
    monkeypatch.setattr(Agent, "load_model", heap_freeze.ORIGINAL_LOAD_MODEL)

    async def load_then_yield() -> List[int]:
        heap_freeze.apply()  # what importing guichet_nlu during a model load does
        counts = [gc.get_freeze_count()]
        await asyncio.sleep(0)
        counts.append(gc.get_freeze_count())
        return counts

    during, after = asyncio.run(load_then_yield())
    assert during == 0 and after > 0
    assert Agent.load_model is heap_freeze.load_model


def test_no_freeze_without_an_event_loop(monkeypatch) -> None:
    monkeypatch.setattr(Agent, "load_model", heap_freeze.ORIGINAL_LOAD_MODEL)
    heap_freeze.apply()
    assert gc.get_freeze_count() == 0
    assert Agent.load_model is heap_freeze.load_model


@pytest.mark.parametrize("env,young", [(None, 10_000), ("25000", 25_000), (" 5000 ", 5_000),
                                       ("0", None), ("-1", 10_000), ("beaucoup", 10_000)])
def test_the_young_threshold_is_raised_with_the_freeze(monkeypatch, caplog, env, young) -> None:
    if env is None:
        monkeypatch.delenv(heap_freeze.YOUNG_THRESHOLD_ENV, raising=False)
    else:
        monkeypatch.setenv(heap_freeze.YOUNG_THRESHOLD_ENV, env)
    gc.set_threshold(700, 11, 12)
    heap_freeze.freeze_heap()
    assert gc.get_threshold() == ((young or 700), 11, 12)  # 0 keeps Python's
    assert ("is not a whole number" in caplog.text) == (env in ("-1", "beaucoup"))


def test_a_turns_objects_freed_by_reference_counting_are_never_promoted() -> None:
    """What the raised threshold is for: with 10 000, building and dropping a few
    thousand containers (a turn's) runs no young collection, so none is promoted; with
    Python's 700, each such turn runs several."""

    def young_collections_during_turns() -> int:
        gc.collect()
        before = gc.get_stats()[0]["collections"]
        for _ in range(50):
            turn = [{"event": "slot", "value": [i]} for i in range(2_000)]
            del turn
        return gc.get_stats()[0]["collections"] - before

    heap_freeze.freeze_heap()
    raised = young_collections_during_turns()
    gc.set_threshold(700, 10, 10)
    default = young_collections_during_turns()
    # other threads of the test process may allocate meanwhile: a stray collection or two
    assert raised <= 2 and default >= 100
