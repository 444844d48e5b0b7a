"""Count-vector features built by guichet_nlu.patches.count_vectors equal sklearn's path.

Both featurizers of the trained model (words, character n-grams) are run on every
training and held-out text (tokens as Rasa's whitespace of the text gives them, and the
joined sentence), plus hostile inputs, and compared with ``transform`` + ``sort_indices``
+ ``tocoo`` array by array, dtype by dtype.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, List

import numpy as np
import pytest
import scipy.sparse
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.shared.nlu.training_data.loading import load_data
from sklearn.feature_extraction.text import CountVectorizer

from guichet_nlu.patches import count_vectors
from tests.nlu_components.test_sparse_stack import assert_same_matrix

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = [["é", "\u0301", "🙂"], ["x" * 5000], ["<script>alert(1)</script>", "'; drop table --"],
           ["rendez", "-", "vous", "CNI", "n°", "12", "bis"], [" "], ["zzzzqqqq"]]


def texts() -> List[str]:
    found = [message.get("text") for folder in ("data/nlu", "tests/nlu")
             for message in load_data(str(ROOT / folder)).intent_examples]
    assert len(found) > 3000
    return found


def sklearns(vectorizer: Any, documents: List[str]) -> scipy.sparse.coo_matrix:
    matrix = vectorizer.transform(documents)
    matrix.sort_indices()
    return matrix.tocoo()


@pytest.fixture(scope="module")
def vectorizers(trained_agent: Any) -> List[CountVectorizer]:
    found = [vectorizer
             for node in trained_agent.agent.processor.graph_runner._instantiated_nodes.values()
             if isinstance(node._component, CountVectorsFeaturizer)
             for vectorizer in (node._component.vectorizers or {}).values()
             if getattr(vectorizer, "vocabulary_", None)]  # Rasa skips the others
    assert {vectorizer.analyzer for vectorizer in found} == {"word", "char_wb"}
    return found


def test_every_text_gives_sklearns_matrices(vectorizers: List[CountVectorizer]) -> None:
    assert CountVectorsFeaturizer._create_features is count_vectors.create_features
    for vectorizer in vectorizers:
        for text in texts():
            tokens = text.lower().split() or [text]
            for documents in (tokens, [" ".join(tokens)]):
                assert_same_matrix(count_vectors.coo_counts(vectorizer, documents),
                                   sklearns(vectorizer, documents))
        for tokens in HOSTILE:
            assert_same_matrix(count_vectors.coo_counts(vectorizer, tokens), sklearns(vectorizer, tokens))


def test_binary_float_and_unfitted_vectorizers() -> None:
    corpus = ["carte d'identité", "passeport carte", "carte carte grise"]
    for options in (dict(binary=True), dict(dtype=np.float32), dict(analyzer="char", ngram_range=(1, 3))):
        vectorizer = CountVectorizer(**options).fit(corpus)
        for documents in (["carte carte identité"], ["inconnu"], corpus):
            assert_same_matrix(count_vectors.coo_counts(vectorizer, documents), sklearns(vectorizer, documents))
    with pytest.raises(Exception) as ours:
        count_vectors.coo_counts(CountVectorizer(), ["pas entraîné"])
    with pytest.raises(Exception) as theirs:
        CountVectorizer().transform(["pas entraîné"])
    assert type(ours.value) is type(theirs.value)


def test_featurizer_output_is_rasas(vectorizers: List[CountVectorizer]) -> None:
    featurizer = CountVectorsFeaturizer.__new__(CountVectorsFeaturizer)
    featurizer.vectorizers = {"text": vectorizers[0]}
    tokens = [["je", "voudrais", "un", "rendez-vous"], [], ["carte"]]
    ours = count_vectors.create_features(featurizer, "text", tokens)
    theirs = count_vectors.ORIGINAL_CREATE_FEATURES(featurizer, "text", tokens)
    for mine, reference in zip(ours[0] + ours[1], theirs[0] + theirs[1]):
        if reference is None:
            assert mine is None
        else:
            assert_same_matrix(mine, reference)
    assert count_vectors.create_features(featurizer, "intent", tokens) == ([None], [None])
