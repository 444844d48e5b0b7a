"""Messages parsed in a child process of the Rasa server instead of on its event loop.

With ``GUICHET_NLU_PROCESS=1`` (set by tools/stack.py for the Rasa server), each
``MessageProcessor`` starts (or reuses) an :class:`~guichet_nlu.nlu_process.NLUProcess`
for its model, and ``parse_message`` asks it first. When the child cannot answer (not
ready yet, failed, dead, too slow), the message is parsed in this process by Rasa's own
code, so the result is always Rasa's. A processor given Rasa's ``nlu`` endpoint (a remote
NLU server) keeps it. Tests: tests/nlu_components/test_nlu_process.py.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.trackers import DialogueStateTracker

from guichet_nlu.nlu_process import NLUProcess, enabled

ORIGINAL_INIT = MessageProcessor.__dict__["__init__"]
ORIGINAL_PARSE_MESSAGE = MessageProcessor.__dict__["parse_message"]

#: The child of this process: one at a time, for the model loaded last.
_current: Optional[NLUProcess] = None


def process_for(model_path: str, model_id: Optional[str]) -> NLUProcess:
    """The child parsing with the model ``model_id`` of ``model_path``; the one of a
    previous model is stopped (a model retrained in place has a new id)."""
    global _current
    if (_current is None or _current.model_path != str(model_path)
            or _current.model_id != model_id):
        if _current is not None:
            _current.stop()
        _current = NLUProcess(str(model_path), model_id)
    return _current


def init(self: MessageProcessor, *args: Any, **kwargs: Any) -> None:
    ORIGINAL_INIT(self, *args, **kwargs)
    self.nlu_process = (process_for(self.model_path, self.model_metadata.model_id)
                        if enabled() and not self.http_interpreter else None)


async def parse_message(self: MessageProcessor, message: UserMessage,
                        tracker: Optional[DialogueStateTracker] = None,
                        only_output_properties: bool = True) -> Dict[Text, Any]:
    child = getattr(self, "nlu_process", None)
    if child is not None and only_output_properties:
        parse_data = await child.parse(message)
        if parse_data is not None:
            # what Rasa's parse_message does after its own parse
            self._update_full_retrieval_intent(parse_data)
            self._check_for_unseen_features(parse_data)
            return parse_data
    return await ORIGINAL_PARSE_MESSAGE(self, message, tracker, only_output_properties)


def apply() -> None:
    MessageProcessor.__init__ = init
    MessageProcessor.parse_message = parse_message
