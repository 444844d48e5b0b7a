"""Graph runs in a fixed order without dask (guichet_nlu.patches.graph_runner): same results.

The plan is checked on Rasa's trained graphs; then parses and whole conversations on the
trained model are compared with Rasa's dask runner.
"""

from __future__ import annotations

from typing import Any

import pytest

from guichet_nlu.patches import graph_runner
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner
from tests.nlu_components.conftest import CONVERSATIONS

TEXTS = ["bonjour", "je voudrais un rendez-vous pour un passeport mardi prochain", "",
         "où en est mon dossier URB-2026-00042", "<script>alert(1)</script>", "🙂🙂",
         "quel jour passe la poubelle jaune rue Pasteur", "j'ai envie de mourir", "x" * 2000]


def runner_of(trained_agent: Any) -> DaskGraphRunner:
    return trained_agent.agent.processor.graph_runner


def test_each_node_comes_after_what_it_needs(trained_agent: Any) -> None:
    runner = runner_of(trained_agent)
    schema = runner._graph_schema
    for targets in ([trained_agent.agent.processor.model_metadata.nlu_target],
                    [trained_agent.agent.processor.model_metadata.core_target], None):
        targets = targets or schema.target_names
        plan = graph_runner.plan_for(runner, targets)
        names = [name for name, _ in plan]
        assert sorted(names) == sorted(set(schema.minimal_graph_schema(targets).nodes))
        for position, (name, needs) in enumerate(plan):
            for parent in needs:
                assert parent not in schema.nodes or names.index(parent) < position
        assert graph_runner.plan_for(runner, targets) is plan  # computed once


def test_parses_are_those_of_dask(trained_agent: Any, monkeypatch) -> None:
    ours = [trained_agent.run(trained_agent.agent.parse_message(text)) for text in TEXTS]
    monkeypatch.setattr(DaskGraphRunner, "run", graph_runner.ORIGINAL_RUN)
    theirs = [trained_agent.run(trained_agent.agent.parse_message(text)) for text in TEXTS]
    assert ours == theirs


@pytest.mark.parametrize("index", range(len(CONVERSATIONS)))
def test_conversations_are_those_of_dask(trained_agent: Any, monkeypatch, index: int) -> None:
    ours = trained_agent.summary(f"sequential-{index}", CONVERSATIONS[index])
    monkeypatch.setattr(DaskGraphRunner, "run", graph_runner.ORIGINAL_RUN)
    assert ours == trained_agent.summary(f"dask-{index}", CONVERSATIONS[index])


@pytest.mark.parametrize("run", [graph_runner.run, graph_runner.ORIGINAL_RUN], ids=["ours", "dask"])
def test_input_named_like_a_node_is_refused(trained_agent: Any, run) -> None:
    runner = runner_of(trained_agent)
    nlu_target = trained_agent.agent.processor.model_metadata.nlu_target
    node = graph_runner.plan_for(runner, [nlu_target])[0][0]
    with pytest.raises(GraphRunError, match="clashes with a node name"):
        run(runner, inputs={"__message__": node}, targets=[nlu_target])


def test_runtime_errors_become_graph_run_errors(trained_agent: Any, monkeypatch) -> None:
    runner = runner_of(trained_agent)
    target = trained_agent.agent.processor.model_metadata.nlu_target
    name, _ = graph_runner.plan_for(runner, [target])[0]

    def broken(*args: Any) -> Any:
        raise RuntimeError("panne")

    monkeypatch.setitem(runner._instantiated_nodes, name, broken)
    with pytest.raises(GraphRunError):
        runner.run(inputs={"__message__": []}, targets=[target])
