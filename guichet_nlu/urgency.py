"""Marks urgent or distressed messages so that flows and the handoff can prioritise them.

Patterns come from urgency.yml beside this module (data, not code). The result is put
in the parse data as ``urgency`` = {"level", "category", "matched"}; the handoff queue
sorts tickets by it. A category may also replace the intent (``distress``): someone who
says they want to end their life gets the help numbers at once, never an "out of scope".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Pattern, Text

import yaml

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from guichet_nlu.linear_intent_classifier import normalise

URGENCY = "urgency"
PATTERNS_FILE = Path(__file__).with_name("urgency.yml")
LEVELS = ("danger", "distress", "urgent")


@dataclass(frozen=True)
class Category:
    name: str
    level: str
    intent: Optional[str]
    patterns: List[Pattern[str]]


def load_categories(path: Path = PATTERNS_FILE) -> List[Category]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    categories = []
    for entry in data["categories"]:
        if entry["level"] not in LEVELS:
            raise ValueError(f"{path}: unknown urgency level {entry['level']!r}")
        categories.append(Category(
            name=entry["name"], level=entry["level"], intent=entry.get("intent"),
            patterns=[re.compile(p) for p in entry["patterns"]],
        ))
    return categories


def detect(text: str, categories: List[Category]) -> Optional[Dict[str, Any]]:
    """The most serious category ``text`` matches, with the words that matched."""
    normalised = normalise(text)
    for level in LEVELS:
        for category in categories:
            if category.level != level:
                continue
            for pattern in category.patterns:
                match = pattern.search(normalised)
                if match:
                    return {"level": level, "category": category.name,
                            "matched": match.group(0), "intent": category.intent}
    return None


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class UrgencyDetector(GraphComponent):
    """Adds ``urgency`` to urgent messages and routes distress to its own intent."""

    def __init__(self, categories: List[Category]) -> None:
        self.categories = categories

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "UrgencyDetector":
        return cls(load_categories())

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            found = detect(message.get(TEXT) or "", self.categories)
            if not found:
                continue
            intent = found.pop("intent")
            message.set(URGENCY, found, add_to_output=True)
            if intent:
                top = {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 1.0}
                ranking = [r for r in message.get(INTENT_RANKING_KEY) or []
                           if r.get(INTENT_NAME_KEY) != intent]
                message.set(INTENT, top, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [top] + ranking, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training data needs no marking."""
        return training_data
