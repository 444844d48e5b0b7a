"""A message's count-vector features built directly as the sparse matrix Rasa keeps.

For each message, Rasa's ``CountVectorsFeaturizer._create_features`` asks the fitted
sklearn ``CountVectorizer`` to ``transform`` the tokens (one row per token) and the
joined sentence (one row), then sorts the result and converts it to COO. Two featurizers
(words, character n-grams) make four such calls per message. The counting is quick; the
time went to building and validating a CSR matrix, then converting, re-validating and
copying it into a COO one (scipy's constructors and index-type checks): 7 % of the Rasa
server's CPU for this step, three quarters of it in scipy (py-spy, benchmarks/TUNING.md).

:func:`coo_counts` counts the same way as sklearn's ``_count_vocab`` (the vectorizer's
own analyzer, built once per vectorizer; out-of-vocabulary features skipped) and builds
the COO matrix ``tocoo()`` returns: entries row by row in increasing column order, data
of the vectorizer's ``dtype`` (1 when ``binary``), row and column indices of scipy's
index type for the shape. Only a plain fitted ``CountVectorizer`` with a vocabulary takes
this path; anything else goes through ``transform`` as before. Tests:
tests/nlu_components/test_count_vectors.py (every training and held-out text, both
featurizers of the trained model, compared with sklearn's path).
"""

from __future__ import annotations

import functools
import weakref
from typing import Any, Callable, Dict, List, Optional, Sequence, Text, Tuple

import numpy as np
import scipy.sparse
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES
from scipy.sparse._sputils import get_index_dtype
from sklearn.feature_extraction.text import CountVectorizer

from guichet_nlu.patches.sparse_stack import checked_coo

ORIGINAL_CREATE_FEATURES = CountVectorsFeaturizer.__dict__["_create_features"]

_analyzers: "weakref.WeakKeyDictionary[CountVectorizer, Callable[[Text], List[Text]]]" = (
    weakref.WeakKeyDictionary())


def _analyzer(vectorizer: CountVectorizer) -> Callable[[Text], List[Text]]:
    analyze = _analyzers.get(vectorizer)
    if analyze is None:
        analyze = _analyzers[vectorizer] = vectorizer.build_analyzer()
    return analyze


def coo_counts(vectorizer: Any, documents: Sequence[Text]) -> scipy.sparse.coo_matrix:
    """``vectorizer.transform(documents)``, indices sorted, as ``tocoo()``."""
    vocabulary = getattr(vectorizer, "vocabulary_", None)
    if (type(vectorizer) is not CountVectorizer or not vocabulary
            or not isinstance(documents, list)):
        matrix = vectorizer.transform(documents)
        matrix.sort_indices()
        return matrix.tocoo()
    analyze = _analyzer(vectorizer)
    rows: List[int] = []
    columns: List[int] = []
    counts: List[int] = []
    for row, document in enumerate(documents):
        counter: Dict[int, int] = {}
        for feature in analyze(document):
            index = vocabulary.get(feature)
            if index is not None:
                counter[index] = counter.get(index, 0) + 1
        for index in sorted(counter):
            rows.append(row)
            columns.append(index)
            counts.append(counter[index])
    shape = (len(documents), len(vocabulary))
    index_dtype = get_index_dtype(maxval=max(shape))
    data = np.array(counts, dtype=vectorizer.dtype)
    if vectorizer.binary:
        data.fill(1)
    return checked_coo(data, np.array(rows, dtype=index_dtype),
                       np.array(columns, dtype=index_dtype), shape)


@functools.wraps(ORIGINAL_CREATE_FEATURES)
def create_features(
    self: CountVectorsFeaturizer, attribute: Text, all_tokens: List[List[Text]]
) -> Tuple[List[Optional[scipy.sparse.spmatrix]], List[Optional[scipy.sparse.spmatrix]]]:
    """Rasa's ``_create_features`` with :func:`coo_counts`."""
    vectorizer = self.vectorizers.get(attribute)
    if not vectorizer:
        return [None], [None]
    sequence_features: List[Optional[scipy.sparse.spmatrix]] = []
    sentence_features: List[Optional[scipy.sparse.spmatrix]] = []
    for tokens in all_tokens:
        if not tokens:
            sequence_features.append(None)
            sentence_features.append(None)
            continue
        sequence_features.append(coo_counts(vectorizer, tokens))
        if attribute in DENSE_FEATURIZABLE_ATTRIBUTES:
            sentence_features.append(coo_counts(vectorizer, [" ".join(tokens)]))
        else:
            sentence_features.append(None)
    return sequence_features, sentence_features


def apply() -> None:
    """Installs the patch (idempotent)."""
    CountVectorsFeaturizer._create_features = create_features
