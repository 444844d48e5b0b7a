"""Fixtures for action tests: a real back office over HTTP on a fresh SQLite file.

The back office runs as a subprocess (``python -m backoffice serve``) on a free port,
seeded with the demo cases; the actions' HTTP client is pointed at it. Nothing is mocked.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from actions.api import backoffice as backoffice_api
from actions.settings import SETTINGS
from tools.stack import ROOT, Stack, free_port


@pytest.fixture(scope="session")
def backoffice_stack(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("backoffice")
    stack = Stack(services=("backoffice",), ports={"backoffice": free_port()}, workdir=workdir)
    subprocess.run([sys.executable, "-m", "backoffice", "seed"], cwd=ROOT, env=stack.env,
                   check=True, capture_output=True)
    stack.start(timeout=60)
    yield stack
    stack.stop()


@pytest.fixture
def backoffice_client(backoffice_stack, monkeypatch):
    """The actions' client, talking to the test back office."""
    settings = replace(SETTINGS, backoffice_url=backoffice_stack.url("backoffice"), retries=1,
                       backoff_factor=0.05)
    client = backoffice_api.BackOfficeClient(settings)
    monkeypatch.setattr(backoffice_api, "_client", client)
    return client


@pytest.fixture
def backoffice_down(monkeypatch):
    """The actions' client, pointed at a port where nothing listens."""
    settings = replace(SETTINGS, backoffice_url=f"http://127.0.0.1:{free_port()}", retries=1,
                       backoff_factor=0.01, connect_timeout=0.5, read_timeout=0.5)
    client = backoffice_api.BackOfficeClient(settings)
    monkeypatch.setattr(backoffice_api, "_client", client)
    return client
