"""Deep copies made only for debug log lines skipped when debug logging is off (Rasa 3.6).

Rasa's message processor, memoization and rule policies and form action pass
``copy.deepcopy(...)`` of states, events or parse data as arguments of
``structlogger.debug(...)``. Python evaluates the arguments before the call, so the deep
copies were made on every prediction and every action even though nothing is logged at
Rasa's usual level (INFO): the conversation's states three times per predicted action,
every event an action returns, the whole latest message on each form validation.

In these four modules ``copy`` is used for nothing else (every ``copy.`` of them is a log
argument), so the patch gives them a ``copy`` module whose ``deepcopy`` returns its
argument unchanged unless debug logging is on for the module (its logger, as Rasa's
structlog filter checks it) or for the root logger, in which case it is the real deep
copy. Skipped log calls never see the value; when debug is on, the log lines are exactly
Rasa's. Tests: tests/nlu_components/test_debug_copies.py.
"""

from __future__ import annotations

import copy as copy_module
import logging
import types
from typing import Any, Optional

import rasa.core.actions.forms as forms_module
import rasa.core.policies.memoization as memoization_module
import rasa.core.policies.rule_policy as rule_policy_module
import rasa.core.processor as processor_module

#: The modules whose every use of ``copy`` is a debug log argument.
PATCHED_MODULES = (processor_module, memoization_module, rule_policy_module, forms_module)


class LogArgumentCopies(types.ModuleType):
    """The ``copy`` module as one of :data:`PATCHED_MODULES` sees it."""

    def __init__(self, module_name: str) -> None:
        super().__init__("copy")
        self._logger = logging.getLogger(module_name)

    def __getattr__(self, name: str) -> Any:
        return getattr(copy_module, name)

    def deepcopy(self, value: Any, memo: Optional[dict] = None) -> Any:
        """``copy.deepcopy(value)`` when a debug line could be written, else ``value``."""
        if self._logger.isEnabledFor(logging.DEBUG) or logging.getLogger().isEnabledFor(
                logging.DEBUG):
            return copy_module.deepcopy(value, memo)
        return value


def apply() -> None:
    """Installs the lazy copies in the four modules (idempotent)."""
    for module in PATCHED_MODULES:
        if not isinstance(module.copy, LogArgumentCopies):
            module.copy = LogArgumentCopies(module.__name__)
