"""Action-server response validation with one cached ``jsonschema`` validator.

``RemoteAction._validate_action_result`` called ``jsonschema.validate`` on every
custom-action response: that checks the schema against its meta-schema and builds a new
validator each time (26-33 % of Rasa's CPU under load, see benchmarks/TUNING.md). The
schema is a constant, so the patched method checks it once, keeps one validator and
raises exactly what ``jsonschema.validate`` raised: the ``best_match`` error with Rasa's
explanation appended to its message.

Even the cached validator cost ~2 % of Rasa's CPU under load (``iter_errors`` walks the
20-branch ``oneOf`` in pure Python). Valid responses -- nearly all of them -- are now
recognised by a ``fastjsonschema`` check compiled once from the same schema; it only
ever answers "valid" or "not sure": anything it rejects (or any error it raises) goes to
the ``jsonschema`` validator above, which decides and builds the error exactly as
before. Each event is checked against the schema of its own kind only (the kinds'
``oneOf`` singles one out by the ``event`` name; 204 -> 9 us per realistic response).
Only its acceptance must agree with ``jsonschema``, which the tests check on every
keyword the schema uses (same ``re`` regex engine, same number/integer/boolean
rules) and on thousands of mutated responses.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Dict, Optional, Text

from jsonschema import exceptions, validators
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

try:  # optional: without it every response takes the jsonschema path
    from fastjsonschema.draft2019 import CodeGeneratorDraft2019
    from fastjsonschema.ref_resolver import RefResolver
except ImportError:  # pragma: no cover
    CodeGeneratorDraft2019 = None

_FAILED_VALIDATION_HINT = (
    ". Failed to validate Action server response from API, "
    "make sure your response from the Action endpoint is valid. "
    "For more information about the format visit "
    f"{DOCS_BASE_URL}/custom-actions"
)


@functools.lru_cache(maxsize=None)
def action_result_validator() -> Any:
    """One validator of Rasa's action-server response schema, built on first use."""
    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


if CodeGeneratorDraft2019 is not None:

    class _YesNoGenerator(CodeGeneratorDraft2019):
        """fastjsonschema's generator (its default draft) raising one constant error.

        The answer is only used as "valid or not", so the generated code need not build
        detailed errors: with them, each failing ``oneOf`` branch (19 of 20 per event)
        built a copy of the schema. (``detailed_exceptions=False`` of fastjsonschema
        2.22.3 fails on ``const``.)
        """

        def exc(self, msg: str, *args: Any, append_to_msg: Any = None, rule: Any = None) -> None:
            self.l('raise JsonSchemaValueException("invalid")')


def _compile(schema: Dict[Text, Any]) -> Callable[[Any], Any]:
    """``schema`` compiled by :class:`_YesNoGenerator`: returns if valid, raises otherwise."""
    resolver = RefResolver.from_schema(schema, handlers={}, store={})
    generator = _YesNoGenerator(
        schema, resolver=resolver, use_default=False,  # never fills in "default" values
        detailed_exceptions=False,
    )
    namespace = generator.global_state  # as fastjsonschema.compile does
    exec(generator.func_code, namespace)  # noqa: S102 (code generated from Rasa's schema)
    return namespace[resolver.get_scope_name()]


def event_branches(items: Dict[Text, Any]) -> Optional[Dict[Text, Dict[Text, Any]]]:
    """The ``oneOf`` branches of an event by the ``event`` name each one requires, when a
    name picks at most one branch: each branch has its own ``const`` name and the event
    must have a string ``event``. None otherwise."""
    branches = items.get("oneOf")
    if (not isinstance(branches, list) or "event" not in items.get("required", ())
            or items.get("properties", {}).get("event") != {"type": "string"}):
        return None
    by_name: Dict[Text, Dict[Text, Any]] = {}
    for branch in branches:
        name = branch.get("properties", {}).get("event", {}).get("const")
        if not isinstance(name, str) or name in by_name:
            return None
        by_name[name] = branch
    return by_name


@functools.lru_cache(maxsize=None)
def fast_action_result_check() -> Optional[Callable[[Any], Any]]:
    """Compiled check of the same schema: returns if valid, raises otherwise.

    The events' ``oneOf`` of 23 kinds made fastjsonschema try, and raise an error for,
    every kind before the one an event has. When the ``event`` name picks at most one
    kind (:func:`event_branches`), "exactly one kind matches" is "the kind named matches":
    the check then validates the response with the events' items left open, each event
    against the schema of the items without ``oneOf``, and against its kind's branch
    alone. Otherwise the whole schema is compiled as one check."""
    if CodeGeneratorDraft2019 is None:
        return None
    schema = RemoteAction.action_response_format_spec()
    events = schema.get("properties", {}).get("events", {})
    items = events.get("items") if isinstance(events, dict) else None
    by_name = event_branches(items) if isinstance(items, dict) else None
    if by_name is None:
        return _compile(schema)
    outer = dict(schema, properties=dict(schema["properties"], events=dict(events, items={})))
    event_check = _compile({k: v for k, v in items.items() if k != "oneOf"})
    kind_checks = {name: _compile(branch) for name, branch in by_name.items()}
    whole_check = _compile(outer)

    def check(result: Any) -> Any:
        whole_check(result)
        for event in result.get("events") or ():
            event_check(event)
            kind_checks[event["event"]](event)  # an unknown kind: KeyError, "ask jsonschema"
        return result

    return check


def is_surely_valid(result: Any) -> bool:
    """True if the fast check accepts ``result``; False means "ask jsonschema"."""
    check = fast_action_result_check()
    if check is None:
        return False
    try:
        check(result)
    except Exception:  # rejected, or data it cannot handle: jsonschema decides
        return False
    return True


def validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    """Drop-in replacement of ``RemoteAction._validate_action_result``."""
    if is_surely_valid(result):
        return True
    error = exceptions.best_match(action_result_validator().iter_errors(result))
    if error is None:
        return True
    error.message += _FAILED_VALIDATION_HINT
    raise error


def apply() -> None:
    """Installs the cached validation (idempotent)."""
    RemoteAction._validate_action_result = validate_action_result
