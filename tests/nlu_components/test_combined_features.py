"""A message's combined features (guichet_nlu.patches.combined_features) equal Rasa's."""

from __future__ import annotations

from typing import Any, List

import numpy as np
import pytest
import scipy.sparse
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message

from guichet_nlu.patches import combined_features

ORIGINAL = combined_features.ORIGINAL
FEATURIZERS = ["RegexFeaturizer", "CountVectorsFeaturizer"]


def sparse(rows: int, columns: int, seed: int, dtype: Any = np.float32) -> scipy.sparse.coo_matrix:
    rng = np.random.default_rng(seed)
    return scipy.sparse.coo_matrix(rng.random((rows, columns)) > 0.7, dtype=dtype)


def features(matrix: Any, origin: Any, kind: str = "sequence") -> Features:
    return Features(matrix, kind, "text", origin)


def same(ours: Features, theirs: Features) -> None:
    assert vars(ours).keys() == vars(theirs).keys()
    for name, value in vars(theirs).items():
        mine = getattr(ours, name)
        if name != "features":
            assert mine == value
        elif scipy.sparse.issparse(value):
            assert type(mine) is type(value) and mine.shape == value.shape
            for part in ("row", "col", "data"):
                assert getattr(mine, part).dtype == getattr(value, part).dtype
                np.testing.assert_array_equal(getattr(mine, part), getattr(value, part))
        else:
            assert mine.dtype == value.dtype and mine.shape == value.shape
            np.testing.assert_array_equal(mine, value)


def cases() -> List[List[Features]]:
    return [
        [features(sparse(4, 30, 1), "RegexFeaturizer"), features(sparse(4, 12, 2), "CountVectorsFeaturizer")],
        [features(sparse(3, 8, 3), "A"), features(sparse(3, 5, 4, np.float64), "B"),
         features(sparse(3, 700, 5), "C")],
        [features(np.arange(12, dtype=np.float32).reshape(1, 12), "SpacyFeaturizer", "sentence"),
         features(np.ones((1, 4), np.float32), "Other", "sentence")],
        [features(sparse(1, 1, 6), ["X", "Y"]), features(sparse(1, 2, 7), "Z"), features(sparse(1, 3, 8), "W")],
    ]


def test_the_patch_is_installed() -> None:
    assert Message._combine_features is combined_features.combine_features


@pytest.mark.parametrize("index", range(len(cases())))
def test_combinations_equal_rasas_and_share_no_matrix_with_the_message(index: int) -> None:
    parts = cases()[index]
    before = [(f.features.copy(), f.origin) for f in parts]
    ours, theirs = combined_features.combine_features(parts, FEATURIZERS), ORIGINAL(parts, FEATURIZERS)
    same(ours, theirs)
    assert ours.origin is FEATURIZERS and theirs.origin is FEATURIZERS
    assert all(ours.features is not f.features for f in parts)
    if scipy.sparse.issparse(ours.features):
        ours.features.data[:] = 42  # the joined matrix has arrays of its own
    else:
        ours.features[...] = 42
    for f, (matrix, origin) in zip(parts, before):
        assert f.origin == origin
        if scipy.sparse.issparse(matrix):
            assert (f.features != matrix).nnz == 0
        else:
            np.testing.assert_array_equal(f.features, matrix)


def test_one_features_object_is_rasas_deep_copy() -> None:
    single = [features(sparse(2, 6, 9), "RegexFeaturizer")]
    ours = combined_features.combine_features(single, FEATURIZERS)
    same(ours, ORIGINAL(single, FEATURIZERS))
    assert ours.features is not single[0].features


def test_mismatched_features_raise_rasas_errors() -> None:
    for parts in ([features(sparse(2, 3, 1), "A"), features(sparse(3, 3, 2), "B")],
                  [features(sparse(2, 3, 1), "A"), features(np.ones((2, 3), np.float32), "B")]):
        with pytest.raises(ValueError) as theirs:
            ORIGINAL(parts, FEATURIZERS)
        with pytest.raises(ValueError) as ours:
            combined_features.combine_features(parts, FEATURIZERS)
        assert str(ours.value) == str(theirs.value)


def test_a_message_gives_the_same_features_through_rasas_getters(monkeypatch) -> None:
    message = Message(data={"text": "bonjour"})
    for f in cases()[0] + [features(sparse(1, 9, 11), "RegexFeaturizer", "sentence"),
                           features(sparse(1, 4, 12), "CountVectorsFeaturizer", "sentence")]:
        message.add_features(f)
    ours = message.get_sparse_features("text", FEATURIZERS)
    monkeypatch.setattr(Message, "_combine_features", staticmethod(ORIGINAL))
    theirs = message.get_sparse_features("text", FEATURIZERS)
    for mine, reference in zip(ours, theirs):
        same(mine, reference)


def test_parses_equal_rasas(trained_agent: Any, monkeypatch) -> None:
    texts = ["bonjour", "je voudrais un rendez-vous pour une carte d'identité demain",
             "quel jour passe la poubelle jaune rue Pasteur", "où en est mon dossier URB-2026-00042"]
    ours = [trained_agent.run(trained_agent.agent.parse_message(text)) for text in texts]
    monkeypatch.setattr(Message, "_combine_features", staticmethod(ORIGINAL))
    theirs = [trained_agent.run(trained_agent.agent.parse_message(text)) for text in texts]
    assert ours == theirs
