"""Runtime patches of Rasa 3.6 hot paths, applied when Guichet's components are imported.

Rasa imports ``guichet_nlu`` while it loads the model (config.yml names our components),
so every Rasa process serving Guichet runs with these patches; nothing else changes.

* ``RemoteAction._validate_action_result`` called ``jsonschema.validate`` on every
  custom-action response: that checks the schema against its meta-schema and builds a
  new validator each time (26-33 % of Rasa's CPU under load, see benchmarks/TUNING.md).
  The schema is a constant, so the patched method checks it once, keeps one validator
  and raises exactly what ``jsonschema.validate`` raised: the ``best_match`` error with
  Rasa's explanation appended to its message.
"""

from __future__ import annotations

import functools
from typing import Any, Dict, Text

from jsonschema import exceptions, validators
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

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


def validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    """Drop-in replacement of ``RemoteAction._validate_action_result``."""
    error = exceptions.best_match(action_result_validator().iter_errors(result))
    if error is None:
        return True
    error.message += _FAILED_VALIDATION_HINT
    raise error


def apply() -> None:
    """Installs the patches (idempotent)."""
    RemoteAction._validate_action_result = validate_action_result


apply()
