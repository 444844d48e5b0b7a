"""DIET's fake features (guichet_nlu.patches.fake_features) equal Rasa's."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse
from rasa.shared.nlu.training_data.features import Features
from rasa.utils.tensorflow import model_data_utils

from guichet_nlu.patches import fake_features


def same(ours: Features, theirs: Features) -> None:
    assert vars(ours).keys() == vars(theirs).keys()
    for name, value in vars(theirs).items():
        mine = getattr(ours, name)
        if name == "features":
            assert type(mine) is type(value) and mine.shape == value.shape and mine.dtype == value.dtype
            assert mine.nnz == 0 if scipy.sparse.issparse(value) else mine.size == 0
        else:
            assert mine == value


def example() -> list:
    rng = np.random.default_rng(5)
    sparse = Features(scipy.sparse.coo_matrix(rng.random((4, 30)) > 0.8, dtype=np.float32),
                      "sequence", "text", ["CountVectorsFeaturizer", "RegexFeaturizer"])
    dense = Features(rng.random((1, 300)).astype(np.float32), "sentence", "text", "SpacyFeaturizer")
    return [[None], [[sparse, dense]]]


def test_fake_features_equal_rasas_and_share_nothing_with_the_message() -> None:
    assert model_data_utils._create_fake_features is fake_features.create_fake_features
    features = example()
    ours, theirs = fake_features.create_fake_features(features), fake_features.ORIGINAL(features)
    assert len(ours) == len(theirs) == 2
    for mine, reference, original in zip(ours, theirs, features[1][0]):
        same(mine, reference)
        assert mine.features is not original.features
        assert mine.origin == original.origin and (mine.origin is not original.origin
                                                   or isinstance(original.origin, str))
    ours[0].origin.append("autre")
    assert features[1][0][0].origin == ["CountVectorsFeaturizer", "RegexFeaturizer"]


def test_no_features_at_all_fails_as_rasas() -> None:
    with pytest.raises(StopIteration):
        fake_features.ORIGINAL([[None]])
    with pytest.raises(StopIteration):
        fake_features.create_fake_features([[None]])
