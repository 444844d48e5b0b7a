"""A running stack for conversation tests: back office, action server and Rasa.

Started once per test session on free ports with a fresh seeded SQLite database and the
trained model (models/guichet.tar.gz, built by `make train` before `make test` runs
pytest). Tests talk to Rasa's REST channel like an integration would, then check the
back office's state through its API.
"""

from __future__ import annotations

import subprocess
import sys
import uuid
from typing import Any, Dict, List

import pytest
import requests

from tools.stack import DEFAULT_MODEL, ROOT, Stack, free_ports

ADMIN_HEADERS = {"X-Admin-Key": "dev-admin-key"}
API_HEADERS = {"X-API-Key": "dev-action-server-key"}


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    if not DEFAULT_MODEL.exists():
        pytest.fail(f"{DEFAULT_MODEL} is missing: run `make train` first")
    workdir = tmp_path_factory.mktemp("stack")
    ports = free_ports("backoffice", "actions", "rasa")
    running = Stack(services=("backoffice", "actions", "rasa"), ports=ports, workdir=workdir)
    subprocess.run([sys.executable, "-m", "backoffice", "seed"], cwd=ROOT, env=running.env,
                   check=True, capture_output=True)
    running.start()
    yield running
    running.stop()


class Citizen:
    """One conversation through the REST channel."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.sender = f"e2e-{uuid.uuid4().hex[:12]}"

    def say(self, text: str) -> List[Dict[str, Any]]:
        response = requests.post(
            f"{self.stack.url('rasa')}/webhooks/rest/webhook",
            json={"sender": self.sender, "message": text}, timeout=60,
        )
        response.raise_for_status()
        return response.json()

    def say_text(self, text: str) -> str:
        return "\n".join(m.get("text", "") for m in self.say(text))

    def tracker(self) -> Dict[str, Any]:
        return requests.get(
            f"{self.stack.url('rasa')}/conversations/{self.sender}/tracker", timeout=30
        ).json()


@pytest.fixture
def citizen(stack) -> Citizen:
    return Citizen(stack)


def backoffice_get(stack: Stack, path: str, admin: bool = False, **params: Any) -> requests.Response:
    return requests.get(
        f"{stack.url('backoffice')}/api/v1{path}", params=params,
        headers=ADMIN_HEADERS if admin else API_HEADERS, timeout=30,
    )
