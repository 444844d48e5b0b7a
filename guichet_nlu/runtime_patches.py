"""Runtime patches of Rasa 3.6 hot paths, applied when Guichet's components are imported.

Rasa imports ``guichet_nlu`` while it loads the model (config.yml names our components),
so every Rasa process serving Guichet runs with these patches; nothing else changes.
:func:`apply` is the single entry point; each patch lives in its own module of
:mod:`guichet_nlu.patches` and keeps Rasa's observable behaviour (see benchmarks/TUNING.md):

* :mod:`~guichet_nlu.patches.action_result`: one cached validator of action-server
  responses instead of ``jsonschema.validate`` (meta-schema check + new validator) per call.
* :mod:`~guichet_nlu.patches.event_lookup`: ``Event.resolve_by_type`` by a table instead
  of walking every ``Event`` subclass for each event deserialised.
* :mod:`~guichet_nlu.patches.endpoint_sessions`: Rasa's ``EndpointConfig.request`` on one kept
  ``aiohttp`` session per event loop (keep-alive to the action server) instead of a new
  session and TCP connection per call.
* :mod:`~guichet_nlu.patches.action_domain`: the domain sent with each custom-action call
  written to JSON once per model, without the responses the action server never renders.
* :mod:`~guichet_nlu.patches.tf_predict`: DIET's and TED's one compiled prediction graph
  called directly instead of through ``tf.function``'s generic dispatch.
* :mod:`~guichet_nlu.patches.graph_runner`: each graph run follows an order of its nodes
  computed once, instead of recomputing the needed subgraph and scheduling it with dask.
* :mod:`~guichet_nlu.patches.slot_copy`: the domain's slots copied for each new tracker
  without ``copy.copy``'s generic machinery.
* :mod:`~guichet_nlu.patches.tf_model_load`: DIET and TED loaded for prediction without
  the one-example training step Rasa runs to create their variables (start-up).
* :mod:`~guichet_nlu.patches.rule_lookup`: the rule policy's matching rules found without
  re-reading every rule at every state of the conversation.
* :mod:`~guichet_nlu.patches.turn_gate`: turns admitted into processing first come, first
  served, a few at a time, instead of all interleaved on the loop (latency tail).
* :mod:`~guichet_nlu.patches.debug_copies`: the deep copies Rasa makes only as arguments of
  debug log lines skipped when debug logging is off.
* :mod:`~guichet_nlu.patches.sparse_stack`: a message's sparse features joined directly
  instead of through ``scipy.sparse.hstack``'s general block machinery.
* :mod:`~guichet_nlu.patches.count_vectors`: a message's count-vector features counted and
  built directly as the COO matrix Rasa keeps, without sklearn's CSR matrix and scipy's
  conversions and checks.
* :mod:`~guichet_nlu.patches.fake_features`: DIET's empty default features made without
  deep-copying the message's feature matrices first.
* :mod:`~guichet_nlu.patches.past_states`: a conversation's past states replayed once per
  event and kept while its tracker lives, instead of from the first event for every policy
  and every prediction.
* :mod:`~guichet_nlu.patches.combined_features`: a message's features of one kind combined
  without deep-copying the first matrix, which the combination replaces anyway.
* :mod:`~guichet_nlu.patches.loop_state`: the active loop in the tracker state sent to the
  action server copied without ``dataclasses.asdict``'s generic walk.
* :mod:`~guichet_nlu.patches.diet_inputs`: DIET's prediction inputs for one message built
  straight from its feature matrices instead of through a training-style model data and a
  batch generator (checked against Rasa's once per layout of features).
* :mod:`~guichet_nlu.patches.heap_freeze`: the loaded model's objects frozen out of the
  garbage collector's full collections (a third of a second each, every ten seconds or
  so under load).
* :mod:`~guichet_nlu.patches.parse_offload`: with ``GUICHET_NLU_PROCESS=1``, messages
  parsed in a child process (:mod:`guichet_nlu.nlu_process`) while the event loop runs
  the dialogue; Rasa parses itself whenever the child cannot answer.
* :mod:`~guichet_nlu.patches.domain_empty`: ``Domain.is_empty`` (asked for every parsed
  message) answered once per domain instead of by building an empty domain each time.
"""

from __future__ import annotations

from guichet_nlu.patches import (action_domain, action_result, combined_features, count_vectors,
                                  debug_copies, diet_inputs, domain_empty, endpoint_sessions,
                                  event_lookup, fake_features, graph_runner, heap_freeze,
                                  loop_state, parse_offload, past_states, rule_lookup, slot_copy,
                                  sparse_stack, tf_model_load, tf_predict, turn_gate)

# Kept for callers of the first version of this module.
action_result_validator = action_result.action_result_validator
validate_action_result = action_result.validate_action_result


def apply() -> None:
    """Installs the patches (idempotent)."""
    action_result.apply()
    event_lookup.apply()
    endpoint_sessions.apply()
    action_domain.apply()
    tf_predict.apply()
    graph_runner.apply()
    slot_copy.apply()
    tf_model_load.apply()
    rule_lookup.apply()
    turn_gate.apply()
    debug_copies.apply()
    sparse_stack.apply()
    past_states.apply()
    fake_features.apply()
    count_vectors.apply()
    combined_features.apply()
    loop_state.apply()
    diet_inputs.apply()
    heap_freeze.apply()
    parse_offload.apply()
    domain_empty.apply()


apply()
