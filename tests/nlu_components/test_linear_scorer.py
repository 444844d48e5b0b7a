"""The linear intent classifier's direct scoring gives sklearn's decision scores.

On the trained model, for every training and held-out text (and some hostile ones),
:class:`LinearScorer` must give what ``svm.decision_function`` gives on the matrix that
sklearn's vectorizers build, up to float rounding, with the same ranking of intents.
"""

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message

from guichet_nlu.linear_intent_classifier import LinearIntentClassifier, TfidfPart, normalise
from guichet_nlu.spacy_nlp import SpacyNLP

ROOT = Path(__file__).resolve().parents[2]
ODD_TEXTS = ["", "   ", "!!!", "a", "é" * 3000, "RENDEZ VOUS CARTE D'IDENTITE", "rdv 😀😀 svp",
             "<script>alert(1)</script>", "rendez vous " * 200, "1234567890", "\u200b\u200b"]


def _component(trained_agent, cls):
    nodes = trained_agent.agent.processor.graph_runner._instantiated_nodes.values()
    found = [node._component for node in nodes if isinstance(node._component, cls)]
    assert found, f"no {cls.__name__} in the trained model"
    return found[0]


@pytest.fixture(scope="module")
def messages(trained_agent):
    texts = [m.get("text") for folder in ("data/nlu", "tests/nlu")
             for m in load_data(str(ROOT / folder)).intent_examples] + ODD_TEXTS
    batch = [Message(data={"text": text}) for text in texts]
    spacy_nlp = _component(trained_agent, SpacyNLP)
    spacy_nlp.process(batch, spacy_nlp.provide())
    return batch


def sklearn_scores(classifier, messages):
    """The matrix path: sklearn's own vectorizers, hstack and sparse decision function."""
    texts = [normalise(m.get("text") or "") for m in messages]
    parts = [part.transform(texts) for _, part in classifier.features.transformer_list]
    vectors = np.vstack([classifier._vector(m) for m in messages])
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    dense = sp.csr_matrix(vectors / norms * float(classifier.config["vector_weight"]))
    return classifier.svm.decision_function(sp.hstack(parts + [dense]).tocsr())


def test_direct_scores_are_sklearns(trained_agent, messages):
    classifier = _component(trained_agent, LinearIntentClassifier)
    assert len(messages) > 1000
    expected = sklearn_scores(classifier, messages)
    got = classifier.decision_scores(messages)
    assert got.shape == expected.shape
    assert np.max(np.abs(got - expected)) < 1e-9
    assert (np.argsort(-got, axis=1, kind="stable")[:, :10]
            == np.argsort(-expected, axis=1, kind="stable")[:, :10]).all()


def test_process_ranks_with_the_direct_scores(trained_agent, messages):
    classifier = _component(trained_agent, LinearIntentClassifier)
    sample = [Message(data=dict(m.data)) for m in messages[:50]]
    classifier.process(sample)
    for message, row in zip(sample, sklearn_scores(classifier, messages[:50])):
        if not (message.get("text") or "").strip():
            continue
        assert message.get("intent")["name"] == classifier.svm.classes_[int(np.argmax(row))]


def test_settings_the_scorer_cannot_reproduce_fall_back_to_sklearn(trained_agent, messages, monkeypatch):
    classifier = _component(trained_agent, LinearIntentClassifier)
    fallback = LinearIntentClassifier(classifier.config, None, None, classifier.features, classifier.svm)
    monkeypatch.setattr(TfidfPart, "__init__", lambda self, vectorizer: (_ for _ in ()).throw(ValueError("norm='l1'")))
    sample = messages[:40]
    got = fallback.decision_scores(sample)
    assert fallback._scorer is False
    assert np.max(np.abs(got - sklearn_scores(classifier, sample))) < 1e-12
