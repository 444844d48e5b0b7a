"""DIET's "fake" features made without deep-copying the message's feature matrices.

For every message DIET classifies, Rasa's ``convert_to_data_format`` builds default
(empty) features for each attribute: ``_create_fake_features`` deep-copies one of the
message's ``Features`` objects, matrix included, then replaces the copied matrix by an
empty one (0 rows, same width and dtype). The copy of the matrix was a quarter of the
time DIET spends preparing a message's data (py-spy, benchmarks/TUNING.md).

The patch deep-copies the same objects with the matrix left out of the copy (``deepcopy``
told, through its memo, that the matrix is already copied), then sets the same empty
matrix: every other attribute is deep-copied as before, so the result is the same.
Tests: tests/nlu_components/test_fake_features.py.
"""

from __future__ import annotations

import copy
import functools
from typing import List

import numpy as np
import scipy.sparse
from rasa.shared.nlu.training_data.features import Features
from rasa.utils.tensorflow import model_data_utils

ORIGINAL = model_data_utils.__dict__["_create_fake_features"]


def copy_sharing_matrix(features: Features) -> Features:
    """A deep copy of ``features`` except its matrix, which the copy shares (``deepcopy``
    told, through its memo, that the matrix is already copied). For callers that put
    another matrix in its place."""
    return copy.deepcopy(features, {id(features.features): features.features})


def empty_like(features: Features) -> Features:
    """A deep copy of ``features`` whose matrix is empty (0 rows, same width and dtype)."""
    matrix = features.features
    new = copy_sharing_matrix(features)
    if features.is_dense():
        new.features = np.zeros((0, matrix.shape[-1]), matrix.dtype)
    if features.is_sparse():
        new.features = scipy.sparse.coo_matrix((0, matrix.shape[-1]), matrix.dtype)
    return new


@functools.wraps(ORIGINAL)
def create_fake_features(all_features: List[List[List[Features]]]) -> List[Features]:
    """Rasa's ``_create_fake_features`` with :func:`empty_like`."""
    example_features = next(iter([
        list_of_features
        for list_of_list_of_features in all_features
        for list_of_features in list_of_list_of_features
        if list_of_features is not None
    ]))
    return [empty_like(features) for features in example_features]


def apply() -> None:
    """Installs the patch (idempotent)."""
    model_data_utils._create_fake_features = create_fake_features
