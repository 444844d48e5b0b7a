"""Scores a trained model on held-out NLU examples, the way the spec counts them.

An example counts as right when `/model/parse` reports its intent as ``intent.name``, or,
for a retrieval intent, as the ``intent_response_key`` of its response selector
(``faq/opening_hours`` counts as ``opening_hours``). Entities are scored on
(entity, value) pairs after synonym mapping, which is what actions receive.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Set, Tuple

from sklearn.metrics import f1_score, precision_recall_fscore_support

OUT_OF_SCOPE = "out_of_scope"


@dataclass
class Example:
    text: str
    intent: str
    entities: Set[Tuple[str, str]]


@dataclass
class Prediction:
    intent: Optional[str]
    entities: Set[Tuple[str, str]]
    seconds: float


@dataclass
class Scores:
    examples: int
    intent_accuracy: float
    macro_f1: float
    per_intent: Dict[str, Dict[str, float]]
    out_of_scope_recall: Optional[float]
    entity: Dict[str, float]
    confusions: List[Dict[str, Any]] = field(default_factory=list)
    parse_ms_p50: float = 0.0
    labels: List[str] = field(default_factory=list)
    truth: List[str] = field(default_factory=list)
    predicted: List[str] = field(default_factory=list)

    def as_dict(self) -> Dict[str, Any]:
        data = dict(self.__dict__)
        for key in ("labels", "truth", "predicted"):
            data.pop(key)
        return data


def load_examples(folder: Path) -> List[Example]:
    """Held-out examples from every YAML file in ``folder`` (Rasa NLU format)."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(folder))
    examples = []
    for message in data.intent_examples:
        entities = {
            (e["entity"], str(data.entity_synonyms.get(str(e["value"]), e["value"])))
            for e in message.get("entities") or []
        }
        examples.append(Example(message.get("text"), message.get("intent"), entities))
    return examples


def reported_intent(parse: Dict[str, Any]) -> Optional[str]:
    """The intent name the spec reads from a parse result."""
    name = (parse.get("intent") or {}).get("name")
    for selector in (parse.get("response_selector") or {}).values():
        key = ((selector or {}).get("response") or {}).get("intent_response_key")
        if key and name and key.split("/")[0] == name:
            return key.split("/")[-1]
    return name


async def _predict(agent: Any, examples: List[Example]) -> List[Prediction]:
    predictions = []
    for example in examples:
        start = time.perf_counter()
        parse = await agent.parse_message(example.text)
        elapsed = time.perf_counter() - start
        entities = {(e["entity"], str(e.get("value"))) for e in parse.get("entities") or []}
        predictions.append(Prediction(reported_intent(parse), entities, elapsed))
    return predictions


def predict(model_path: Path, examples: List[Example]) -> List[Prediction]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model_path))
    return asyncio.run(_predict(agent, examples))


def score(examples: List[Example], predictions: List[Prediction]) -> Scores:
    truth = [e.intent for e in examples]
    predicted = [p.intent or "None" for p in predictions]
    labels = sorted(set(truth))
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=labels, zero_division=0
    )
    per_intent = {
        label: {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
        for label, p, r, f, s in zip(labels, precision, recall, f1, support)
    }
    correct = sum(t == p for t, p in zip(truth, predicted))
    true_entities = sum(len(e.entities) for e in examples)
    found_entities = sum(len(p.entities) for p in predictions)
    matched = sum(len(e.entities & p.entities) for e, p in zip(examples, predictions))
    ent_p = matched / found_entities if found_entities else 0.0
    ent_r = matched / true_entities if true_entities else 0.0
    ent_f = 2 * ent_p * ent_r / (ent_p + ent_r) if ent_p + ent_r else 0.0
    confusions = Counter(
        (t, p) for t, p in zip(truth, predicted) if t != p
    )
    latencies = sorted(p.seconds for p in predictions)
    return Scores(
        examples=len(examples),
        intent_accuracy=correct / len(examples) if examples else 0.0,
        macro_f1=float(f1_score(truth, predicted, labels=labels, average="macro", zero_division=0)),
        per_intent=per_intent,
        out_of_scope_recall=per_intent.get(OUT_OF_SCOPE, {}).get("recall"),
        entity={"precision": ent_p, "recall": ent_r, "f1": ent_f,
                "true": true_entities, "found": found_entities},
        confusions=[{"intent": t, "predicted": p, "count": n}
                    for (t, p), n in confusions.most_common()],
        parse_ms_p50=1000 * latencies[len(latencies) // 2] if latencies else 0.0,
        labels=labels,
        truth=truth,
        predicted=predicted,
    )


def misclassified(examples: List[Example], predictions: List[Prediction]) -> List[Dict[str, str]]:
    return [
        {"text": e.text, "intent": e.intent, "predicted": p.intent or "None"}
        for e, p in zip(examples, predictions)
        if e.intent != p.intent
    ]
