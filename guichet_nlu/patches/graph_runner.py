"""Rasa's graph runs in a fixed order computed once, without dask (a Rasa 3.6 hot path).

Every message (NLU) and every predicted action (policies) runs a graph through
``DaskGraphRunner.run``, which first recomputes the subgraph the targets need
(``GraphSchema.minimal_graph_schema``: a recursive walk that visits shared parents again
and again), then rebuilds a dask task graph and lets ``dask.get`` schedule it in the
calling thread. That bookkeeping was about 10 % of the Rasa server's CPU under load, for
graphs that never change once loaded (py-spy, benchmarks/TUNING.md).

The patched ``run`` keeps, per runner and per set of targets, the list of needed nodes
in an order where each node comes after its parents, and calls them one after the
other in the calling thread — what ``dask.get`` does too, with the same arguments:
each parent's ``(name, output)`` pair, the ``(name, value)`` pair of a run input, or
the bare name of an input nobody gave (the node then warns, as with dask). Results,
errors (``RuntimeError`` → ``GraphRunError``) and the check of input names
(Rasa's own ``_add_inputs_to_graph``, on the nodes of the run, as with dask) are Rasa's.
Nodes do not depend on the order among independent nodes (dask gives none either).
Tests: tests/nlu_components/test_graph_runner.py.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Sequence, Text, Tuple

from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner

logger = logging.getLogger(__name__)

ORIGINAL_RUN = DaskGraphRunner.run
_PLANS = "_guichet_run_plans"

#: One step of a plan: a node's name and the names of what it needs, in order.
Step = Tuple[Text, Tuple[Text, ...]]


class Plan(List[Step]):
    """The steps of a run, and its node names as the keys of ``node_names`` (the graph
    dask would get, on which Rasa checks the input names)."""

    node_names: Dict[Text, None]


def plan_for(runner: DaskGraphRunner, targets: Sequence[Text]) -> Plan:
    """The nodes ``targets`` need, each after its parents (computed once per targets)."""
    plans: Dict[Tuple[Text, ...], Plan] = runner.__dict__.setdefault(_PLANS, {})
    key = tuple(targets)
    plan = plans.get(key)
    if plan is None:
        nodes = runner._graph_schema.nodes
        plan, done, visiting = Plan(), set(), set()

        def visit(name: Text) -> None:
            if name in done or name not in nodes:  # an input placeholder, or seen already
                return
            if name in visiting:
                raise GraphRunError(f"The graph has a cycle through node '{name}'.")
            visiting.add(name)
            needs = tuple(nodes[name].needs.values())
            for parent in needs:
                visit(parent)
            visiting.discard(name)
            done.add(name)
            plan.append((name, needs))

        for target in key:
            visit(target)
        plan.node_names = dict.fromkeys(name for name, _ in plan)
        plans[key] = plan
    return plan


def run(self: DaskGraphRunner, inputs: Optional[Dict[Text, Any]] = None,
        targets: Optional[List[Text]] = None) -> Dict[Text, Any]:
    """Drop-in replacement of ``DaskGraphRunner.run``."""
    run_targets = targets if targets else self._graph_schema.target_names
    plan = plan_for(self, run_targets)
    # Rasa's own check of the input names, on the nodes of this run (dask's graph).
    graph: Dict[Text, Any] = plan.node_names.copy()
    DaskGraphRunner._add_inputs_to_graph(inputs, graph)
    values: Dict[Text, Any] = {name: graph[name] for name in inputs or ()}
    nodes = self._instantiated_nodes
    try:
        for name, needs in plan:
            if name in values:  # an input given under a node's name replaces the node
                continue
            values[name] = nodes[name](*(values.get(parent, parent) for parent in needs))
    except RuntimeError as error:
        raise GraphRunError("Error running runner.") from error
    return dict(values[target] for target in run_targets)


def apply() -> None:
    """Installs the patch (idempotent)."""
    DaskGraphRunner.run = run
