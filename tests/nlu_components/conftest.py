"""The trained Guichet model loaded once for the tests of the serving patches.

Uses models/guichet.tar.gz (built by `make train` before `make test`); the agent lives on
its own event loop, and ``TrainedAgent.converse`` plays messages as one citizen.
"""

from __future__ import annotations

import asyncio
from typing import Any, Iterable, List

import pytest

from tools.stack import DEFAULT_MODEL


class TrainedAgent:
    def __init__(self) -> None:
        from rasa.core.agent import load_agent

        self.loop = asyncio.new_event_loop()
        self.agent = self.run(load_agent(model_path=str(DEFAULT_MODEL)))

    def run(self, coroutine: Any) -> Any:
        return self.loop.run_until_complete(coroutine)

    def converse(self, sender: str, texts: Iterable[str]) -> List[Any]:
        """Sends ``texts`` in order; returns the conversation's events."""
        for text in texts:
            self.run(self.agent.handle_text(text, sender_id=sender))
        tracker = self.run(self.agent.tracker_store.retrieve(sender))
        return list(tracker.events)


@pytest.fixture(scope="session")
def trained_agent() -> TrainedAgent:
    if not DEFAULT_MODEL.exists():
        pytest.fail(f"{DEFAULT_MODEL} is missing: run `make train` first")
    agent = TrainedAgent()
    yield agent
    agent.loop.close()
