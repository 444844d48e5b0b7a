"""Cleans a citizen's raw text before any NLU component reads it.

Messages arrive from web pages, Messenger and kiosks: they may carry HTML, control
characters, runs of white space or thousands of characters. This component turns them
into plain, bounded text so that tokenizers and classifiers see what a person would read.
The original length is kept in the message so that actions can tell the citizen that a
long message was only partly read.
"""

from __future__ import annotations

import html
import re
import unicodedata
from html.parser import HTMLParser
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

ORIGINAL_LENGTH = "original_text_length"
TRUNCATED = "text_truncated"

_TAG_HINT = re.compile(r"<[a-zA-Z/!]")
_SPACES = re.compile(r"\s+")


class _TextExtractor(HTMLParser):
    """Collects the visible text of an HTML fragment, dropping scripts and styles."""

    _SKIPPED = {"script", "style"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: List[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in self._SKIPPED:
            self._skipping += 1
        self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIPPED and self._skipping:
            self._skipping -= 1
        self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def strip_html(text: str) -> str:
    """Returns the visible text of ``text`` when it looks like HTML, else ``text``."""
    if not _TAG_HINT.search(text):
        return html.unescape(text)
    extractor = _TextExtractor()
    extractor.feed(text)
    extractor.close()
    return "".join(extractor.parts)


def clean_text(text: str, max_chars: int) -> str:
    """Plain, single-spaced, NFC-normalised text of at most ``max_chars`` characters."""
    text = unicodedata.normalize("NFC", strip_html(text or ""))
    text = "".join(
        ch if unicodedata.category(ch)[0] != "C" else " " for ch in text
    )
    text = _SPACES.sub(" ", text).strip()
    if len(text) > max_chars:
        cut = text[:max_chars]
        # end on a word boundary when there is one reasonably close
        space = cut.rfind(" ")
        text = cut[:space] if space > max_chars * 0.8 else cut
    return text


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False
)
class MessageSanitizer(GraphComponent):
    """Strips HTML and control characters and bounds the length of each message."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"max_chars": 1000}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.max_chars = int(config["max_chars"])

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "MessageSanitizer":
        return cls(config)

    def _clean(self, message: Message) -> None:
        raw = message.get(TEXT)
        if raw is None:
            return
        cleaned = clean_text(raw, self.max_chars)
        message.set(ORIGINAL_LENGTH, len(raw), add_to_output=True)
        message.set(TRUNCATED, len(raw) > self.max_chars, add_to_output=True)
        message.set(TEXT, cleaned)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._clean(message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Leaves training data as written: cleaning it would shift entity offsets."""
        return training_data
