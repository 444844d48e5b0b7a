"""Pytest setup for the channel and QR poster tests.

Makes the repository root and this folder importable, disables Rasa's
telemetry, and runs ``async def`` tests in a fresh event loop each (no
pytest-asyncio needed).
"""

import asyncio
import inspect
import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
for path in (str(REPO_ROOT), str(HERE)):
    if path not in sys.path:
        sys.path.insert(0, path)

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Run coroutine test functions with ``asyncio.run``."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    arguments = {
        name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames
    }
    asyncio.run(pyfuncitem.obj(**arguments))
    return True
