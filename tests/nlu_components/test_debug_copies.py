"""Deep copies for debug log lines are skipped only when those lines cannot be written."""

from __future__ import annotations

import ast
import inspect
import logging

import pytest

from guichet_nlu.patches import debug_copies


@pytest.fixture
def patched():
    debug_copies.apply()
    return debug_copies.PATCHED_MODULES


def _log_calls_around_copies(module) -> list:
    """For each ``copy.<name>`` in the module's source: is it inside a ``structlogger.*``
    call? (False for any other use.)"""
    tree = ast.parse(inspect.getsource(module))
    parents = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    verdicts = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and node.value.id == "copy":
            ancestor, in_log = parents.get(node), False
            while ancestor is not None:
                if isinstance(ancestor, ast.Call) and isinstance(ancestor.func, ast.Attribute) \
                        and isinstance(ancestor.func.value, ast.Name) \
                        and ancestor.func.value.id == "structlogger":
                    in_log = True
                    break
                ancestor = parents.get(ancestor)
            verdicts.append((node.attr, node.lineno, in_log))
    return verdicts


@pytest.mark.parametrize("module", debug_copies.PATCHED_MODULES, ids=lambda m: m.__name__)
def test_every_copy_in_the_patched_modules_is_a_log_argument(module):
    verdicts = _log_calls_around_copies(module)
    assert verdicts, f"{module.__name__} no longer uses copy: drop it from the patch"
    assert all(in_log for _, _, in_log in verdicts), \
        f"{module.__name__} uses copy outside a log call: {verdicts}"


def test_without_debug_logging_the_value_itself_is_passed(patched):
    states = [{"user": {"intent": "book_appointment"}, "prev_action": {"action_name": "x"}}]
    for module in patched:
        logger = logging.getLogger(module.__name__)
        assert not logger.isEnabledFor(logging.DEBUG)
        assert module.copy.deepcopy(states) is states


def test_with_debug_logging_a_real_deep_copy_is_made(patched):
    states = [{"user": {"intent": "book_appointment"}}]
    for module in patched:
        logger = logging.getLogger(module.__name__)
        previous = logger.level
        logger.setLevel(logging.DEBUG)
        try:
            copied = module.copy.deepcopy(states)
        finally:
            logger.setLevel(previous)
        assert copied == states and copied is not states and copied[0] is not states[0]


def test_root_debug_logging_also_gets_real_copies(patched):
    root = logging.getLogger()
    previous = root.level
    root.setLevel(logging.DEBUG)
    try:
        value = {"a": [1, 2]}
        assert patched[0].copy.deepcopy(value) is not value
    finally:
        root.setLevel(previous)


def test_the_rest_of_the_copy_module_is_the_real_one(patched):
    import copy
    for module in patched:
        assert module.copy.copy is copy.copy
        assert module.copy.Error is copy.Error
