"""The trained Guichet model loaded once for the tests of the serving patches.

Uses models/guichet.tar.gz (built by `make train` before `make test`); the agent lives on
its own event loop, and ``TrainedAgent.converse`` plays messages as one citizen;
``recorded`` holds the inputs DIET and TED received during one conversation.
"""

from __future__ import annotations

import asyncio
from typing import Any, Iterable, List, Tuple

import numpy as np
import pytest

from guichet_nlu import deferred_ted
from guichet_nlu.patches import tf_predict
from rasa.shared.core.events import BotUttered, SessionStarted
from rasa.utils.tensorflow.models import RasaModel
from tools.stack import DEFAULT_MODEL


#: Citizen conversations replayed by the equivalence tests (forms, FAQ, fallbacks, cases).
CONVERSATIONS = [
    ["bonjour", "je voudrais un rendez-vous pour une carte d'identité", "la semaine prochaine",
     "laissez tomber", "merci au revoir"],
    ["quels sont les horaires de la mairie", "tu es un robot ?", "qsdkfj qsdf", "azerty uiop",
     "quel jour passe la poubelle jaune", "rue Pasteur", "merci"],
    ["je veux signaler un nid de poule", "non finalement", "où en est mon dossier URB-2026-00042",
     "claire.martin@example.fr"],
]


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

    def summary(self, sender: str, texts: List[str]) -> List[Tuple[Any, ...]]:
        """What happened in the conversation, event by event, without times and ids
        (bot messages by response name: their variations are drawn at random)."""
        return [(type(e).__name__, getattr(e, "action_name", None), getattr(e, "policy", None),
                 getattr(e, "intent_name", None), getattr(e, "key", None), getattr(e, "value", None),
                 (e.metadata or {}).get("utter_action") if isinstance(e, BotUttered) else getattr(e, "text", None))
                for e in self.converse(sender, texts) if not isinstance(e, SessionStarted)]


@pytest.fixture(scope="session")
def trained_agent() -> TrainedAgent:
    if not DEFAULT_MODEL.exists():
        pytest.fail(f"{DEFAULT_MODEL} is missing: run `make train` first")
    agent = TrainedAgent()
    yield agent
    agent.loop.close()


MESSAGES = [
    "bonjour",
    "je voudrais un rendez-vous pour une carte d'identité",
    "la semaine prochaine",
    "quels sont les horaires de la mairie",
    "zzzz qsdf",
]


@pytest.fixture(scope="session")
def recorded(trained_agent: TrainedAgent) -> List[Tuple[RasaModel, Any]]:
    """(model, batch) of every prediction made while the agent answers MESSAGES."""
    calls: List[Tuple[RasaModel, Any]] = []
    patched = RasaModel._rasa_predict
    assert patched is tf_predict.rasa_predict, "importing guichet_nlu must install the patch"

    def recording(self: RasaModel, batch_in: Any) -> Any:
        calls.append((self, batch_in))
        return patched(self, batch_in)

    RasaModel._rasa_predict = recording
    deferral = deferred_ted.deferred_cannot_win
    deferred_ted.deferred_cannot_win = lambda *args: False  # TED predicts every time
    try:
        trained_agent.converse("tf-predict-test", MESSAGES)
    finally:
        RasaModel._rasa_predict = patched
        deferred_ted.deferred_cannot_win = deferral
    return calls


def same_outputs(a: Any, b: Any) -> bool:
    """Model outputs equal: same keys, dtypes and values, None where None."""
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_outputs(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same_outputs(x, y) for x, y in zip(a, b))
    if a is None or b is None:
        return a is b
    return np.asarray(a).dtype == np.asarray(b).dtype and np.array_equal(np.asarray(a), np.asarray(b))
